/* SPDX-License-Identifier: MIT */
/* What the parts of the fault shim share: its calls, the rule check, the
 * lookup of the real functions. */
#ifndef T_FAULT_SHIM_H
#define T_FAULT_SHIM_H

#define EXPORT __attribute__((visibility("default")))

enum call {
	C_SOCKET, C_BIND, C_LISTEN, C_CONNECT, C_ACCEPT, C_ACCEPT4, C_SETSOCKOPT,
	C_GETSOCKNAME, C_SEND, C_RECV, C_MALLOC, C_CALLOC, C_REALLOC, C_DLOPEN, C_COUNT,
	C_ALLOC = C_COUNT, /* a rule for all three allocators */
};

/* 0 to let the call through, or the errno it must fail with. */
int udo_fault_should_fail(enum call c);

/* The real function of that name (aborts when there is none). */
void *udo_fault_next(const char *name);

#define REAL(ret, name, ...)                                             \
	static ret (*real_##name)(__VA_ARGS__);                          \
	if (!real_##name)                                                \
		real_##name = (ret (*)(__VA_ARGS__)) udo_fault_next(#name)

#define FAIL_AS(c, value)                                                \
	do {                                                             \
		int e_ = udo_fault_should_fail(c);                       \
		if (e_) {                                                \
			errno = e_;                                      \
			return value;                                    \
		}                                                        \
	} while (0)

#endif
