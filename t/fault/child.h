/* SPDX-License-Identifier: MIT */
/* A test case run in a child process with the fault shim preloaded. */
#ifndef T_FAULT_CHILD_H
#define T_FAULT_CHILD_H

/*
 * Run self (this test program, from readlink of /proc/self/exe) again as
 * "self --case NAME", with the shim in LD_PRELOAD, UDO_FAULT=fault (NULL:
 * none), the shim disarmed until the case arms it, and env's "NAME=VALUE"
 * strings (NULL-terminated; NULL: none) set. Through UDO_TEST_EMULATOR when
 * the suite runs under one. Returns the child's exit status; fails the
 * test when it dies of a signal.
 */
int t_fault_child(const char *self, const char *name, const char *fault,
                  const char *const *env);

#endif
