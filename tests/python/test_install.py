"""Installing the binding as bindings/python/README.md tells users to, on this machine, offline.

`pip install bindings/python` with no flags: the package's own build backend needs nothing, so
pip's isolated build works without an index, with the python3 on PATH (here a pyenv build,
which has no `wheel` package) as well as with Debian's /usr/bin/python3 in a venv that has no
pip, setuptools or wheel of its own (Debian's pip installs into it). A wheel that bundles
libknee is tagged for the library's platform and works from a fresh venv on its own.
Slow (tens of seconds): CTest labels `slow`; python.install and python.wheel.
"""

import base64
import csv
import hashlib
import io
import os
import shutil
import subprocess
import sys
import sysconfig
import unittest
import zipfile

from support import SOURCE_DIR

SYSTEM_PYTHON = os.environ.get("KNEE_SYSTEM_PYTHON", "/usr/bin/python3")
WORKDIR = os.environ.get("KNEE_TEST_WORKDIR")
LIB = os.environ.get("LIBKNEE_PATH")
# pip's configuration of this machine (PIP_FIND_LINKS, ...) and the test's own PYTHONPATH stay out.
ENV = {k: v for k, v in os.environ.items()
       if not k.startswith(("PYTHON", "PIP_")) and k not in ("LIBKNEE_PATH", "LD_LIBRARY_PATH")}
ENV.update(PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_NO_INPUT="1", PIP_CONFIG_FILE=os.devnull)
COMPARE = ("import knee, os, sys; "
           "assert os.path.realpath(knee.__file__).startswith(os.path.realpath(sys.prefix)), knee.__file__; "
           "rs = knee.Ruleset.default(); "
           "r = rs.compare({'age': 72, 'kl_grade': 4, 'payer': 'medicare'}); "
           "print(knee.library_path, r.top.rank, len(r.options) == len(rs.options))")


def run_checked(test, *args, **kw):
    kw.setdefault("env", ENV)
    out = subprocess.run(list(args), capture_output=True, text=True, check=False, **kw)
    test.assertEqual(out.returncode, 0, "%s\n%s\n%s" % (" ".join(args), out.stdout, out.stderr))
    return out


def fresh_dir(name):
    path = os.path.join(WORKDIR, name)
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    return path


def copy_source(dest, bundle=None):
    """bindings/python copied to dest (pip may write into the tree it builds), with libknee
    copied into the package when bundle is a library's path."""
    shutil.copytree(os.path.join(SOURCE_DIR, "bindings", "python"), dest,
                    ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__",
                                                  "libknee.so*"))
    if bundle:
        shutil.copyfile(bundle, os.path.join(dest, "knee", "libknee.so.0"))
    return dest


def tree(path):
    """Every file under path but Python's byte-code caches."""
    return sorted(os.path.relpath(os.path.join(d, f), path)
                  for d, _, fs in os.walk(path) if "__pycache__" not in d for f in fs)


def debian_venv(test, path):
    """A venv of Debian's Python with no pip, setuptools or wheel in it; the pip command that
    installs into it is Debian's own."""
    if not os.path.exists(SYSTEM_PYTHON):
        test.fail("%s is missing: sh scripts/install-deps.sh installs Debian's python3, "
                  "python3-venv and python3-pip" % SYSTEM_PYTHON)
    run_checked(test, SYSTEM_PYTHON, "-m", "venv", "--without-pip", path)
    python = os.path.join(path, "bin", "python")
    return python, [SYSTEM_PYTHON, "-m", "pip", "--python", python]


def path_venv(test, path):
    """A venv of the python3 on PATH (the one running this test), with the pip it brings."""
    run_checked(test, sys.executable, "-m", "venv", path)
    return os.path.join(path, "bin", "python"), [os.path.join(path, "bin", "python"), "-m", "pip"]


def expected_platform():
    """This machine's wheel platform tag, as pip computes it (e.g. linux_x86_64)."""
    return sysconfig.get_platform().replace("-", "_").replace(".", "_")


@unittest.skipUnless(WORKDIR and LIB, "run by CTest (needs KNEE_TEST_WORKDIR and LIBKNEE_PATH)")
class InstallTest(unittest.TestCase):
    """`pip install bindings/python`, no flags but --no-index, for both Pythons."""

    def check_install(self, name, make_venv):
        work = fresh_dir(name)
        src = copy_source(os.path.join(work, "src"))
        before = tree(src)
        python, pip = make_venv(self, os.path.join(work, "venv"))
        run_checked(self, *pip, "install", "--no-index", src, cwd=work)
        out = run_checked(self, python, "-c", COMPARE, env=dict(ENV, LIBKNEE_PATH=LIB), cwd=work)
        self.assertEqual(out.stdout.split(), [LIB, "1", "True"])
        # The installed package carries its type hints; nothing of the build is left in it.
        run_checked(self, python, "-c",
                    "import importlib.resources as r; assert r.files('knee').joinpath('py.typed').is_file(); "
                    "assert not r.files('knee').joinpath('libknee.so.0').is_file()",
                    env=dict(ENV, LIBKNEE_PATH=LIB), cwd=work)
        self.assertEqual(tree(src), before, "the build wrote into the source tree")

    def test_python_on_path(self):
        self.check_install("path-python", path_venv)

    def test_debian_python_without_pip_setuptools_wheel(self):
        self.check_install("debian-python", debian_venv)


@unittest.skipUnless(WORKDIR and LIB, "run by CTest (needs KNEE_TEST_WORKDIR and LIBKNEE_PATH)")
class WheelTest(unittest.TestCase):
    """Wheels built offline: pure, and with libknee bundled (tagged for its platform)."""

    @classmethod
    def setUpClass(cls):
        cls.work = fresh_dir("wheel")
        # The wheels are built by the python3 on PATH, installed into Debian's Python.
        cls.builder = path_venv(cls(), os.path.join(cls.work, "builder"))[1]

    def build_wheel(self, name, bundle=None):
        src = copy_source(os.path.join(self.work, name), bundle)
        dist = os.path.join(self.work, name + "-dist")
        run_checked(self, *self.builder, "wheel", "--no-index", "--no-deps", "-w", dist, src)
        (wheel,) = os.listdir(dist)
        return os.path.join(dist, wheel)

    def check_wheel_files(self, wheel, purelib, tag):
        with zipfile.ZipFile(wheel) as zf:
            names = zf.namelist()
            info = next(n for n in names if n.endswith(".dist-info/WHEEL"))
            self.assertIn("Root-Is-Purelib: %s\n" % purelib, zf.read(info).decode())
            self.assertIn("Tag: %s\n" % tag, zf.read(info).decode())
            # RECORD lists every other file with its true hash and size.
            record = next(n for n in names if n.endswith(".dist-info/RECORD"))
            rows = list(csv.reader(io.StringIO(zf.read(record).decode())))
            self.assertEqual(sorted(r[0] for r in rows), sorted(names))
            for path, digest, size in rows:
                if path == record:
                    continue
                data = zf.read(path)
                b64 = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
                self.assertEqual((digest, size), ("sha256=" + b64, str(len(data))), path)
            return names

    def test_pure_wheel_is_any(self):
        wheel = self.build_wheel("pure")
        self.assertEqual(os.path.basename(wheel), "knee-0.2.0-py3-none-any.whl")
        names = self.check_wheel_files(wheel, "true", "py3-none-any")
        self.assertIn("knee/py.typed", names)
        self.assertIn("knee/cdshooks/app.py", names)
        self.assertFalse([n for n in names if "libknee" in n])

    def test_bundled_wheel_is_tagged_for_its_platform_and_runs_alone(self):
        wheel = self.build_wheel("bundled", bundle=LIB)
        tag = "py3-none-" + expected_platform()
        self.assertEqual(os.path.basename(wheel), "knee-0.2.0-%s.whl" % tag)
        self.assertIn("knee/libknee.so.0", self.check_wheel_files(wheel, "false", tag))
        # A fresh venv, no LIBKNEE_PATH nor LD_LIBRARY_PATH: the bundled library is the one used.
        venv = os.path.join(self.work, "bundled-venv")
        python, pip = debian_venv(self, venv)
        run_checked(self, *pip, "install", "--no-index", wheel, cwd=self.work)
        out = run_checked(self, python, "-c", COMPARE, cwd=self.work)
        path, rank, complete = out.stdout.split()
        self.assertEqual((os.path.basename(path), rank, complete), ("libknee.so.0", "1", "True"))
        self.assertTrue(os.path.realpath(path).startswith(os.path.realpath(venv)), path)


if __name__ == "__main__":
    unittest.main()
