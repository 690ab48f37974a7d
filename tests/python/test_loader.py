"""Finding libknee: LIBKNEE_PATH, a copy inside the package, find_library, the SONAME; an
ImportError that lists every attempt; the major-version check. Each case runs in a fresh
interpreter."""

import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import unittest

import knee
from support import SOURCE_DIR, run_python

PACKAGE = os.path.join(SOURCE_DIR, "bindings", "python", "knee")
LIB = os.environ.get("LIBKNEE_PATH") or knee.library_path


def env_without_library(**extra):
    """An environment where libknee can only be found where the test puts it."""
    env = {k: v for k, v in os.environ.items() if k not in ("LIBKNEE_PATH", "LD_LIBRARY_PATH")}
    env.update(extra)
    return env


class LoaderTest(unittest.TestCase):
    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory()
        self.tmp = self._tmp.name

    def tearDown(self):
        self._tmp.cleanup()

    def fake_library(self, body):
        """Build a small shared library standing in for libknee; skip without a C compiler."""
        cc = shutil.which("cc") or shutil.which("gcc")
        if not cc:
            self.skipTest("no C compiler")
        src, lib = os.path.join(self.tmp, "fake.c"), os.path.join(self.tmp, "libfake.so")
        with open(src, "w") as f:
            f.write(body)
        subprocess.run([cc, "-shared", "-fPIC", "-o", lib, src], check=True)
        return lib

    def test_bogus_libknee_path(self):
        bogus = os.path.join(self.tmp, "libknee.so.0")
        with open(bogus, "w") as f:
            f.write("not a library\n" * 200)
        # LC_ALL=C: dlopen's reason is checked in English, whatever the host's locale
        out = run_python("import knee", env=env_without_library(LIBKNEE_PATH=bogus, LC_ALL="C"))
        self.assertNotEqual(out.returncode, 0)
        self.assertIn("ImportError: knee: cannot load libknee", out.stderr)
        self.assertIn("LIBKNEE_PATH (%s):" % bogus, out.stderr)
        self.assertIn("invalid ELF header", out.stderr)  # dlopen's reason
        self.assertIn("LIBKNEE_PATH is set, so no other place was tried", out.stderr)

    def test_missing_libknee_path(self):
        missing = os.path.join(self.tmp, "nothing-here.so")
        out = run_python("import knee", env=env_without_library(LIBKNEE_PATH=missing, LC_ALL="C"))
        self.assertIn("LIBKNEE_PATH (%s):" % missing, out.stderr)
        self.assertIn("No such file", out.stderr)

    def test_libknee_path_directory(self):
        os.symlink(os.path.abspath(LIB), os.path.join(self.tmp, "libknee.so.0"))
        out = run_python("import knee; print(knee.library_path)",
                         env=env_without_library(LIBKNEE_PATH=self.tmp))
        self.assertEqual(out.stdout.strip(), os.path.join(self.tmp, "libknee.so.0"), out.stderr)

    def package_copy(self, with_library):
        """A copy of the package in the temp dir; optionally with libknee inside it."""
        dest = os.path.join(self.tmp, "site")
        shutil.copytree(PACKAGE, os.path.join(dest, "knee"),
                        ignore=shutil.ignore_patterns("__pycache__", "libknee.so*"))
        if with_library:
            shutil.copy(LIB, os.path.join(dest, "knee", "libknee.so.0"))
        return dest

    def test_library_inside_the_package(self):
        site = self.package_copy(with_library=True)
        out = run_python("import knee; print(knee.library_path); "
                         "print(knee.Ruleset.default().compare({'age': 70}).top.rank)",
                         env=env_without_library(PYTHONPATH=site), cwd=self.tmp)
        self.assertEqual(out.stdout.split(), [os.path.join(site, "knee", "libknee.so.0"), "1"],
                         out.stderr)

    def test_every_attempt_listed(self):
        site = self.package_copy(with_library=False)
        out = run_python("import knee; print(knee.library_path)",
                         env=env_without_library(PYTHONPATH=site), cwd=self.tmp)
        if out.returncode == 0:
            self.skipTest("libknee is installed on this machine (%s)" % out.stdout.strip())
        for attempt in ("LIBKNEE_PATH: not set",
                        "next to the package: %s does not exist" % os.path.join(site, "knee", "libknee.so.0"),
                        "ctypes.util.find_library('knee')",
                        "the SONAME (libknee.so.0):"):
            self.assertIn(attempt, out.stderr)

    def test_wrong_major_version(self):
        lib = self.fake_library("int knee_version_number(void) { return 10203; }\n")
        out = run_python("import knee", env=env_without_library(LIBKNEE_PATH=lib))
        self.assertIn("it is libknee 1.2.3; this binding needs major version 0", out.stderr)

    def test_missing_symbols(self):
        lib = self.fake_library("int knee_version_number(void) { return 100; }\n")
        out = run_python("import knee", env=env_without_library(LIBKNEE_PATH=lib))
        self.assertIn("not a usable libknee", out.stderr)
        self.assertIn("undefined symbol", out.stderr)


if __name__ == "__main__":
    unittest.main()
