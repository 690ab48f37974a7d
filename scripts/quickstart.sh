#!/bin/sh
# Quick start: install dependencies, build, and compare the treatment options of the shipped
# default rules for a sample patient (72 years old, Kellgren-Lawrence grade 4, on Medicare).
set -eu
cd "$(dirname "$0")/.."
sh scripts/install-deps.sh
sh scripts/build.sh
echo
echo "\$ build/knee compare --fact age=72 --fact kl_grade=4 --fact payer=medicare"
build/knee compare --fact age=72 --fact kl_grade=4 --fact payer=medicare

# The same from Python: the binding installed offline into a venv of Debian's Python
# (bindings/python/README.md).
echo
echo "\$ build/venv/bin/python examples/python/compare_one.py"
/usr/bin/python3 -m venv --system-site-packages build/venv
PIP_DISABLE_PIP_VERSION_CHECK=1 build/venv/bin/pip install --quiet --no-index bindings/python
LIBKNEE_PATH="$PWD/build/libknee.so.0" build/venv/bin/python examples/python/compare_one.py
