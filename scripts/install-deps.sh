#!/bin/sh
# Install what libknee needs to build and test on Debian 12 (idempotent: installs only what is
# missing). Run as root, or with sudo available.
set -eu

# clang + libclang-rt-14-dev (libFuzzer, ASan/UBSan/TSan runtimes), abigail-tools (the ABI gate's
# abidw/abidiff) and gcovr: the hardening jobs (scripts/ci-*.sh, docs/security.md).
# python3-numpy and python3-pandas: the Python binding's value-reading test (python.values) reads
# numpy and pandas values (the binding itself never imports them); pandas is also what
# Ruleset.compare_frame() returns (python.frame), imported only when it is used.
# python3-dask and python3-distributed: knee.dask, the tested scale-out path (python.dask runs it
# on a LocalCluster of 2 worker processes).
# python3-venv and python3-pip: python.install and python.wheel install the binding into venvs
# offline (its build backend is in the tree: no setuptools or wheel needed).
# python3-gunicorn: the CDS Hooks service's production server (docs/cds-hooks.md, tests/cdshooks).
# chromium (large), fonts-dejavu-core and python3-html5lib: the report's browser test
# (tests/report/browser_test.py renders `knee report` headless); poppler-utils: its pdfinfo counts
# the printed pages of the patient's page.
# python3-jsonschema: the golden tests validate every JSON result against docs/result.schema.json.
# man-db and groff-base: the man page test renders knee.1 and fails on any warning.
# clang-format-14: scripts/format.sh, pinned to Debian 12's clang-format (the committed
# .clang-format style, checked in CI).
PACKAGES="build-essential g++ cmake pkg-config libxml2-dev libxml2-utils libpcre2-dev nettle-dev \
libcunit1-dev valgrind python3 python3-venv python3-pip locales binutils \
libjansson-dev python3-jwt python3-cryptography python3-numpy python3-pandas python3-dask python3-distributed python3-gunicorn \
chromium fonts-dejavu-core python3-html5lib poppler-utils python3-jsonschema man-db groff-base \
clang libclang-rt-14-dev clang-format-14 abigail-tools gcovr"

missing=""
for p in $PACKAGES; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done

as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null 2>&1; then sudo "$@"; else
        echo "install-deps: need root to run: $*" >&2; exit 1; fi
}

if [ -n "$missing" ]; then
    echo "install-deps: installing$missing"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
fi

# A comma-decimal locale: the tests prove output does not change under it.
if ! locale -a 2>/dev/null | grep -qi '^de_DE\.utf-\?8$'; then
    echo "install-deps: generating the de_DE.UTF-8 locale"
    as_root sed -i 's/^# *\(de_DE.UTF-8 UTF-8\)/\1/' /etc/locale.gen
    as_root locale-gen >/dev/null
fi
echo "install-deps: all dependencies present"
