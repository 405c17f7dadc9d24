/* SPDX-License-Identifier: MIT */
/*
 * Test cases run in child processes with the fault shim preloaded, and the
 * scaffolding the programs that run them share (t/fault-injection,
 * t/fault-sweep, t/kernel-quirks): each is a table of cases and a call of
 * t_fault_main.
 */
#ifndef T_FAULT_CHILD_H
#define T_FAULT_CHILD_H

#include <stdbool.h>
#include <stddef.h>

#include "../common.h"

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

/* A case: the test's name, the shim's UDO_FAULT (NULL: none), one more
 * "NAME=VALUE" for the child (NULL: none), its body (run in the child), and
 * what runs it in the parent (NULL: t_fault_run_case; state: the case). */
struct t_fault_case {
	const char *name;
	const char *fault;
	const char *env;
	CMUnitTestFunction body;
	CMUnitTestFunction parent;
};

/* A child's exit status that skips its case (the body says why on stderr). */
#define T_FAULT_SKIP 77

/* The exit status of a child whose body passed: 0 unless the body set it. */
extern int t_fault_passed_status;

/*
 * main() of such a program. "--case NAME": this process is the child, and
 * runs that case's body; exit status 1 when it failed, 2 for an unknown case
 * or without the shim. Else each case is a test of its own, run in a child
 * by its parent function.
 */
int t_fault_main(int argc, char **argv, const struct t_fault_case *cases, size_t n);

/* t_fault_child for case c, with fault in place of c->fault. */
int t_fault_case_child(const struct t_fault_case *c, const char *fault);

/* The usual parent: the case's child must exit 0 (T_FAULT_SKIP: skipped). */
void t_fault_run_case(void **state);

/* In a child: the shim fails calls from now on, or no longer. */
void t_fault_arm(void);
void t_fault_disarm(void);

/* get_sizeof() bytes for a context in the caller's memory. */
void *t_fault_context_memory(void);

#endif
