/* SPDX-License-Identifier: MIT */
/*
 * A connect's one deadline in wall time (CLOCK_MONOTONIC), and the waits
 * within it. A wait treats signals as the kernel treats a system call it can
 * restart (signal(7)): after a handler installed with SA_RESTART the wait goes
 * on, to the same deadline; a handler without it ends the wait with EINTR.
 *
 * The kernel's own waits cannot give that here: poll(2) fails with EINTR
 * after any handler, and so does a blocking connect that has a timeout
 * (SO_SNDTIMEO, vsock's connect timeout), SA_RESTART or not; only a connect
 * without a timeout is restarted, and it has no deadline. So a wait holds
 * (blocks) the signals the thread took until then and watches them through a
 * signalfd; when one comes, the flags of its handler decide, and it is let in
 * (its handler runs) before the wait goes on or ends.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "transport.h"

/* Without a signalfd (no fd to spare, a filter that refuses it): look at the
 * pending signals at least this often. */
#define HELD_LOOK_MS 20
/* AF_UNIX with the listener's backlog full: nothing to poll for, so the
 * connect is tried again after pauses growing up to this. */
#define UNIX_RETRY_MAX_MS 64

void udo_deadline_start(struct udo_deadline *d, unsigned int ms)
{
	d->set = ms != 0;
	if (!d->set)
		return;
	clock_gettime(CLOCK_MONOTONIC, &d->at);
	d->at.tv_sec += ms / 1000;
	d->at.tv_nsec += (long) (ms % 1000) * 1000000L;
	if (d->at.tv_nsec >= 1000000000L) {
		d->at.tv_sec++;
		d->at.tv_nsec -= 1000000000L;
	}
}

int udo_deadline_left_ms(const struct udo_deadline *d)
{
	struct timespec now;
	int64_t ns;

	if (!d->set)
		return -1;
	clock_gettime(CLOCK_MONOTONIC, &now);
	ns = (int64_t) (d->at.tv_sec - now.tv_sec) * 1000000000LL +
	     (d->at.tv_nsec - now.tv_nsec);
	if (ns <= 0)
		return 0;
	ns = (ns + 999999) / 1000000;
	return ns > INT32_MAX ? INT32_MAX : (int) ns;
}

/* The signals a wait holds: those the thread took before it. */
struct held {
	sigset_t old;   /* the thread's signal mask before the wait */
	sigset_t held;
	int sfd;        /* a signalfd for held, or -1 */
};

/* Faults are never held: one raised while held would kill the process. */
static bool holdable(int sig)
{
	return sig != SIGSEGV && sig != SIGBUS && sig != SIGILL && sig != SIGFPE &&
	       sig != SIGTRAP && sig != SIGSYS;
}

static int hold(struct held *h)
{
	int sig;

	if (pthread_sigmask(SIG_BLOCK, NULL, &h->old) != 0)
		return -EINVAL;
	sigemptyset(&h->held);
	/* sigismember says -1 for the C library's own signals: not ours. */
	for (sig = 1; sig < NSIG; sig++)
		if (sigismember(&h->old, sig) == 0 && holdable(sig))
			sigaddset(&h->held, sig);
	pthread_sigmask(SIG_BLOCK, &h->held, NULL);
	h->sfd = signalfd(-1, &h->held, SFD_CLOEXEC | SFD_NONBLOCK);
	return 0;
}

/* Give the thread its mask back: what is pending and held is let in. */
static void release(struct held *h)
{
	if (h->sfd >= 0)
		close(h->sfd);
	pthread_sigmask(SIG_SETMASK, &h->old, NULL);
}

/*
 * Let in the held signals that are pending (their handlers run now) and hold
 * again. -EINTR when one of them has a handler installed without SA_RESTART
 * (then they stay let in); 0 when none is pending or all say go on.
 */
static int let_in(struct held *h)
{
	struct sigaction sa;
	sigset_t pending;
	bool any = false, interrupt = false;
	int sig;

	if (sigpending(&pending) < 0)
		return 0;
	for (sig = 1; sig < NSIG; sig++) {
		if (sigismember(&h->held, sig) != 1 || sigismember(&pending, sig) != 1)
			continue;
		any = true;
		/* No handler (default or ignored): nothing returns early. */
		if (sigaction(sig, NULL, &sa) == 0 && sa.sa_handler != SIG_DFL &&
		    sa.sa_handler != SIG_IGN && !(sa.sa_flags & SA_RESTART))
			interrupt = true;
	}
	if (!any)
		return 0;
	if (interrupt) {
		release(h);
		h->sfd = -1;
		return -EINTR;
	}
	pthread_sigmask(SIG_SETMASK, &h->old, NULL); /* the handlers run here */
	pthread_sigmask(SIG_BLOCK, &h->held, NULL);
	return 0;
}

int udo_deadline_wait(int fd, short events, const struct udo_deadline *d)
{
	struct pollfd p[2] = { { .fd = fd, .events = events }, { .fd = -1, .events = POLLIN } };
	struct held h;
	int left, n, r;

	if ((r = hold(&h)) < 0)
		return r;
	p[1].fd = h.sfd;
	for (;;) {
		left = udo_deadline_left_ms(d);
		if (left == 0) {
			r = -ETIMEDOUT;
			break;
		}
		if (h.sfd < 0 && (left < 0 || left > HELD_LOOK_MS))
			left = HELD_LOOK_MS;
		n = poll(p, 2, left);
		/* EINTR: a signal that cannot be held (the C library's own). */
		if (n < 0 && errno != EINTR) {
			r = -errno;
			break;
		}
		if (n > 0 && p[0].revents) {
			r = 0;
			break;
		}
		if ((r = let_in(&h)) < 0)
			return r; /* released already */
	}
	release(&h);
	return r;
}

/* An AF_UNIX connect with the listener's backlog full (EAGAIN): tried again
 * after growing pauses until it is taken or the deadline passes. */
static int unix_retry(int fd, const struct sockaddr *sa, socklen_t len,
                      const struct udo_deadline *d)
{
	struct udo_deadline step;
	int pause = 1, r;

	for (;;) {
		udo_deadline_start(&step, (unsigned int) pause);
		if (d->set && (d->at.tv_sec < step.at.tv_sec ||
		               (d->at.tv_sec == step.at.tv_sec && d->at.tv_nsec < step.at.tv_nsec)))
			step = *d;
		r = udo_deadline_wait(-1, 0, &step);
		if (r != -ETIMEDOUT)
			return r;
		if (udo_deadline_left_ms(d) == 0)
			return -ETIMEDOUT;
		if (connect(fd, sa, len) == 0)
			return 0;
		if (errno != EAGAIN)
			return -errno;
		pause = pause * 2 > UNIX_RETRY_MAX_MS ? UNIX_RETRY_MAX_MS : pause * 2;
	}
}

/* Every handler the thread can take now was installed with SA_RESTART (or
 * there is none): then an EINTR came from one of them, or from a stop and
 * SIGCONT, and the connect goes on. */
static bool restartable(void)
{
	struct sigaction sa;
	sigset_t blocked;
	int sig;

	if (pthread_sigmask(SIG_BLOCK, NULL, &blocked) != 0)
		return false;
	for (sig = 1; sig < NSIG; sig++)
		if (sigismember(&blocked, sig) == 0 && sigaction(sig, NULL, &sa) == 0 &&
		    sa.sa_handler != SIG_DFL && sa.sa_handler != SIG_IGN &&
		    !(sa.sa_flags & SA_RESTART))
			return false;
	return true;
}

/*
 * vsock without a deadline of ours: the plain connect(2), bounded by the
 * kernel's connect timeout (2 s unless the socket says otherwise). That
 * timeout makes the kernel end it with EINTR after any handler, SA_RESTART
 * or not, and drop the attempt. Which signal came is no longer known: when
 * every handler the thread can take has SA_RESTART, the connect goes on, on
 * a fresh socket in the same fd (the peer may have seen the dropped attempt)
 * and through the wait, to the end of the kernel's timeout counted from the
 * start; when some handler has not, EINTR, even if the signal that came had
 * SA_RESTART (the one case where this differs from the wait).
 */
static int vsock_connect(int fd, const struct sockaddr *sa, socklen_t len)
{
	struct udo_deadline d = { .set = true };
	struct timeval tv;
	socklen_t tlen = sizeof(tv), ylen = sizeof(int);
	int type, nfd, err;

	/* The coarse clock: never a system call, and a tick early is early
	 * enough for a bound of seconds. */
	clock_gettime(CLOCK_MONOTONIC_COARSE, &d.at);
	if (connect(fd, sa, len) == 0)
		return 0;
	if (errno != EINTR)
		return -errno;
	if (!restartable())
		return -EINTR;
	if (getsockopt(fd, AF_VSOCK, SO_VM_SOCKETS_CONNECT_TIMEOUT, &tv, &tlen) < 0 ||
	    getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &ylen) < 0)
		return -errno;
	nfd = socket(AF_VSOCK, type | SOCK_CLOEXEC, 0);
	if (nfd < 0)
		return -errno;
	err = dup3(nfd, fd, O_CLOEXEC) < 0 ? -errno : 0;
	close(nfd);
	if (err < 0)
		return err;
	d.at.tv_sec += tv.tv_sec;
	d.at.tv_nsec += tv.tv_usec * 1000L;
	if (d.at.tv_nsec >= 1000000000L) {
		d.at.tv_sec++;
		d.at.tv_nsec -= 1000000000L;
	}
	return udo_deadline_connect(fd, sa, len, &d);
}

int udo_deadline_connect(int fd, const struct sockaddr *sa, socklen_t len,
                         const struct udo_deadline *d)
{
	int flags, err = 0, r;
	socklen_t elen = sizeof(err);

	/* No deadline on tcp or unix: the kernel's own connect has no timeout
	 * then, so it restarts after an SA_RESTART handler and says EINTR
	 * after any other, as the rule above asks, at the cost of the raw
	 * call. vsock's kernel connect always has a timeout, so it is the raw
	 * call until a signal comes (vsock_connect). A socket the caller made
	 * non-blocking gets the raw call too: a connect in progress is its own
	 * to wait for, unless it set a timeout. */
	if (!d->set)
		return sa->sa_family == AF_VSOCK ? vsock_connect(fd, sa, len) :
		        connect(fd, sa, len) == 0 ? 0 : -errno;
	flags = fcntl(fd, F_GETFL);
	if (flags < 0)
		return -errno;
	if (fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0)
		return -errno;
	if (connect(fd, sa, len) == 0)
		r = 0;
	else if (errno == EAGAIN && sa->sa_family == AF_UNIX)
		r = unix_retry(fd, sa, len, d);
	else if (errno != EINPROGRESS)
		r = -errno;
	else if ((r = udo_deadline_wait(fd, POLLOUT, d)) == 0) {
		r = getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) < 0 ? -errno : -err;
		/* tcp marks the socket connected only at a second connect
		 * (vsock at once: EISCONN); without it the caller's next
		 * connect would say 0, not EISCONN. */
		if (r == 0 && connect(fd, sa, len) < 0 && errno != EISCONN)
			r = -errno;
	}
	/* Back to blocking: the stream behaves as one from a plain connect. */
	if (fcntl(fd, F_SETFL, flags) < 0 && r == 0)
		r = -errno;
	return r;
}

/* O_NONBLOCK on fd or off; 0 or -errno. */
static int set_nonblock(int fd, bool on)
{
	int flags = fcntl(fd, F_GETFL);

	if (flags < 0)
		return -errno;
	if (!!(flags & O_NONBLOCK) == on)
		return 0;
	return fcntl(fd, F_SETFL, on ? flags | O_NONBLOCK : flags & ~O_NONBLOCK) < 0 ? -errno : 0;
}

int udo_deadline_drive(struct udo_vsock_tcp *vsock, const struct udo_deadline *d,
                       udo_step_fn step, udo_step_end_fn end)
{
	int flags = vsock->fd >= 0 ? fcntl(vsock->fd, F_GETFL) : 0;
	bool callers = flags >= 0 && (flags & O_NONBLOCK);
	int r = flags < 0 ? -errno : 0;

	if (r == 0 && vsock->fd >= 0)
		r = set_nonblock(vsock->fd, true);
	for (r = r < 0 ? end(vsock, r) : step(vsock); r == -EINPROGRESS; r = step(vsock)) {
		r = udo_deadline_wait(vsock->fd, vsock->poll_events, d);
		if (r < 0) {
			r = end(vsock, r);
			break;
		}
	}
	udo_ctx_end_steps(vsock);
	/* Blocking again (unless the caller made it non-blocking): the stream
	 * behaves as one from a plain connect. That is also the socket the
	 * steps may have opened in place of the first (non-blocking, as the
	 * one it replaced was during the steps). */
	if (vsock->fd >= 0 && !callers && (flags = set_nonblock(vsock->fd, false)) < 0 && r == 0)
		r = udo_ctx_error(vsock, -flags, true, "make the connected socket blocking again");
	return r;
}
