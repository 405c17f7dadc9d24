#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""
System calls per create + connect + accept + close, library against raw,
counted by strace -c: the README's table. Deterministic where the times of
bench are not. Run from the build directory after `make bench/bench`:

    python3 ../bench/syscalls-per-op.py [BENCH OPTIONS, e.g. -t unix -E]

For each path, bench -P lib (or -P raw) -q -s connect runs under strace -f -c
for one round and for three; each figure is the difference of the two runs'
counts over the difference of their connects (400 per round with -q,
warm-up included), so what happens once (loading, listeners) cancels out.
"""
import os
import subprocess
import sys
import tempfile

PER_ROUND = 200  # connects per round and path with -q (bench/connect.c)


def counts(path, rounds, extra, tmp):
    out = os.path.join(tmp, 'strace.%s.%d' % (path, rounds))
    env = dict(os.environ, UDO_VSOCK_TCP_PLUGIN_PATH=os.path.join(os.getcwd(), 'plugins'))
    subprocess.run(['strace', '-f', '-c', '-o', out, './bench/bench', '-q', '-r', str(rounds),
                    '-s', 'connect', '-t', 'tcp'] + extra + ['-P', path], env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    c = {}
    with open(out) as f:
        for line in f:
            w = line.split()
            if len(w) >= 5 and w[0][0].isdigit() and w[-1] != 'total':
                c[w[-1]] = int(w[3])
    return c


def main():
    extra = sys.argv[1:]
    per = {}
    with tempfile.TemporaryDirectory() as tmp:
        for path in ('lib', 'raw'):
            c1, c3 = counts(path, 1, extra, tmp), counts(path, 3, extra, tmp)
            per[path] = {k: (c3.get(k, 0) - c1.get(k, 0)) / (2 * PER_ROUND)
                         for k in set(c1) | set(c3)}
    # Both listeners are made each round whichever path connects: their
    # calls come to 0.01 per connect on either side, and are left out.
    names = sorted(n for n in set(per['lib']) | set(per['raw'])
                   if per['lib'].get(n, 0) >= 0.1 or per['raw'].get(n, 0) >= 0.1)
    print('| system call | library | raw |')
    print('|---|---|---|')
    for n in names:
        print('| %s | %.2f | %.2f |' % (n, per['lib'].get(n, 0), per['raw'].get(n, 0)))
    print('| in all | %.2f | %.2f |' % (sum(per['lib'].get(n, 0) for n in names),
                                       sum(per['raw'].get(n, 0) for n in names)))


if __name__ == '__main__':
    main()
