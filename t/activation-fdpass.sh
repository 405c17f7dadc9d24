#!/bin/sh
# SPDX-License-Identifier: MIT
# udo-vsock connect --fdpass: the connection itself is handed over its
# standard output (a Unix socket), as OpenSSH's ProxyUseFdpass wants: first
# to a small receiver that checks it is connected and talks over it (on the
# suite's transport: tcp here, vsock in the check-vm guest), then to a real
# ssh logging in to a real sshd of the test's own.
. "${srcdir:-.}/t/cli-lib.sh"

plan 5

recv=${CLI_ECHO%/*}/fdpass-recv
bg echo "$CLI_ECHO" server
echo_port=$(first_line "$T_DIR/echo.out")
transport=$(cid1_transport)

# 1: the fd received is connected to the echo server.
got=$(timeout -k 10 "$T_TIMEOUT" "$recv" "$UDO_VSOCK" connect --fdpass local "$echo_port" 2>"$T_DIR/recv.err")
case $transport in vsock) family=AF_VSOCK ;; *) family=AF_INET ;; esac
[ "$got" = "$family ping" ]
ok $? "connect --fdpass hands over a connected $transport socket ($got)"
diag_file "$T_DIR/recv.err"

# 2: standard output that is not a socket: one line, status 1.
udo connect --fdpass local "$echo_port" >"$T_DIR/not-a-socket" 2>"$T_DIR/fdpass.err"
[ $? -eq 1 ] && grep -q "standard output is not a Unix socket" "$T_DIR/fdpass.err"
ok $? "connect --fdpass to a file fails saying standard output is not a Unix socket"

# 3: ... before it connects: a listener serving one connection gets the next.
echo first >"$T_DIR/first"
bg_in lst "$T_DIR/first" "$UDO_VSOCK" --print-port listen local any
lport=$(first_line "$T_DIR/lst.err")
udo connect --fdpass local "$lport" >"$T_DIR/not-a-socket" 2>"$T_DIR/fdpass2.err"
st=$?
got=$(echo second | udo connect local "$lport" 2>"$T_DIR/second.err")
wait "$bg_pid"
[ $st -eq 1 ] && grep -q "standard output is not a Unix socket" "$T_DIR/fdpass2.err" &&
	[ "$got" = first ] && [ "$(cat "$T_DIR/lst.out")" = second ]
ok $? "connect --fdpass checks standard output before it connects"
diag "fdpass: exit $st; the next connection got \"$got\", the listener \"$(cat "$T_DIR/lst.out")\""
diag_file "$T_DIR/fdpass2.err"

# 4-5: ssh with ProxyUseFdpass through udo-vsock to an sshd of our own.
sshd=/usr/sbin/sshd
if [ "$(id -u)" -ne 0 ] || [ ! -x "$sshd" ] || ! command -v ssh >/dev/null ||
	! command -v ssh-keygen >/dev/null; then
	skip "ssh logs in through connect --fdpass" "needs root, ssh, ssh-keygen and $sshd"
	skip "the ssh session ran over the connection udo-vsock made" "as above"
	done_testing
fi
mkdir -p /run/sshd # sshd's privilege separation directory
ssh-keygen -q -t ed25519 -N '' -f "$T_DIR/host_key" >/dev/null &&
	ssh-keygen -q -t ed25519 -N '' -f "$T_DIR/user_key" >/dev/null &&
	cp "$T_DIR/user_key.pub" "$T_DIR/authorized_keys"
# sshd on a port free a moment before (another while it is taken).
start_sshd() {
	cat >"$T_DIR/sshd_config" <<CONF
Port $port
ListenAddress 127.0.0.1
HostKey $T_DIR/host_key
AuthorizedKeysFile $T_DIR/authorized_keys
PidFile $T_DIR/sshd.pid
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
LogLevel VERBOSE
CONF
	bg sshd "$sshd" -D -e -f "$T_DIR/sshd_config"
}
pick_port start_sshd sshd "Server listening on"
# The proxy waits for sshd (listening already) with --wait all the same.
out=$(timeout -k 10 "$T_TIMEOUT" ssh -F /dev/null -i "$T_DIR/user_key" \
	-o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
	-o LogLevel=ERROR -o ProxyUseFdpass=yes \
	-o "ProxyCommand=$UDO_VSOCK -t tcp --wait=60s connect --fdpass local $port" \
	root@vm3 'echo over-fdpass; echo "$SSH_CONNECTION"' 2>"$T_DIR/ssh.err")
[ "$(echo "$out" | head -n 1)" = over-fdpass ]
ok $? "ssh logs in to sshd through ProxyCommand udo-vsock connect --fdpass"
diag_file "$T_DIR/ssh.err"
# sshd saw a client on loopback: the connection udo-vsock made, not a pipe.
echo "$out" | sed -n 2p | grep -q "^127\.0\.0\.1 [0-9]* 127\.0\.0\.1 $port\$"
st=$?
ok $st "the ssh session ran over the socket udo-vsock connected ($(echo "$out" | sed -n 2p))"
[ $st -eq 0 ] || diag_file "$T_DIR/sshd.err"
done_testing
