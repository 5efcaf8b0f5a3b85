#!/bin/sh
# Creates .venv and installs calendar-agg into it; "test" also installs the test tools.
# Works with nothing but python3: on Debian, python3-venv is installed when missing.
set -e
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/python ]; then
    if ! python3 -m venv .venv 2>/dev/null; then
        rm -rf .venv
        echo "python3 -m venv is unavailable; installing python3-venv" >&2
        SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
        $SUDO apt-get update -qq && $SUDO apt-get install -y -qq python3-venv >/dev/null
        python3 -m venv .venv
    fi
fi
.venv/bin/python -m pip install -q --upgrade pip >/dev/null 2>&1 || true
if [ "$1" = "test" ]; then
    .venv/bin/python -m pip install -q -e ".[test]"
else
    .venv/bin/python -m pip install -q -e .
fi
# Byte-compiled now, as pip compiles a package it installs whole: an editable install is
# not, and where PYTHONDONTWRITEBYTECODE is set (as in many containers) every run would
# compile every module it imports again (about 0.1 s a run)
.venv/bin/python -m compileall -q calendar_agg >/dev/null || true
# The gazetteer's tables, built now (a few seconds) rather than by the first run or parse;
# if they cannot be cached, each run builds what it needs, as it would have.
.venv/bin/python -m calendar_agg.normalize.prebuild \
    || echo "the gazetteer tables are not cached: each run builds what it needs" >&2
