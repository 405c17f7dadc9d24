/* SPDX-License-Identifier: MIT */
/* Message sockets: an empty message is a message, not the end of stream. */
#ifndef UDO_CLI_MESSAGE_H
#define UDO_CLI_MESSAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* True when fd is a SOCK_SEQPACKET socket. */
bool udo_cli_is_msg_socket(int fd);

/* Ready fd for udo_cli_msg_recv: on AF_UNIX, SO_PASSCRED, so that every
 * message comes with the sender's credentials and the end of stream
 * without. Harmless elsewhere. */
void udo_cli_msg_prepare(int fd);

/*
 * One message from fd (recvmsg with flags: MSG_TRUNC gives its full
 * length). A receive of 0 bytes is an empty message or the peer's end of
 * stream: *eof tells which. Either it came with credentials (a message:
 * see udo_cli_msg_prepare), or the peer has not ended its side (a message
 * all the same), else it is the end. Returns the length, or -errno. File
 * descriptors a peer passed along are closed.
 */
ssize_t udo_cli_msg_recv(int fd, void *buf, size_t len, int flags, bool *eof);

#endif /* UDO_CLI_MESSAGE_H */
