#!/bin/sh
# The lint and type check: ruff over the code, tests and benchmarks, mypy over the package.
# Needs the test tools (sh scripts/install.sh test). Exits non-zero when either finds anything.
set -e
cd "$(dirname "$0")/.."
status=0
.venv/bin/ruff check calendar_agg tests benchmarks || status=1
.venv/bin/mypy calendar_agg || status=1
exit $status
