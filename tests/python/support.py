"""Shared paths and helpers for the Python binding's tests.

CTest sets LIBKNEE_PATH (the library just built), PYTHONPATH (bindings/python), KNEE_CLI
(the `knee` command just built) and KNEE_SOURCE_DIR.
"""

import os
import subprocess
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_DIR = os.environ.get("KNEE_SOURCE_DIR") or os.path.normpath(os.path.join(HERE, "..", ".."))
DATA = os.path.join(SOURCE_DIR, "tests", "data")
MINI = os.path.join(DATA, "mini.xml")
DEFAULT_RULES = os.path.join(SOURCE_DIR, "rules", "knee-oa.xml")
GOLDEN = os.path.join(SOURCE_DIR, "tests", "golden")
EXAMPLES = os.path.join(SOURCE_DIR, "examples", "python")
CLI = os.environ.get("KNEE_CLI")

# A patient of the default rules with a value for every kind of fact.
SAMPLE = {"age": 72, "kl_grade": 4, "payer": "medicare", "diabetes": True, "bmi": 31.5,
          "region": "us", "prior": ["steroid-injection-3mo", "failed-conservative"]}


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def mini_variant(old, new):
    """The text of tests/data/mini.xml with one piece replaced (it must occur)."""
    text = read(MINI)
    if old not in text:
        raise AssertionError("mini.xml no longer contains %r" % old)
    return text.replace(old, new, 1)


def cli(*args):
    """Run the `knee` command; skips the test when CTest did not give its path."""
    if not CLI:
        raise unittest.SkipTest("KNEE_CLI is not set")
    return subprocess.run([CLI] + list(args), capture_output=True, text=True, check=False)


def run_python(code, env=None, cwd=None):
    """Run Python code in a fresh interpreter (this one), capturing its output."""
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=env, cwd=cwd, check=False)


def patients(n, seed=1):
    """n varied patients of the default rules (deterministic)."""
    import random
    rnd = random.Random(seed)
    payers = ["medicare", "medicare-advantage-xyz", "MCR-B", "commercial-aetna", "self-pay", None]
    priors = ["steroid-injection-3mo", "ha-6mo", "failed-conservative", "failed-steroid-injection"]
    out = []
    for _ in range(n):
        p = {"age": rnd.choice([None, rnd.randint(18, 95)]),
             "kl_grade": rnd.choice([None, 0, 1, 2, 3, 4]),
             "bmi": rnd.choice([None, round(rnd.uniform(18, 50), 1)]),
             "payer": rnd.choice(payers),
             "region": rnd.choice([None, "us", "uk"]),
             "sex": rnd.choice([None, "female", "male"]),
             "prior": rnd.choice([None, [], rnd.sample(priors, rnd.randint(1, 3))])}
        for flag in ("diabetes", "ckd", "cvd", "gi_risk", "medial_only", "locking"):
            p[flag] = rnd.choice([None, True, False])
        out.append({k: v for k, v in p.items() if v is not None or rnd.random() < 0.3})
    return out
