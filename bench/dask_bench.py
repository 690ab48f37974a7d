"""knee.dask's rows per second on this machine: a LocalCluster of 1 and then 2 worker processes
(one thread each) comparing generated patients with the default rules, against a serial
Ruleset.compare_frame in this process. Medians of RUNS runs, with min and max: quote ratios
from one run (docs/scaling.md, "Dask").

Two figures per cluster: `persist` leaves the results on the workers (the engine's own rate,
as when the results are written out by the workers, e.g. to_parquet), `compute` also gathers
them into this process.

Usage: LIBKNEE_PATH=build/libknee.so.0 PYTHONPATH=bindings/python \\
       /usr/bin/python3 bench/dask_bench.py [N_PATIENTS]   (default 200,000)
Needs Debian's python3-dask, python3-distributed and python3-pandas (scripts/install-deps.sh).
"""

import os
import resource
import statistics
import sys
import time

import dask.dataframe as dd
import pandas
from distributed import Client, LocalCluster, wait

import knee
import knee.dask

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from python_bench import patients  # noqa: E402  (the same generated patients)

RUNS = 3
PARTITION_ROWS = 25_000
RULES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "rules", "knee-oa.xml")


def timed(fn):
    fn()  # warm-up: the workers load the rules, the first tasks start
    out = []
    for _ in range(RUNS):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def row(name, n, seconds):
    rates = [n / s for s in seconds]
    print("%-44s %10.0f rows/s (min %.0f, max %.0f)"
          % (name, statistics.median(rates), min(rates), max(rates)), flush=True)
    return statistics.median(rates)


def cpu_seconds():
    """This process's CPU time, user and system (run on a worker with client.run)."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    frame = pandas.DataFrame(patients(n))
    parts = max(1, n // PARTITION_ROWS)
    print("knee.dask, %d generated patients in %d partitions, default rules, median of %d runs"
          % (n, parts, RUNS))
    with knee.Ruleset.load(RULES) as rules:
        serial = row("serial compare_frame, threads=1", n,
                     timed(lambda: rules.compare_frame(frame, threads=1)))
        t0 = cpu_seconds()
        rules.compare_frame(frame, threads=1)
        serial_cpu = (cpu_seconds() - t0) / n * 1e6
    rates = {}
    for workers in (1, 2):
        with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                          dashboard_address=None, silence_logs=40) as cluster, \
                Client(cluster) as client:
            ddf = client.persist(dd.from_pandas(frame, npartitions=parts))
            wait(ddf)

            def persisted():
                out = knee.dask.compare(ddf, rules=RULES).persist()
                wait(out)
                del out

            rates[workers] = row("LocalCluster %d worker(s): persist" % workers, n,
                                 timed(persisted))
            if workers == 1:   # CPU, not wall: is the worker slower, or only starved?
                t0 = sum(client.run(cpu_seconds).values())
                persisted()
                worker_cpu = (sum(client.run(cpu_seconds).values()) - t0) / n * 1e6
                print("%-44s %10.1f us/row (in this process %.1f: %.2fx)"
                      % ("  worker CPU per row, 1 worker", worker_cpu, serial_cpu,
                         worker_cpu / serial_cpu), flush=True)
            row("LocalCluster %d worker(s): compute (gathered)" % workers, n,
                timed(lambda: knee.dask.compare(ddf, rules=RULES).compute()))
    print("2 workers / 1 worker (persist): %.2fx; 1 worker / serial: %.2fx"
          % (rates[2] / rates[1], rates[1] / serial))


if __name__ == "__main__":
    main()
