# Real AF_VSOCK under test (issue 4).
#
# `make check-vm` boots a throwaway qemu guest (TCG, no network) on a Debian
# cloud kernel with vsock loopback, runs the whole TAP suite there with
# UDO_VSOCK_TCP_TRANSPORT=vsock and again with auto, and reads the results
# back as TAP: a failing guest test fails the target with its name.
# vm/run is the host side, vm/init the guest's only process.
EXTRA_DIST += vm/run vm/init vm/debs.sh vm/results.sh

# The list of tests and their environment come from the build: whatever
# `make check` runs, the guest runs, but for the parser corpus replays in
# fuzz/ (no sockets in them; their corpora stay in the source tree). vm/run passes the guest the variables
# AM_TESTS_ENVIRONMENT sets (those that differ from UDO_VM_ENV_BEFORE).
check-vm: all-am $(check_LTLIBRARIES) $(check_PROGRAMS)
	$(AM_V_at)UDO_VM_ENV_BEFORE=`env`; export UDO_VM_ENV_BEFORE; \
	$(AM_TESTS_ENVIRONMENT) \
	  $(VM_RUN) '$(abs_top_builddir)/vm-check' -- $(filter-out fuzz/%,$(TESTS))

# The guest run of every target that boots one (check-vm here, bench-vm,
# bench-relay-vm): `$(VM_RUN) RESULTS-DIR -- PROGRAMS`, after the caller's
# environment. Results and logs go to RESULTS-DIR, read back as TAP.
VM_RUN = AM_TAP_AWK='$(AWK)' $(SHELL) '$(abs_top_srcdir)/vm/run' \
	--builddir '$(abs_top_builddir)' --arch '$(host_cpu)' \
	--driver '$(abs_top_srcdir)/build-aux/tap-driver.sh' \
	--log-compiler '$(LOG_COMPILER)' --results

clean-local: clean-vm
clean-vm:
	-rm -rf vm-check

.PHONY: check-vm clean-vm
