"""The Python binding's figures on this machine (scripts/bench.sh runs it with LIBKNEE_PATH and
PYTHONPATH set). Every figure is a median over RUNS runs, with min and max: these machines are
noisy, so compare ratios within one run and quote medians.

Usage: python3 bench/python_bench.py [N_PATIENTS]   (default 100,000)
"""

import random
import statistics
import sys
import time
from array import array

import knee

RUNS = 5


def patients(n, seed=1):
    """n varied, realistic patients of the default rules (every fact type; some facts missing)."""
    rnd = random.Random(seed)
    payers = ["medicare", "MCR-B", "medicare-advantage-xyz", "medicaid", "commercial-aetna",
              "commercial-bcbs", "self-pay", "va"]
    priors = ["steroid-injection-3mo", "ha-6mo", "failed-conservative", "failed-steroid-injection",
              "genicular-block"]
    out = []
    for _ in range(n):
        p = {"age": rnd.randint(35, 92), "kl_grade": rnd.choice([0, 1, 2, 2, 3, 3, 4, 4]),
             "payer": rnd.choice(payers), "bmi": round(rnd.uniform(19, 45), 1),
             "sex": rnd.choice(["female", "male"])}
        if rnd.random() < 0.6:
            p["region"] = rnd.choice(["us", "us", "uk"])
        for flag, rate in (("diabetes", 0.25), ("ckd", 0.1), ("cvd", 0.2), ("gi_risk", 0.1),
                           ("medial_only", 0.2), ("locking", 0.05), ("knee_oa", 0.9)):
            if rnd.random() < 0.7:
                p[flag] = rnd.random() < rate
        if rnd.random() < 0.5:
            p["prior"] = rnd.sample(priors, rnd.randint(0, 2))
        out.append(p)
    return out


def row(name, values, unit):
    print("%-52s %12.1f %-10s (min %.1f, max %.1f)"
          % (name, statistics.median(values), unit, min(values), max(values)))


def timed(fn, runs=RUNS):
    fn()   # warm-up
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def cpu_per_call(fn, reps):
    """CPU seconds of one call (process time: the machine is shared, so waiting is left out)."""
    t0 = time.process_time()
    for _ in range(reps):
        fn()
    return (time.process_time() - t0) / reps


def read_side_by_side(rules, facts):
    """compare() alone, compare() and reading every option's rank, score and criteria, and a
    numpy weighted sum of the same options x criteria utility matrix, timed alternately
    (issue 18, item 3: the reading costs at most 3x the bare compare). Also, to show where the
    time goes: compare() and Result.options (the one-call pack and the views made) not read."""
    def bare():
        rules.compare(facts).close()

    def views():
        with rules.compare(facts) as r:
            r.options

    def read():
        with rules.compare(facts) as r:
            for o in r.options:
                o.rank, o.score, [(c.id, c.utility, c.weight, c.contribution) for c in o.criteria]

    with rules.compare(facts) as r:
        matrix = [[c.utility for c in o.criteria] for o in r.options if not o.excluded]
        weights = list(r.weights.values())
    timings = {"bare": [], "views": [], "read": []}
    try:
        import numpy
        u, w = numpy.array(matrix), numpy.array(weights)
        timings["numpy"] = []
    except ImportError:
        numpy = None
    bare(), views(), read()
    for _ in range(15):
        timings["bare"].append(cpu_per_call(bare, 200) * 1e6)
        timings["views"].append(cpu_per_call(views, 100) * 1e6)
        timings["read"].append(cpu_per_call(read, 100) * 1e6)
        if numpy is not None:
            timings["numpy"].append(cpu_per_call(lambda: numpy.argsort(-(u @ w)), 2000) * 1e6)

    def ratio(name, key, to="bare"):
        print("%-52s %12.1f x" % (name, statistics.median(
            a / b for a, b in zip(timings[key], timings[to]))))
    row("compare(), result not read (CPU)", timings["bare"], "us")
    row("compare() + Result.options, not read (CPU)", timings["views"], "us")
    row("compare() + every rank, score, criteria (CPU)", timings["read"], "us")
    ratio("  ratio to the bare compare (target <= 3)", "read")
    ratio("  of which compare() + options made", "views")
    if numpy is not None:
        row("numpy weighted sum + ranking, %dx%d matrix (CPU)" % u.shape, timings["numpy"],
            "us")
        ratio("  compare() + read / numpy", "read", "numpy")


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    pop = patients(n)
    print("Python binding (%s), %d generated patients, median of %d runs"
          % (knee.library_path if hasattr(knee, "library_path") else "libknee", n, RUNS))
    with knee.Ruleset.default() as rules:
        one = pop[0]
        reps = 2000
        t = timed(lambda: [rules.compare(one).close() for _ in range(reps)])
        row("compare() one patient", [x / reps * 1e6 for x in t], "us")
        read_side_by_side(rules, one)

        def many(data, full, threads):
            for _ in rules.compare_many(data, full=full, threads=threads):
                pass
        small = pop[:n // 5]   # full results are ~28 KB each: a fifth of the patients
        for threads in (1, 2):
            t = timed(lambda: many(pop, False, threads))
            row("compare_many(full=False), threads=%d" % threads, [n / x for x in t], "patients/s")
            t = timed(lambda: many(small, True, threads))
            row("compare_many(full=True), threads=%d" % threads, [len(small) / x for x in t],
                "patients/s")

        facts = sorted({k for p in pop for k in p})
        columns = {f: [p.get(f) for p in pop] for f in facts}
        t = timed(lambda: rules.compare_columns(columns))
        row("compare_columns (lists)", [n / x for x in t], "patients/s")
        numeric = dict(columns)
        for f in ("age", "kl_grade", "bmi"):
            numeric[f] = array("d", [float("nan") if v is None else v for v in columns[f]])
        t = timed(lambda: rules.compare_columns(numeric))
        row("compare_columns (array('d') numbers)", [n / x for x in t], "patients/s")


if __name__ == "__main__":
    main()
