/* SPDX-License-Identifier: MIT */
/* Standard input and output against one connected socket (listen, connect). */
#ifndef UDO_CLI_STREAM_H
#define UDO_CLI_STREAM_H

#include <stdbool.h>
#include <stddef.h>

struct udo_cli_stdio {
	int in, out;
	bool in_eof;      /* end of input seen: later connections get none */
	bool close_out;   /* close out when the peer ends its side */
	bool seqpacket;   /* sock keeps message boundaries: each read of in is one
	                   * message (at most UDO_CLI_MSG_IN bytes), each message
	                   * received is written to out as it is */
};

/* The most a read of standard input takes, so the most one message carries,
 * with --seqpacket (below every transport's largest message). */
#define UDO_CLI_MSG_IN 65536

/*
 * Copy io->in to sock and sock to io->out until both directions are done:
 * at end of input the socket's write side is shut down (the peer sees end
 * of stream and may still answer); when the peer ends its side, its data is
 * all written out and input keeps flowing to it until end of input. A peer
 * that goes away entirely (hang-up, reset, or a broken pipe after its end
 * of stream) also ends the stream. peer names the other end in messages.
 * Returns 0, or -1 with one line in err.
 */
int udo_cli_stream(int sock, const char *peer, struct udo_cli_stdio *io,
                   char *err, size_t errlen);

#endif /* UDO_CLI_STREAM_H */
