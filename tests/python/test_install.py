"""The install path the README gives, on this machine, offline: Debian's Python makes a venv
that sees its setuptools and wheel, pip installs bindings/python into it without build
isolation and without an index, and the installed package imports libknee (LIBKNEE_PATH) and
compares options. Slow (tens of seconds): CTest label `slow`."""

import os
import shutil
import subprocess
import unittest

from support import SOURCE_DIR

SYSTEM_PYTHON = os.environ.get("KNEE_SYSTEM_PYTHON", "/usr/bin/python3")
WORKDIR = os.environ.get("KNEE_TEST_WORKDIR")
LIB = os.environ.get("LIBKNEE_PATH")


@unittest.skipUnless(WORKDIR and LIB, "run by CTest (needs KNEE_TEST_WORKDIR and LIBKNEE_PATH)")
class VenvInstallTest(unittest.TestCase):
    def run_checked(self, *args, **kw):
        out = subprocess.run(list(args), capture_output=True, text=True, check=False, **kw)
        self.assertEqual(out.returncode, 0, "%s\n%s\n%s" % (" ".join(args), out.stdout, out.stderr))
        return out

    def test_venv_install_offline(self):
        if not os.path.exists(SYSTEM_PYTHON):
            self.fail("%s is missing: sh scripts/install-deps.sh installs Debian's python3, "
                      "python3-venv, python3-setuptools and python3-wheel" % SYSTEM_PYTHON)
        shutil.rmtree(WORKDIR, ignore_errors=True)
        os.makedirs(WORKDIR)
        # pip builds in the source tree: build from a copy so the tree stays clean.
        src = os.path.join(WORKDIR, "src")
        shutil.copytree(os.path.join(SOURCE_DIR, "bindings", "python"), src,
                        ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__",
                                                      "libknee.so*"))
        venv = os.path.join(WORKDIR, "venv")
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "PIP_"))}
        env.update(PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_NO_INPUT="1")
        # The commands of bindings/python/README.md, "Install".
        self.run_checked(SYSTEM_PYTHON, "-m", "venv", "--system-site-packages", venv, env=env)
        self.run_checked(os.path.join(venv, "bin", "pip"), "install", "--no-build-isolation",
                         "--no-index", src, env=env)
        code = ("import knee, os; "
                "assert os.path.dirname(knee.__file__).startswith(%r), knee.__file__; "
                "rs = knee.Ruleset.default(); "
                "r = rs.compare({'age': 72, 'kl_grade': 4, 'payer': 'medicare'}); "
                "print(knee.library_path, r.top.rank, len(r.options) == len(rs.options))" % venv)
        out = self.run_checked(os.path.join(venv, "bin", "python"), "-c", code,
                               env=dict(env, LIBKNEE_PATH=LIB), cwd=WORKDIR)
        self.assertEqual(out.stdout.split(), [LIB, "1", "True"])
        # The installed package carries its type hints.
        self.run_checked(os.path.join(venv, "bin", "python"), "-c",
                         "import importlib.resources as r; assert r.files('knee').joinpath('py.typed').is_file()",
                         env=dict(env, LIBKNEE_PATH=LIB), cwd=WORKDIR)


if __name__ == "__main__":
    unittest.main()
