/* SPDX-License-Identifier: MIT */
/*
 * One poll loop for both directions of listen and connect. The socket is
 * non-blocking so a full socket never stops us reading the peer (two
 * udo-vsock processes sending to each other at once cannot deadlock);
 * standard input and output stay as the caller gave them.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <udo/vsock-tcp.h>

#include "stream.h"
#include "errbuf.h"
#include "message.h"

/* Large enough that a bulk transfer costs few system calls. */
#define STREAM_BUF (256 * 1024)

/* All of buf to fd, waiting if fd happens to be non-blocking. 0 or -errno. */
static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0) {
			struct pollfd p = { .fd = fd, .events = POLLOUT };

			if (errno == EINTR)
				continue;
			if (errno != EAGAIN)
				return -errno;
			poll(&p, 1, -1);
			continue;
		}
		buf += n;
		len -= (size_t) n;
	}
	return 0;
}

/* A send that failed because the peer is gone, not because of us. */
static bool peer_gone(ssize_t r)
{
	return r == -EPIPE || r == -ECONNRESET || r == -ENOTCONN;
}

struct pump {
	int sock;
	const char *peer;
	struct udo_cli_stdio *io;
	char *up, *down;          /* input -> peer, peer -> output */
	size_t up_len, up_off;
	bool up_empty;            /* an empty message waits to be sent */
	bool in_msgs, out_msgs;   /* standard input, output are message sockets */
	bool shut, peer_eof, done;
	char *err;
	size_t errlen;
};

/* Input waiting to go to the peer. */
static bool pending(const struct pump *p)
{
	return p->up_len || p->up_empty;
}

/* An empty message received: one to standard output where that is a
 * message socket; nothing where it is a byte stream. 0, or -1. */
static int empty_down(struct pump *p)
{
	if (!p->out_msgs || p->io->out < 0 || write(p->io->out, p->down, 0) == 0)
		return 0;
	return fail(p->err, p->errlen, "write standard output: %s", strerror(errno));
}

/* Peer -> output: 0, or -1 with the error set. */
static int pump_down(struct pump *p)
{
	int flags = p->io->seqpacket ? MSG_TRUNC : 0; /* a message's full length */
	bool eof = true;
	ssize_t n = p->io->seqpacket
		? udo_cli_msg_recv(p->sock, p->down, STREAM_BUF, flags, &eof)
		: udo_vsock_tcp_recv_data(p->sock, p->down, STREAM_BUF, &flags);
	int r;

	if (n == -EAGAIN || n == -EINTR)
		return 0;
	if (n == 0 && !eof)
		return empty_down(p);
	if (n < 0)
		return fail(p->err, p->errlen, "receive from %s: %s", p->peer, strerror((int) -n));
	if (n > STREAM_BUF)
		return fail(p->err, p->errlen, "receive from %s: a %zd-byte message is larger "
		            "than the %d bytes udo-vsock takes", p->peer, n, STREAM_BUF);
	if (n == 0) {
		p->peer_eof = true;
		if (p->io->close_out && p->io->out >= 0) {
			close(p->io->out);
			p->io->out = -1;
		}
		return 0;
	}
	if (p->io->out < 0)
		return 0;
	r = write_all(p->io->out, p->down, (size_t) n);
	if (r < 0)
		return fail(p->err, p->errlen, "write standard output: %s", strerror(-r));
	return 0;
}

/* Pending input -> peer: 0, or -1 with the error set. */
static int pump_up(struct pump *p)
{
	ssize_t n = udo_vsock_tcp_send_data(p->sock, p->up + p->up_off,
	                                    p->up_len - p->up_off, NULL);

	if (n == 0 && p->up_empty) {
		p->up_empty = false;
		return 0;
	}
	if (n == -EAGAIN || n == -EINTR)
		return 0;
	if (n < 0 && p->peer_eof && peer_gone(n)) {
		/* The peer ended its side and then hung up: a normal end. */
		p->done = true;
		return 0;
	}
	if (n < 0)
		return fail(p->err, p->errlen, "send to %s: %s", p->peer, strerror((int) -n));
	p->up_off += (size_t) n;
	if (p->up_off == p->up_len)
		p->up_off = p->up_len = 0;
	return 0;
}

/* A message from standard input, itself a message socket: an empty one
 * is sent on as one. 0, or -1 with the error set. */
static int pump_in_msg(struct pump *p)
{
	bool eof;
	ssize_t n = udo_cli_msg_recv(p->io->in, p->up, UDO_CLI_MSG_IN, MSG_TRUNC, &eof);

	if (n == -EINTR || n == -EAGAIN)
		return 0;
	if (n < 0)
		return fail(p->err, p->errlen, "read standard input: %s", strerror((int) -n));
	if (n > UDO_CLI_MSG_IN)
		return fail(p->err, p->errlen, "read standard input: a %zd-byte message is larger "
		            "than the %d bytes udo-vsock takes", n, UDO_CLI_MSG_IN);
	if (n == 0 && eof) {
		p->io->in_eof = true;
		return 0;
	}
	p->up_len = (size_t) n;
	p->up_off = 0;
	p->up_empty = n == 0;
	return pump_up(p);
}

/* Input -> buffer: 0, or -1 with the error set. */
static int pump_in(struct pump *p)
{
	ssize_t n;

	if (p->in_msgs)
		return pump_in_msg(p);
	n = read(p->io->in, p->up, p->io->seqpacket ? UDO_CLI_MSG_IN : STREAM_BUF);
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return 0;
	if (n < 0)
		return fail(p->err, p->errlen, "read standard input: %s", strerror(errno));
	if (n == 0)
		p->io->in_eof = true;
	p->up_len = (size_t) n;
	p->up_off = 0;
	return n > 0 ? pump_up(p) : 0;
}

/* Shut our side down once input has ended and all of it was sent. */
static int pump_shut(struct pump *p)
{
	if (p->shut || !p->io->in_eof || pending(p))
		return 0;
	p->shut = true;
	if (shutdown(p->sock, SHUT_WR) == 0)
		return 0;
	if (errno == ENOTCONN) {
		/* Reset already: a receive reports it unless the peer had ended. */
		p->done = p->peer_eof;
		return 0;
	}
	return fail(p->err, p->errlen, "end the stream to %s: %s", p->peer, strerror(errno));
}

static int pump_loop(struct pump *p)
{
	for (;;) {
		struct pollfd fds[2];
		short ev;

		if (pump_shut(p) < 0)
			return -1;
		if (p->done || (p->shut && p->peer_eof))
			return 0;
		fds[0].fd = p->sock;
		fds[0].events = (short) ((p->peer_eof ? 0 : POLLIN) | (pending(p) ? POLLOUT : 0));
		fds[1].fd = (p->io->in_eof || pending(p)) ? -1 : p->io->in;
		fds[1].events = POLLIN;
		if (poll(fds, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return fail(p->err, p->errlen, "poll: %s", strerror(errno));
		}
		ev = fds[0].revents;
		if (!p->peer_eof && (ev & (POLLIN | POLLHUP | POLLERR))) {
			if (pump_down(p) < 0)
				return -1;
		} else if (p->peer_eof && !pending(p) && (ev & (POLLHUP | POLLERR))) {
			return 0; /* ended its side, then went away */
		}
		if (pending(p) && (ev & (POLLOUT | POLLHUP | POLLERR)) && pump_up(p) < 0)
			return -1;
		if (fds[1].fd >= 0 && fds[1].revents && pump_in(p) < 0)
			return -1;
	}
}

int udo_cli_stream(int sock, const char *peer, struct udo_cli_stdio *io,
                   char *err, size_t errlen)
{
	struct pump p = {
		.sock = sock, .peer = peer, .io = io, .err = err, .errlen = errlen,
	};
	int flags = fcntl(sock, F_GETFL), r = -1;

	if (io->seqpacket) {
		udo_cli_msg_prepare(sock);
		p.in_msgs = udo_cli_is_msg_socket(io->in);
		p.out_msgs = udo_cli_is_msg_socket(io->out);
		if (p.in_msgs)
			udo_cli_msg_prepare(io->in);
	}
	p.up = malloc(STREAM_BUF);
	p.down = malloc(STREAM_BUF);
	if (!p.up || !p.down)
		fail(err, errlen, "allocate stream buffers: %s", strerror(ENOMEM));
	else if (flags < 0 || fcntl(sock, F_SETFL, flags | O_NONBLOCK) < 0)
		fail(err, errlen, "make the socket to %s non-blocking: %s", peer, strerror(errno));
	else
		r = pump_loop(&p);
	free(p.up);
	free(p.down);
	return r;
}
