#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""
Instructions per library call of a connect (create, connect, accept,
destroy), counted by callgrind: the README's table. Run from the build
directory after `make bench/bench`:

    python3 ../bench/callgrind-per-op.py [BENCH OPTIONS, e.g. -E]

bench runs twice under callgrind (-q -s connect,latency -t tcp, one round
then three), in an environment of exactly 37 variables; each figure is the
difference of the two runs' inclusive counts over the difference of their
call counts, so what happens once (plugin load, lazy binding, first use
of a page) cancels out and the figure does not depend on the round count.
"""
import os
import re
import subprocess
import sys
import tempfile

FUNCS = ['create', 'connect', 'accept', 'destroy']
NAMES = {
    'create': ('udo_vsock_tcp_client_create', 'udo_vsock_tcp_client_create_opts'),
    'connect': ('udo_vsock_tcp_client_connect',),
    'accept': ('udo_vsock_tcp_server_accept',),
    'destroy': ('udo_vsock_tcp_destroy',),
}


def environment():
    env = {'PATH': '/usr/bin:/bin', 'HOME': '/root',
           'UDO_VSOCK_TCP_PLUGIN_PATH': os.path.join(os.getcwd(), 'plugins')}
    for i in range(1, 35):
        env['SOME_VARIABLE_%02d' % i] = '/usr/share/some/value/of/about/forty/chars'
    assert len(env) == 37
    return env


def calls(out):
    """Calls of each function, summed over its callers (callgrind's calls= lines)."""
    names, count, cfn = {}, {}, None
    with open(out) as f:
        for line in f:
            m = re.match(r'(c?fn)=\((\d+)\)(?: (.*))?', line)
            if m:
                if m.group(3):
                    names[m.group(2)] = m.group(3).strip()
                if m.group(1) == 'cfn':
                    cfn = m.group(2)
                continue
            m = re.match(r'calls=(\d+)', line)
            if m and cfn:
                name = names[cfn]
                count[name] = count.get(name, 0) + int(m.group(1))
    return count


def inclusive(out):
    text = subprocess.run(['callgrind_annotate', '--inclusive=yes', '--threshold=100', out],
                          capture_output=True, text=True, check=True).stdout
    incl = {}
    for line in text.splitlines():
        m = re.match(r'\s*([\d,]+) \([^)]*\)\s+\S*?:(\S+) \[', line)
        if m and m.group(2) not in incl:
            incl[m.group(2)] = int(m.group(1).replace(',', ''))
    return incl


def run(rounds, extra, tmp):
    out = os.path.join(tmp, 'callgrind.out.%d' % rounds)
    subprocess.run(['valgrind', '--tool=callgrind', '--callgrind-out-file=' + out,
                    './bench/bench', '-q', '-r', str(rounds), '-s', 'connect,latency',
                    '-t', 'tcp'] + extra, env=environment(), check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return inclusive(out), calls(out)


def main():
    with tempfile.TemporaryDirectory() as tmp:
        (i1, c1), (i3, c3) = run(1, sys.argv[1:], tmp), run(3, sys.argv[1:], tmp)
    total = 0
    row = []
    for op in FUNCS:
        name = next(n for n in NAMES[op] if c3.get(n, 0) > c1.get(n, 0))
        per = (i3[name] - i1[name]) / (c3[name] - c1[name])
        total += per
        row.append('%.0f' % per)
    print('| create | connect | accept | destroy | in all |')
    print('| ' + ' | '.join(row) + ' | %.0f |' % total)
    read = c3.get('udo_env_read', 0) - c1.get('udo_env_read', 0)
    print('udo_env_read called %d times more in 3 rounds than in 1' % read)


if __name__ == '__main__':
    main()
