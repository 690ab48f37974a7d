"""Interrupting a batch (Ctrl-C, a SIGTERM handler that raises) while worker threads compare:
the exception reaches the caller, no C memory is freed while a worker uses it, and the
process goes on working (issue 13, item 2). Each case runs interrupt_child.py in a fresh
interpreter; scripts/ci-asan.sh runs this suite again over the ASan build of libknee."""

import os
import random
import signal
import subprocess
import sys
import time
import unittest

from support import HERE

CHILD = os.path.join(HERE, "interrupt_child.py")


def start(*args):
    return subprocess.Popen([sys.executable, CHILD] + [str(a) for a in args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def communicate(proc):
    """(exit status, stdout words, stderr); a child still running after a minute is hung
    (as the old binding's was under ASan) and is killed."""
    try:
        out, err = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        err += "\n(hung: killed after 60 s)"
    return proc.returncode, out.split(), err


class InterruptTest(unittest.TestCase):
    def finish(self, proc, signame):
        word = "interrupted" if signame == "SIGINT" else "stopped"
        self.assertEqual(communicate(proc), (0, ["ready", word, "ok"], ""))

    def test_worker_never_sees_freed_memory(self):
        """The signal arrives while a worker compares; the worker goes on into C only after
        the main thread has raised (interrupt_child.py "hooked")."""
        for call in ("many-full", "many-light"):
            for threads in (2, 3, 4):
                for signame in ("SIGINT", "SIGTERM"):
                    with self.subTest(call=call, threads=threads, signal=signame):
                        self.finish(start("hooked", call, threads, signame), signame)

    def test_signal_at_any_moment(self):
        rnd = random.Random(13)
        cases = [(call, threads, signame) for call in ("many-full", "many-light", "columns")
                 for threads in (2, 4) for signame in ("SIGINT", "SIGTERM")]
        for call, threads, signame in cases:
            with self.subTest(call=call, threads=threads, signal=signame):
                proc = start("random", call, threads, signame)
                self.assertEqual(proc.stdout.readline().strip(), "ready")
                time.sleep(rnd.uniform(0.02, 0.3))
                proc.send_signal(getattr(signal, signame))
                word = "interrupted" if signame == "SIGINT" else "stopped"
                self.assertEqual(communicate(proc), (0, [word, "ok"], ""))


if __name__ == "__main__":
    unittest.main()
