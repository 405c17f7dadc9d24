# Guest agents at boot (issue 13): connects that wait for the listener,
# socket activation, and udo-vsock under systemd. Each piece says where it
# lives; this fragment gathers their rules.

libudo_vsock_tcp_la_SOURCES += lib/connect-wait.c lib/connect-wait.h

if HAVE_CMOCKA
ACTIVATION_T_TESTS = \
	t/connect-wait \
	t/connect-wait-rules
check_PROGRAMS += $(ACTIVATION_T_TESTS)
TESTS += $(ACTIVATION_T_TESTS)

t_connect_wait_rules_SOURCES = t/connect-wait-rules.c t/hybrid-peer.c t/hybrid-peer.h
endif
