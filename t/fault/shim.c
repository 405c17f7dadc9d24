/* SPDX-License-Identifier: MIT */
/*
 * Fault injection for the tests: a shim preloaded with LD_PRELOAD (the way
 * libkmod's test suite overrides syscalls) that makes chosen calls fail.
 * Built only for `make check`, never installed; the library knows nothing
 * of it.
 *
 *   UDO_FAULT="CALL:ERRNO[:after=N][:times=M][,CALL:ERRNO...]"
 *
 * CALL   socket bind listen connect accept accept4 setsockopt getsockname
 *        send recv malloc calloc realloc, alloc (any of those three), dlopen
 * ERRNO  a name (EMFILE) or a number; the call fails with it (a failing
 *        allocation returns NULL, a failing dlopen returns NULL)
 * after  the first N matching calls succeed (default 0)
 * times  then M calls fail (default: every later call)
 *
 * Calls are counted and failed only while the shim is armed. It starts
 * armed, so `LD_PRELOAD=.../udo-fault.so UDO_FAULT=connect:ETIMEDOUT prog`
 * works on any program. With UDO_FAULT_START=disarmed it starts disarmed:
 * a test arms it around the calls it examines with udo_fault_arm(), so its
 * own start-up and setup never fail. udo_fault_hits() says how many calls
 * were made to fail.
 *
 * UDO_FAULT_UNAME_RELEASE=RELEASE makes uname() report that kernel release
 * (t/fault/sockets.c), for the code that behaves by kernel.
 *
 * The allocator functions are found with dlsym(RTLD_NEXT), which may itself
 * allocate: while it runs, allocations come from a small static arena.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "shim.h"

#define MAX_RULES 8

static const char *const call_names[] = {
	"socket", "bind", "listen", "connect", "accept", "accept4", "setsockopt",
	"getsockname", "send", "recv", "malloc", "calloc", "realloc", "dlopen", "alloc",
};

struct rule {
	int call;
	int err;
	unsigned long after, times; /* times 0: no limit */
	atomic_ulong seen;          /* matching calls while armed */
	atomic_ulong hits;          /* calls made to fail */
};

static struct rule rules[MAX_RULES];
static int nrules;
static pthread_mutex_t parse_lock = PTHREAD_MUTEX_INITIALIZER;
static atomic_bool parsed;
static atomic_bool armed = true;

static const struct { const char *name; int value; } errnos[] = {
	{ "EPERM", EPERM }, { "ENOENT", ENOENT }, { "EINTR", EINTR },
	{ "EIO", EIO }, { "EAGAIN", EAGAIN }, { "ENOMEM", ENOMEM },
	{ "EACCES", EACCES }, { "EINVAL", EINVAL }, { "ENFILE", ENFILE },
	{ "EMFILE", EMFILE }, { "ENOBUFS", ENOBUFS }, { "EADDRINUSE", EADDRINUSE },
	{ "EADDRNOTAVAIL", EADDRNOTAVAIL }, { "EAFNOSUPPORT", EAFNOSUPPORT },
	{ "ENETUNREACH", ENETUNREACH }, { "EHOSTUNREACH", EHOSTUNREACH },
	{ "ECONNREFUSED", ECONNREFUSED }, { "ECONNRESET", ECONNRESET },
	{ "ECONNABORTED", ECONNABORTED }, { "ETIMEDOUT", ETIMEDOUT },
	{ "ELIBACC", ELIBACC }, { "ENOPROTOOPT", ENOPROTOOPT },
};

/* Parsing allocates nothing: it runs inside malloc. A bad spec is
 * ignored entry by entry (the test then fails, as its fault never fires). */
static int parse_errno(const char *s, size_t n)
{
	size_t i;
	int v = 0;

	for (i = 0; i < sizeof(errnos) / sizeof(errnos[0]); i++)
		if (strlen(errnos[i].name) == n && !strncmp(errnos[i].name, s, n))
			return errnos[i].value;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

static unsigned long parse_number(const char *s, size_t n)
{
	unsigned long v = 0;
	size_t i;

	for (i = 0; i < n && s[i] >= '0' && s[i] <= '9'; i++)
		v = v * 10 + (unsigned long) (s[i] - '0');
	return v;
}

static void parse_rule(const char *s, size_t n)
{
	struct rule *r = &rules[nrules];
	size_t field = 0, i;

	memset(r, 0, sizeof(*r));
	r->call = -1;
	while (n) {
		const char *colon = memchr(s, ':', n);
		size_t len = colon ? (size_t) (colon - s) : n;

		if (field == 0) {
			for (i = 0; i < sizeof(call_names) / sizeof(call_names[0]); i++)
				if (strlen(call_names[i]) == len && !strncmp(call_names[i], s, len))
					r->call = (int) i;
		} else if (field == 1) {
			r->err = parse_errno(s, len);
		} else if (len > 6 && !strncmp(s, "after=", 6)) {
			r->after = parse_number(s + 6, len - 6);
		} else if (len > 6 && !strncmp(s, "times=", 6)) {
			r->times = parse_number(s + 6, len - 6);
		}
		field++;
		s += len + (colon ? 1 : 0);
		n -= len + (colon ? 1 : 0);
	}
	if (r->call >= 0 && r->err > 0)
		nrules++;
}

static void parse(void)
{
	const char *spec = getenv("UDO_FAULT"), *start = getenv("UDO_FAULT_START");

	if (start && !strcmp(start, "disarmed"))
		atomic_store(&armed, false);
	while (spec && *spec && nrules < MAX_RULES) {
		const char *comma = strchr(spec, ',');
		size_t len = comma ? (size_t) (comma - spec) : strlen(spec);

		parse_rule(spec, len);
		spec += len + (comma ? 1 : 0);
	}
}

extern char **environ;

/* Read UDO_FAULT once the environment exists: ASan allocates (through
 * the shim) before libc has set environ up. Until then nothing fails. */
static bool ensure_parsed(void)
{
	if (atomic_load(&parsed))
		return true;
	if (!environ)
		return false;
	pthread_mutex_lock(&parse_lock);
	if (!atomic_load(&parsed)) {
		parse();
		atomic_store(&parsed, true);
	}
	pthread_mutex_unlock(&parse_lock);
	return true;
}

/* 0 to let the call through, or the errno it must fail with. */
int udo_fault_should_fail(enum call c)
{
	int i;

	if (!ensure_parsed() || !atomic_load(&armed))
		return 0;
	for (i = 0; i < nrules; i++) {
		struct rule *r = &rules[i];
		unsigned long n;

		if (r->call != (int) c &&
		    !(r->call == C_ALLOC && (c == C_MALLOC || c == C_CALLOC || c == C_REALLOC)))
			continue;
		n = atomic_fetch_add(&r->seen, 1);
		if (n < r->after || (r->times && n >= r->after + r->times))
			continue;
		atomic_fetch_add(&r->hits, 1);
		return r->err;
	}
	return 0;
}

EXPORT void udo_fault_arm(int on);
EXPORT void udo_fault_arm(int on)
{
	ensure_parsed();
	atomic_store(&armed, on != 0);
}

EXPORT unsigned long udo_fault_hits(const char *call);
EXPORT unsigned long udo_fault_hits(const char *call)
{
	unsigned long total = 0;
	int i;

	ensure_parsed();
	for (i = 0; i < nrules; i++)
		if (!call || !strcmp(call_names[rules[i].call], call))
			total += atomic_load(&rules[i].hits);
	return total;
}

/* ---- the real functions ---- */

/* initial-exec: no __tls_get_addr call, which may not be usable yet when
 * the dynamic linker allocates during start-up. */
static __thread volatile bool resolving __attribute__((tls_model("initial-exec")));
static _Alignas(16) char arena[16384];
static atomic_size_t arena_used;

static void *arena_alloc(size_t size)
{
	size_t off = atomic_fetch_add(&arena_used, (size + 15) & ~(size_t) 15);

	return off + size <= sizeof(arena) ? arena + off : NULL;
}

static bool in_arena(const void *p)
{
	return (const char *) p >= arena && (const char *) p < arena + sizeof(arena);
}

void *udo_fault_next(const char *name)
{
	void *f;

	resolving = true;
	f = dlsym(RTLD_NEXT, name);
	resolving = false;
	if (!f)
		abort(); /* a shim without the real function cannot go on */
	return f;
}


/* ---- the allocator ---- */

EXPORT void *malloc(size_t size)
{
	if (resolving)
		return arena_alloc(size);
	REAL(void *, malloc, size_t);
	FAIL_AS(C_MALLOC, NULL);
	return real_malloc(size);
}

EXPORT void *calloc(size_t n, size_t size)
{
	if (resolving)
		return arena_alloc(n * size); /* the arena is zeroed and never reused */
	REAL(void *, calloc, size_t, size_t);
	FAIL_AS(C_CALLOC, NULL);
	return real_calloc(n, size);
}

EXPORT void *realloc(void *p, size_t size)
{
	if (resolving || in_arena(p)) {
		void *q = arena_alloc(size);
		size_t room = p ? (size_t) (arena + sizeof(arena) - (char *) p) : 0;

		if (q && p)
			memcpy(q, p, size < room ? size : room);
		return q;
	}
	REAL(void *, realloc, void *, size_t);
	FAIL_AS(C_REALLOC, NULL);
	return real_realloc(p, size);
}

/*
 * dlsym may free its last error string while free itself is being looked
 * up, and the dlsym it was called from (glibc 2.36) frees the same string
 * again once we return: such frees wait here and each pointer is freed once,
 * when the real free is known.
 */
#define PENDING_MAX 16
static void *pending_free[PENDING_MAX];
static int npending;

EXPORT void free(void *p)
{
	static void (*real_free)(void *);
	bool seen = false;
	int i;

	if (!p || in_arena(p))
		return;
	if (resolving) {
		for (i = 0; i < npending; i++)
			seen |= pending_free[i] == p;
		if (!seen && npending < PENDING_MAX)
			pending_free[npending++] = p;
		return; /* more than PENDING_MAX: leaked, harmlessly */
	}
	if (!real_free) {
		real_free = (void (*)(void *)) udo_fault_next("free");
		for (i = 0; i < npending; i++) {
			seen |= pending_free[i] == p;
			real_free(pending_free[i]);
		}
		npending = 0;
		if (seen)
			return;
	}
	real_free(p);
}

/* ---- modules ---- */

EXPORT void *dlopen(const char *file, int mode)
{
	REAL(void *, dlopen, const char *, int);
	FAIL_AS(C_DLOPEN, NULL);
	return real_dlopen(file, mode);
}
