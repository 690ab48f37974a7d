"""The build backend of the knee package (PEP 517 and PEP 660), standard library only.

Why not setuptools: pip builds a package in an isolated environment and downloads the
backend's requirements into it. Without network access that fails unless the backend needs
nothing, and setuptools alone is not enough anyway (before 70.1 `bdist_wheel` lives in the
`wheel` package, which a pyenv or python.org Python does not have). This backend needs only
the Python running it, so `pip install bindings/python` works offline with any Python >= 3.8.

The package is pure Python (ctypes). A wheel is `py3-none-any`, unless a libknee was copied
into the package (`knee/libknee.so.0`, see README.md): then the wheel is tagged for the
platform that library was built for, read from its ELF header (e.g. `py3-none-linux_x86_64`).
"""

import base64
import hashlib
import io
import os
import re
import tarfile
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)  # bindings/python

NAME = "knee"
SUMMARY = "Compare knee-osteoarthritis treatment options: Python binding of libknee (ctypes)"
REQUIRES_PYTHON = ">=3.8"
CLASSIFIERS = (
    "Programming Language :: Python :: 3",
    "Operating System :: POSIX :: Linux",
    "Topic :: Scientific/Engineering :: Medical Science Apps.",
    "Typing :: Typed",
)
# Optional features: names only, nothing is downloaded (the binding imports these when used).
# cdshooks: the CDS Hooks service's JWT check (knee.cdshooks.auth and keys); without them the
# service runs only with insecure_no_auth.
EXTRAS = {"pandas": ("pandas",), "dask": ("dask[dataframe]", "distributed", "pandas"),
          "cdshooks": ("PyJWT>=2", "cryptography")}
PACKAGE_DATA = ("py.typed",)
BUNDLED = re.compile(r"^libknee\.so(\.\d+)*$")
# Files of the source tree that an sdist carries besides the package.
SDIST_FILES = ("pyproject.toml", "README.md", "_build/knee_build.py")

# ELF e_machine -> the platform part of a Linux wheel tag (PEP 425, sysconfig.get_platform()).
_ELF_ARCH = {(62, 2): "x86_64", (3, 1): "i686", (183, 2): "aarch64", (40, 1): "armv7l",
             (21, 2): "ppc64", (22, 2): "s390x", (243, 2): "riscv64"}


def version():
    """The version, from knee/__init__.py (its one place)."""
    with open(os.path.join(ROOT, NAME, "__init__.py"), encoding="utf-8") as f:
        m = re.search(r'^__version__ = "([^"]+)"$', f.read(), re.M)
    if not m:
        raise RuntimeError("knee/__init__.py has no __version__ line")
    return m.group(1)


def package_files():
    """(path in the package tree, path on disk) of every file the wheel installs, sorted."""
    out = []
    for d, dirs, files in os.walk(os.path.join(ROOT, NAME)):
        dirs[:] = sorted(x for x in dirs if x != "__pycache__")
        for f in sorted(files):
            if f.endswith(".py") or f in PACKAGE_DATA or BUNDLED.match(f):
                full = os.path.join(d, f)
                out.append((os.path.relpath(full, ROOT).replace(os.sep, "/"), full))
    return out


def elf_platform(path):
    """The wheel platform tag of a Linux shared library, from its ELF header."""
    with open(path, "rb") as f:
        head = f.read(20)
    if len(head) < 20 or head[:4] != b"\x7fELF":
        raise RuntimeError("%s is not an ELF shared library" % path)
    bits, order = head[4], head[5]
    machine = int.from_bytes(head[18:20], "little" if order == 1 else "big")
    if machine == 21 and order == 1:
        return "linux_ppc64le"
    arch = _ELF_ARCH.get((machine, bits))
    if not arch:
        raise RuntimeError("%s: unknown ELF machine %d (%d-bit): cannot tag the wheel"
                           % (path, machine, 32 * bits))
    return "linux_" + arch


def wheel_tag(files):
    """py3-none-any for the pure package; py3-none-<platform> with a bundled libknee."""
    platforms = {elf_platform(full) for rel, full in files if BUNDLED.match(os.path.basename(rel))}
    if len(platforms) > 1:
        raise RuntimeError("bundled libraries for different platforms: %s" % sorted(platforms))
    return "py3-none-" + (platforms.pop() if platforms else "any")


def metadata():
    """The core metadata (METADATA / PKG-INFO), version 2.1."""
    lines = ["Metadata-Version: 2.1", "Name: " + NAME, "Version: " + version(),
             "Summary: " + SUMMARY, "License: See the libknee repository",
             "Requires-Python: " + REQUIRES_PYTHON]
    lines += ["Classifier: " + c for c in CLASSIFIERS]
    for extra, reqs in EXTRAS.items():
        lines.append("Provides-Extra: " + extra)
        lines += ['Requires-Dist: %s; extra == "%s"' % (r, extra) for r in reqs]
    lines.append("Description-Content-Type: text/markdown")
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
        readme = f.read()
    return ("\n".join(lines) + "\n\n" + readme).encode("utf-8")


def _dist_info():
    return "%s-%s.dist-info" % (NAME, version())


def _dist_info_files(tag):
    """The .dist-info files but RECORD, as {name: bytes}."""
    pure = tag.endswith("-any")
    wheel = ("Wheel-Version: 1.0\nGenerator: knee_build\nRoot-Is-Purelib: %s\nTag: %s\n"
             % ("true" if pure else "false", tag))
    return {"METADATA": metadata(), "WHEEL": wheel.encode()}


def _zip_entry(zf, name, data):
    # A fixed date and mode: the same tree always gives the same wheel.
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.external_attr = 0o644 << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    zf.writestr(info, data)


def _record_line(name, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return "%s,sha256=%s,%d" % (name, digest, len(data))


def _build(wheel_directory, contents, tag):
    """Write a wheel of contents ([(name in the wheel, bytes)]) plus its .dist-info."""
    dist_info = _dist_info()
    entries = list(contents)
    entries += [("%s/%s" % (dist_info, k), v) for k, v in sorted(_dist_info_files(tag).items())]
    record = [_record_line(n, d) for n, d in entries] + ["%s/RECORD,," % dist_info]
    entries.append(("%s/RECORD" % dist_info, ("\n".join(record) + "\n").encode()))
    filename = "%s-%s-%s.whl" % (NAME, version(), tag)
    os.makedirs(wheel_directory, exist_ok=True)
    with zipfile.ZipFile(os.path.join(wheel_directory, filename), "w") as zf:
        for name, data in entries:
            _zip_entry(zf, name, data)
    return filename


def _read(path):
    with open(path, "rb") as f:
        return f.read()


# --- PEP 517 hooks ------------------------------------------------------------------------

def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_sdist(config_settings=None):
    return []


def get_requires_for_build_editable(config_settings=None):
    return []


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    path = os.path.join(metadata_directory, _dist_info())
    os.makedirs(path, exist_ok=True)
    for name, data in _dist_info_files(wheel_tag(package_files())).items():
        with open(os.path.join(path, name), "wb") as f:
            f.write(data)
    return _dist_info()


prepare_metadata_for_build_editable = prepare_metadata_for_build_wheel


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    files = package_files()
    return _build(wheel_directory, [(rel, _read(full)) for rel, full in files], wheel_tag(files))


def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    """PEP 660: a wheel whose .pth file puts this source tree on sys.path."""
    tag = wheel_tag(package_files())
    return _build(wheel_directory, [("knee.pth", (ROOT + "\n").encode())], tag)


def build_sdist(sdist_directory, config_settings=None):
    base = "%s-%s" % (NAME, version())
    names = list(SDIST_FILES) + [rel for rel, full in package_files()
                                 if not BUNDLED.match(os.path.basename(rel))]
    filename = base + ".tar.gz"
    os.makedirs(sdist_directory, exist_ok=True)
    with tarfile.open(os.path.join(sdist_directory, filename), "w:gz",
                      format=tarfile.PAX_FORMAT) as tf:
        members = [("PKG-INFO", metadata())] + [(n, _read(os.path.join(ROOT, n))) for n in names]
        for name, data in members:
            info = tarfile.TarInfo("%s/%s" % (base, name))
            info.size, info.mode, info.mtime = len(data), 0o644, 0
            tf.addfile(info, io.BytesIO(data))
    return filename
