# tests/sh/tap.sh — TAP helpers the shell tests source
#
# Copyright 2026 The Trackfix authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# ok/fail/skip print one TAP line each and count; the test ends with
#   echo "1..$n"; [ $failures = 0 ]
# py runs a Python snippet with $PY (default python3) and reports it.

failures=0
n=0
ok () { n=$((n + 1)); echo "ok $n - $1"; }
fail () { n=$((n + 1)); echo "not ok $n - $1"; failures=$((failures + 1)); }
skip () { n=$((n + 1)); echo "ok $n - # SKIP $1"; }
expect_status () { # expect_status DESCRIPTION WANTED GOT
  if [ "$2" = "$3" ]; then ok "$1 (exit $3)"; else fail "$1: exit $3, wanted $2"; fi
}
py () { # py DESCRIPTION SCRIPT ARGS... — the script exits non-zero with a message on failure
  desc=$1; shift
  if out=$("${PY:-python3}" -c "$@" 2>&1); then ok "$desc"; else fail "$desc"; echo "$out" | sed 's/^/# /'; fi
}
