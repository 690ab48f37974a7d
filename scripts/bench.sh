#!/bin/sh
# Build optimised and print libknee's figures (medians over several runs; see bench/).
# Includes a generated 1,000-treatment x 10-criterion x 5,000-rule file, and a file of 300,000
# declared values (150,000 <allowed> values and 150,000 <level>s) for the load time of long value
# lists (bench/gen_large.py).
set -eu
cd "$(dirname "$0")/.."
B=${BUILD_DIR:-build-bench}
BUILD_DIR=$B BUILD_TYPE=Release sh scripts/build.sh -DKNEE_BUILD_BENCH=ON -DKNEE_TEST_VALGRIND=OFF >/dev/null
python3 bench/gen_large.py "$B/large-rules.xml" 1000
python3 bench/gen_large.py "$B/scale-18.xml" 18     # the cost per option as options grow
python3 bench/gen_large.py "$B/scale-100.xml" 100
"$B/knee_bench" "$B/large-rules.xml" "$@" --scale "$B/scale-18.xml" "$B/scale-100.xml"
python3 bench/gen_large.py "$B/values-rules.xml" --values 300000
echo
echo "300,000 declared values (bench/gen_large.py --values):"
"$B/knee_bench" "$B/values-rules.xml" --large-only | tail -n +2
if [ -d bindings/python ] && [ -f bench/python_bench.py ]; then
    LIBKNEE_PATH="$PWD/$B/libknee.so.0" PYTHONPATH="$PWD/bindings/python" python3 bench/python_bench.py
fi
# The CDS Hooks service: response times over real HTTP with JWT checks (Debian's python3-jwt).
if [ -f bench/cdshooks_bench.py ] && /usr/bin/python3 -c 'import jwt, cryptography' 2>/dev/null; then
    LIBKNEE_PATH="$PWD/$B/libknee.so.0" PYTHONPATH="$PWD/bindings/python" /usr/bin/python3 bench/cdshooks_bench.py 50
fi
# The same under load: gunicorn with 1 and 4 workers, 20 concurrent clients, a burst of 100
# connections (Debian's python3-gunicorn).
if [ -f bench/cdshooks_load.py ] && /usr/bin/python3 -c 'import gunicorn, jwt' 2>/dev/null; then
    LIBKNEE_PATH="$PWD/$B/libknee.so.0" PYTHONPATH="$PWD/bindings/python" /usr/bin/python3 bench/cdshooks_load.py 1000
fi
# knee.dask on a LocalCluster of 1 and 2 worker processes (Debian's python3-dask, -distributed).
if [ -f bench/dask_bench.py ] && /usr/bin/python3 -c 'import dask.dataframe, distributed' 2>/dev/null; then
    LIBKNEE_PATH="$PWD/$B/libknee.so.0" PYTHONPATH="$PWD/bindings/python" /usr/bin/python3 -W ignore bench/dask_bench.py
fi
if [ -f bench/population_bench.sh ]; then
    sh bench/population_bench.sh "$B/knee" "$B"
fi
