# Connect timeouts on every transport (udo_vsock_tcp_set_connect_timeout,
# UDO_VSOCK_TCP_CONNECT_TIMEOUT_MS).
if HAVE_CMOCKA
HYBRID_TESTS = \
	t/connect-timeout \
	t/connect-timeout-vsock
check_PROGRAMS += $(HYBRID_TESTS)
TESTS += $(HYBRID_TESTS)
t_connect_timeout_SOURCES = t/connect-timeout.c
endif
