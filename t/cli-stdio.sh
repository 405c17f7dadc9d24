#!/bin/sh
# SPDX-License-Identifier: MIT
# udo-vsock started with a standard fd closed (<&-, >&-, 2>&-, as some
# supervisors start programs) behaves as if it were /dev/null: its sockets
# never take fd 0, 1 or 2, so it never reads its own socket as input, never
# sends the peer's data back as output and never writes its messages into a
# stream. And a standard output that is a closed pipe is one line and
# status 1, not a silent death by SIGPIPE.
. "${srcdir:-.}/t/cli-lib.sh"

plan 11

printf 'from the peer\n' >"$T_DIR/reply"
printf 'from udo-vsock\n' >"$T_DIR/data"
: >"$T_DIR/empty"

# The echo server, on TCP (127.0.0.1): each connection gets back what it sends.
bg echo env UDO_VSOCK_TCP_TRANSPORT=tcp "$CLI_ECHO" server
eport=$(first_line "$T_DIR/echo.out")

# with_closed FD CMD...: CMD with standard fd FD closed, the others as given.
with_closed() {
	t_fd=$1
	shift
	case $t_fd in
	0) "$@" <&- ;;
	1) "$@" >&- ;;
	2) "$@" 2>&- ;;
	esac
}

# exec_closed FD CMD...: the same in a background job (exec_closed ... &):
# CMD replaces the job's shell, so $! is CMD itself and a kill reaches it.
exec_closed() {
	t_fd=$1
	shift
	case $t_fd in
	0) exec "$@" <&- ;;
	1) exec "$@" >&- ;;
	2) exec "$@" 2>&- ;;
	esac
}

# verdict STATUS DESCRIPTION NOTE FILE...: a test passing when STATUS is 0;
# when not, NOTE and the FILEs as diagnostics.
verdict() {
	v_st=$1 v_desc=$2 v_note=$3
	shift 3
	ok "$v_st" "$v_desc"
	[ "$v_st" -eq 0 ] && return 0
	diag "$v_note"
	for f in "$@"; do diag_file "$f"; done
}

fd_name() {
	case $1 in 0) echo "standard input" ;; 1) echo "standard output" ;; *) echo "standard error" ;; esac
}

# connect_until PORT OUT PID: udo-vsock connect tcp:127.0.0.1:PORT fed data,
# its output in OUT, retried while the server PID (started just before)
# comes up; sets cst (127 when PID ended first: its port was taken).
connect_until() {
	i=0
	while :; do
		udo connect "tcp:127.0.0.1:$1" <"$T_DIR/data" >"$2" 2>"$T_DIR/c.err"
		cst=$?
		[ $cst -eq 0 ] || [ $i -ge $((T_TIMEOUT * 10)) ] && break
		grep -q refused "$T_DIR/c.err" || break
		kill -0 "$3" 2>/dev/null || { cst=127; break; }
		sleep 0.1
		i=$((i + 1))
	done
}

# connect, with each standard fd closed in turn.
# Input closed: it is empty, so connect half-closes at once and the echo
# ends; a connect that read its socket as input would wait forever.
with_closed 0 udo -v connect "tcp:127.0.0.1:$eport" >"$T_DIR/c.out" 2>"$T_DIR/c.err"
cst=$?
[ $cst -eq 0 ] && [ ! -s "$T_DIR/c.out" ]
verdict $? "connect with standard input closed reads none, half-closes and ends" \
	"connect: exit $cst (124 or 143: it waited)" "$T_DIR/c.err"
for fd in 1 2; do
	bg_in peer "$T_DIR/reply" "$UDO_VSOCK" --print-port listen tcp:127.0.0.1:any
	peer=$bg_pid
	pport=$(first_line "$T_DIR/peer.err")
	with_closed $fd udo -v connect "tcp:127.0.0.1:$pport" <"$T_DIR/data" \
		>"$T_DIR/c.out" 2>"$T_DIR/c.err"
	cst=$?
	wait $peer
	pst=$?
	want=$T_DIR/reply
	[ $fd -eq 1 ] && want=$T_DIR/empty
	[ $cst -eq 0 ] && [ $pst -eq 0 ] && same "$T_DIR/data" "$T_DIR/peer.out" &&
		same "$want" "$T_DIR/c.out"
	verdict $? "connect with $(fd_name $fd) closed: the peer's stream carries only the data" \
		"connect: exit $cst, its peer: exit $pst; the peer received:" \
		"$T_DIR/peer.out" "$T_DIR/c.err"
done

# listen, with each standard fd closed in turn (on a port chosen before: with
# standard error closed, --print-port cannot tell it).
for fd in 0 1 2; do
	tries=0
	while :; do
		lport=$("$CLI_ECHO" freeport)
		: >"$T_DIR/l.out"
		: >"$T_DIR/l.err"
		exec_closed $fd timeout -k 10 $t_bg_fg "$T_BG_TIMEOUT" "$UDO_VSOCK" -v -p listen \
			"tcp:127.0.0.1:$lport" <"$T_DIR/reply" >"$T_DIR/l.out" 2>"$T_DIR/l.err" &
		lpid=$!
		t_pids="$t_pids $lpid"
		connect_until "$lport" "$T_DIR/c.out" $lpid
		wait $lpid
		lst=$?
		# Ended before anyone reached it: the port was taken meanwhile.
		[ $cst -eq 127 ] && [ $tries -lt 5 ] || break
		tries=$((tries + 1))
	done
	want_in=$T_DIR/data want_out=$T_DIR/reply
	[ $fd -eq 0 ] && want_out=$T_DIR/empty
	[ $fd -eq 1 ] && want_in=$T_DIR/empty
	[ $cst -eq 0 ] && [ $lst -eq 0 ] && same "$want_out" "$T_DIR/c.out" &&
		same "$want_in" "$T_DIR/l.out"
	verdict $? "listen with $(fd_name $fd) closed: the peer's stream carries only the data" \
		"listen: exit $lst, its peer: exit $cst; the peer received:" \
		"$T_DIR/c.out" "$T_DIR/l.err" "$T_DIR/c.err"
done

# relay, with each standard fd closed in turn, reporting (-v) each connection.
for fd in 0 1 2; do
	tries=0
	while :; do
		rport=$("$CLI_ECHO" freeport)
		exec_closed $fd timeout -k 10 $t_bg_fg "$T_BG_TIMEOUT" "$UDO_VSOCK" -v -p relay \
			"tcp:127.0.0.1:$rport" "tcp:127.0.0.1:$eport" <"$T_DIR/empty" \
			>"$T_DIR/r.out" 2>"$T_DIR/r.err" &
		rpid=$!
		t_pids="$t_pids $rpid"
		connect_until "$rport" "$T_DIR/c.out" $rpid
		# Ended before anyone reached it: the port was taken meanwhile.
		[ $cst -eq 127 ] && [ $tries -lt 5 ] || break
		tries=$((tries + 1))
	done
	connect_until "$rport" "$T_DIR/c2.out" $rpid
	[ $cst -eq 0 ] && same "$T_DIR/data" "$T_DIR/c.out" && same "$T_DIR/data" "$T_DIR/c2.out" &&
		kill -0 $rpid 2>/dev/null
	verdict $? "relay with $(fd_name $fd) closed: its clients' streams carry only the data" \
		"the last client: exit $cst; the two clients received:" \
		"$T_DIR/c.out" "$T_DIR/c2.out" "$T_DIR/r.err"
	kill $rpid 2>/dev/null
	wait $rpid 2>/dev/null
done

# A standard output that is a pipe nobody reads: a fifo opened read-write,
# then written through a second fd, then its reader closed.
mkfifo "$T_DIR/fifo"
exec 4<>"$T_DIR/fifo"
exec 5>"$T_DIR/fifo"
exec 4<&-
# broken_pipe DESCRIPTION ARGS...: udo-vsock ARGS with that pipe as standard
# output says so in one line and exits 1.
broken_pipe() {
	b_desc=$1
	shift
	udo "$@" >&5 2>"$T_DIR/c.err"
	st=$?
	[ $st -eq 1 ] && [ "$(wc -l <"$T_DIR/c.err")" -eq 1 ] &&
		grep -q '^udo-vsock: write standard output: Broken pipe$' "$T_DIR/c.err"
	verdict $? "$b_desc" "exit $st (141: SIGPIPE)" "$T_DIR/c.err"
}
broken_pipe "connect writing into a closed pipe says so in one line and exits 1" \
	connect "tcp:127.0.0.1:$eport" <"$T_DIR/data"
broken_pipe "--help into a closed pipe says so in one line and exits 1" --help
exec 5>&-

done_testing
