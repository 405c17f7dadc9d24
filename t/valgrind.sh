#!/bin/sh
# make check-valgrind: run one test under valgrind memcheck ($VALGRIND holds
# the command and its options). A test that is a script runs as it is: its
# interpreter's memory is not ours to check.
case $(head -c 4 "$1" 2>/dev/null | tr -d '\000') in
"$(printf '\177ELF')") exec $VALGRIND "$@" ;;
*) exec "$@" ;;
esac
