#!/bin/sh
# SPDX-License-Identifier: MIT
# Socket activation with the real systemd-socket-activate: it binds and
# listens, waits for the first connection, then runs an ordinary library
# server (t/activation-server) with the socket as fd 3. The server must
# adopt that socket: the port is the activator's, so a server that bound its
# own would fail. The client waits for the activator with a connect wait.
. "${srcdir:-.}/t/cli-lib.sh"

plan 4

act_server=${CLI_ECHO%/*}/activation-server
activator=$(command -v systemd-socket-activate)
built_in=$("$UDO_VSOCK" transports | sed -n 's/^socket activation: //p')
diag "socket activation: $built_in"

# activate LISTEN CID PORT VAR=VALUE...: the activator on LISTEN, running
# activation-server CID PORT with the variables (it passes no others).
activate() {
	a_listen=$1 a_cid=$2 a_port=$3
	shift 3
	a_env="-E UDO_VSOCK_TCP_PLUGIN_PATH"
	for v; do a_env="$a_env -E $v"; done
	# shellcheck disable=SC2086 # the options are words
	bg act "$activator" -l "$a_listen" $a_env "$act_server" "$a_cid" "$a_port"
	act=$bg_pid
}

# activate_on LISTEN-PREFIX CID ASKED VAR...: activate on LISTEN-PREFIX:PORT,
# a port free there ($port; another while the one tried is taken), running
# activation-server CID ASKED (ASKED "same": the port listened on).
activate_on() {
	ao_prefix=$1 ao_cid=$2 ao_asked=$3
	shift 3
	ao_vars=$*
	pick_port start_activated act "Listening on" ${ao_seed:-}
}
start_activated() {
	ao_port=$port
	[ "$ao_prefix" = vsock:1 ] && ao_port=$((port + 100000))
	ao_a=$ao_asked
	[ "$ao_a" = same ] && ao_a=$ao_port
	# shellcheck disable=SC2086 # the variables are words
	activate "$ao_prefix:$ao_port" "$ao_cid" "$ao_a" $ao_vars
}

# ask TRANSPORT CID PORT: connect (waiting up to 60 s for the activator),
# print what the server says about itself.
ask() {
	udo_env UDO_VSOCK_TCP_CONNECT_WAIT_MS=60000 -t "$1" connect "$2" "$3" \
		</dev/null 2>"$T_DIR/ask.err"
}

# check WANT DESCRIPTION: the server's answer and exit status.
check() {
	wait "$act"
	a_status=$?
	[ "$got" = "$1" ] && [ $a_status -eq 0 ]
	ok $? "$2"
	if [ "$got" != "$1" ]; then
		diag "got \"$got\", want \"$1\""
		diag_file "$T_DIR/ask.err"
		diag_file "$T_DIR/act.err"
	fi
}

if [ -z "$activator" ]; then
	for i in 1 2 3 4; do
		skip "socket activation" "systemd-socket-activate not found (apt-get install systemd)"
	done
	done_testing
fi
case $built_in in
yes*) ;;
*)
	for i in 1 2 3 4; do
		skip "socket activation" "the library is built without libsystemd"
	done
	done_testing
	;;
esac

# 1: tcp, asked for explicitly.
activate_on 127.0.0.1 1 same UDO_VSOCK_TCP_TRANSPORT=tcp
got=$(ask tcp 1 "$port")
check "fd=3 transport=tcp vcid=1 port=$port" \
	"a tcp server adopts the socket systemd-socket-activate passes and serves on it"

# 2: auto: the passed socket decides (in a guest with vsock loopback, auto
# alone would pick vsock for CID 1).
activate_on 127.0.0.1 1 same
got=$(ask tcp 1 "$port")
check "fd=3 transport=tcp vcid=1 port=$port" \
	"under auto a passed tcp socket makes the server a tcp one"

# 3: any port (-1): the passed socket's own port is reported.
activate_on 127.0.0.1 1 -1 UDO_VSOCK_TCP_TRANSPORT=tcp
got=$(ask tcp 1 "$port")
check "fd=3 transport=tcp vcid=1 port=$port" \
	"a server on port -1 adopts the passed socket and reports its port"

# 4: vsock, where this machine serves vsock loopback (the check-vm guest).
if [ "$(cid1_transport)" = vsock ]; then
	ao_seed=$(($$ * 11))
	activate_on vsock:1 1 same UDO_VSOCK_TCP_TRANSPORT=vsock
	port=$((port + 100000))
	got=$(ask vsock 1 "$port")
	check "fd=3 transport=vsock vcid=1 port=$port" \
		"a vsock server adopts the vsock socket systemd-socket-activate passes"
else
	skip "a vsock server adopts the passed vsock socket" "no vsock loopback here (make check-vm runs it)"
fi
done_testing
