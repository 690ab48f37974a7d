"""A long batch interrupted by a signal, for test_interrupt.py (run as a script).

    interrupt_child.py HOW CALL THREADS SIGNAL

HOW: "hooked" (a worker thread sends the signal itself while it compares, then waits until the
main thread's handler has raised before it calls C; every C free is recorded, and a worker
about to pass a freed pointer to C reports it and exits 3 instead) or "random" (the parent
sends the signal at a random moment after "ready"). CALL: many-full, many-light or columns.
SIGNAL: SIGINT (Python's handler: KeyboardInterrupt) or SIGTERM (a handler raising Stop).
Prints "ready", then "interrupted" or "stopped", then "ok" once the library still works.
"""

import itertools
import os
import signal
import sys
import threading
import time

import knee
from knee import _batch
from knee._lib import lib

how, call, threads, signame = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
signum = getattr(signal, signame)
raised = threading.Event()


class Stop(Exception):
    pass


def handler(sig, frame):
    raised.set()
    if sig == signal.SIGINT:
        raise KeyboardInterrupt
    raise Stop


signal.signal(signum, handler)

if how == "hooked":
    freed = set()
    fired = []
    main = threading.main_thread()

    def recording(name):
        real = getattr(lib, name)

        def free(ptr):
            freed.add(ptr if isinstance(ptr, int) else getattr(ptr, "value", ptr))
            real(ptr)
        setattr(lib, name, free)

    for name in ("knee_batch_free", "knee_result_free", "knee_compare_options_free"):
        recording(name)

    def hooked(real):
        def compare(rs, b, o, r, *rest):
            if threading.current_thread() is not main and not fired:
                fired.append(1)
                os.kill(os.getpid(), signum)
                raised.wait(10)
                time.sleep(0.05)          # let the main thread unwind (it frees what it may)
                if {b, o, r} & freed - {None}:
                    print("use after free: a worker was handed freed memory", flush=True)
                    os._exit(3)
            return real(rs, b, o, r, *rest)
        return compare

    _batch.compare_json = hooked(_batch.compare_json)
    _batch.compare_ranks = hooked(_batch.compare_ranks)

rules = knee.Ruleset.default()
rows = [{"age": 40 + i % 50, "kl_grade": i % 5, "payer": "medicare", "diabetes": i % 3 == 0,
         "prior": ["ha-6mo"] if i % 2 else []} for i in range(200)]
try:
    print("ready", flush=True)
    if call == "columns":
        columns = {"age": [r["age"] for r in rows] * 500, "kl_grade": [r["kl_grade"] for r in rows] * 500}
        while True:
            rules.compare_columns(columns)
    else:
        for _ in rules.compare_many(itertools.cycle(rows), full=call == "many-full",
                                    threads=threads, chunk_size=256 if call == "many-full" else 8192,
                                    method="topsis" if call == "many-full" else None):
            pass
except KeyboardInterrupt:
    print("interrupted", flush=True)
except Stop:
    print("stopped", flush=True)
with rules.compare(rows[1]) as result:
    assert result.top is not None
rules.close()
print("ok", flush=True)
