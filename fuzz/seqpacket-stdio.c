/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for how `udo-vsock --seqpacket` frames messages
 * (cli/stream.c): each read of standard input is one message to the peer,
 * each message from the peer is one write to standard output. The framing
 * has no text to parse; what can go wrong is a boundary lost, merged or
 * cut. So the harness runs the real udo_cli_stream() over socketpairs, with
 * standard input and output SOCK_SEQPACKET sockets too (where each read
 * and each write is one message), and checks that every message arrives
 * whole, in order, both ways, and that the stream ends cleanly.
 *
 * Input: records of one byte (bit 0: 0 input to peer, 1 peer to output),
 * a 16-bit little-endian length (cut to what is left) and the message.
 * Empty messages are left out: an empty read of standard input is its end.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "stream.h"
#include "check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_MSGS 64

struct msgs {
	const uint8_t *p[MAX_MSGS];
	size_t n[MAX_MSGS];
	size_t count;
};

/* Queue m on fd (a socket buffer holds them all: nobody reads yet); a
 * message that does not fit is left out of what is expected. */
static void queue(int fd, struct msgs *m, const uint8_t *p, size_t n)
{
	if (m->count == MAX_MSGS || send(fd, p, n, MSG_DONTWAIT | MSG_NOSIGNAL) != (ssize_t) n)
		return;
	m->p[m->count] = p;
	m->n[m->count++] = n;
}

/* Read fd's messages until its end: exactly m, whole and in order. */
static void expect(int fd, const struct msgs *m, uint8_t *buf, size_t cap)
{
	size_t i;
	ssize_t n;

	for (i = 0; i < m->count; i++) {
		n = recv(fd, buf, cap, MSG_DONTWAIT | MSG_TRUNC);
		CHECK(n == (ssize_t) m->n[i]);
		CHECK(!memcmp(buf, m->p[i], m->n[i]));
	}
	CHECK(recv(fd, buf, cap, MSG_DONTWAIT) == 0); /* then the end, nothing more */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t buf[UDO_CLI_MSG_IN + 1];
	struct msgs up = { .count = 0 }, down = { .count = 0 };
	int sock[2], in[2], out[2];
	struct udo_cli_stdio io = { .seqpacket = true };
	char err[512] = "";
	size_t n;
	bool to_out;
	int r;

	CHECK(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sock) == 0);
	CHECK(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, in) == 0);
	CHECK(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, out) == 0);
	while (size >= 3) {
		to_out = data[0] & 1;
		n = (size_t) data[1] | (size_t) data[2] << 8;
		data += 3;
		size -= 3;
		if (n > size)
			n = size;
		if (n)
			queue(to_out ? sock[1] : in[1], to_out ? &down : &up, data, n);
		data += n;
		size -= n;
	}
	CHECK(shutdown(in[1], SHUT_WR) == 0);   /* end of input */
	CHECK(shutdown(sock[1], SHUT_WR) == 0); /* the peer's end of stream */

	io.in = in[0];
	io.out = out[0];
	r = udo_cli_stream(sock[0], "the peer", &io, err, sizeof(err));
	CHECK(printable_line(err));
	CHECK(r == 0);
	CHECK(io.in_eof);
	CHECK(shutdown(out[0], SHUT_WR) == 0);

	expect(sock[1], &up, buf, sizeof(buf));   /* input, message by message */
	expect(out[1], &down, buf, sizeof(buf));  /* the peer's, write by write */
	close(sock[0]);
	close(sock[1]);
	close(in[0]);
	close(in[1]);
	close(out[0]);
	close(out[1]);
	return 0;
}
