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
