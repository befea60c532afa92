#!/usr/bin/env python3
"""Generate ``manifest_guard/data/import_names.json``: which import names each distribution provides.

manifest-guard checks that the third-party imports of an app are provided by the distributions declared in its
``requirements.txt`` without installing them, so it needs to know, for example, that ``pyyaml`` provides ``yaml``
and ``opencv-python-headless`` provides ``cv2``.  This script derives that knowledge from the wheels themselves.

Method
------
1. The distributions to process are listed in ``scripts/import_names_sources.txt`` (one name a line, ``#``
   comments).  A line flagged ``manual`` is not downloaded and must be covered by the overrides file: it is used
   for wheels of hundreds of MB (torch, tensorflow) and for sdist-only distributions worth skipping.
2. For each distribution, in a thread pool, ``pip download --no-deps --only-binary=:all:`` fetches the newest
   wheel for the running interpreter and platform into a persistent cache directory (one sub-directory per
   distribution).  When there is none, it is retried for Windows (``--platform win_amd64``), for macOS
   (``--platform macosx_11_0_arm64``) and for Python 3.9 on this platform (projects that stopped publishing
   wheels, such as cx-oracle).  Only wheels are read, no sdist is ever built: distributions that publish no
   wheel are reported and need a hand-written entry in the overrides file.  Cached wheels are reused unless
   ``--refresh`` is given, so reruns are cheap and need no network.
3. The wheel's ``*.dist-info/RECORD`` (the zip listing when RECORD is missing) is read, and the import names are
   the entries of site-packages that Python can import:

   * modules: ``x.py``, ``x.pyc``, and extension modules ``x.so``, ``x.<tag>.so``, ``x.pyd``, ``x.<tag>.pyd``;
   * packages: directories whose name is an identifier, holding ``__init__`` (``.py``, ``.pyc`` or extension);
   * namespace packages: a directory without ``__init__`` (PEP 420), or whose small ``__init__.py`` calls
     ``pkgutil.extend_path`` / ``pkg_resources.declare_namespace``, is descended into, and each package or module
     found below it is recorded with its dotted path (``google-cloud-storage`` -> ``google.cloud.storage``,
     ``protobuf`` -> ``google.protobuf``); the namespace levels (``google``, ``google.cloud``) are listed under
     ``namespace_packages`` in the output, with the distributions contributing to each;
   * ``X.data/purelib/`` and ``X.data/platlib/`` are installed into site-packages, so they count as the root;
     every other ``*.data`` directory, ``*.dist-info``, ``__pycache__``, directories holding no Python file
     (``numpy.libs``, ``include``), non-identifier names and mypyc's hashed runtime modules (``<hash>__mypyc``)
     are ignored;
   * a ``*.pth`` file at the root that adds directories to ``sys.path`` (pywin32's ``win32``, ``win32/lib``,
     ``Pythonwin``) makes the modules and packages inside those directories import names too; ``import`` lines
     of ``.pth`` files are ignored;
   * junk top-levels that some wheels ship by mistake (``tests``, ``test``, ``docs``, ``examples``, ``demos``,
     ``benchmarks``, ``scripts``, ``bin``, ``conftest``, ``setup``...) are dropped unless they are the
     distribution's own import name; ``*.dist-info/top_level.txt``, when present, is only compared with the
     result and differences are reported.

4. A wheel holding no module at all is a meta-package (``python-levenshtein``, ``pypiwin32``, ``rpy2``): its
   unconditional ``Requires-Dist`` dependencies (no ``extra`` marker) are processed too, and the meta-package is
   given the import names of the dependencies it stands for: its only dependency, or else those of its own
   family (sharing the first word of its name: ``rpy2`` -> ``rpy2-rinterface``, ``rpy2-robjects``, not
   ``packaging``).  Other dependencies are only transitive, as for any distribution.  Only one level is
   followed: a meta-package among those dependencies contributes nothing.  Meta-packages whose members do not
   share its name (``jupyter``) are spelled out in the overrides.
5. ``scripts/import_names_overrides.json`` (hand-reviewed: entries added or corrected by hand, each with a
   reason) is merged last: ``import_names`` replaces the derived list, ``add`` / ``remove`` amend it.
6. The output keeps only the distributions whose import names are not exactly the identity guess (the PEP 503
   canonical name with ``-`` replaced by ``_``): the consumer falls back to that guess for every other name.  An
   empty list would mean that the distribution provides nothing to import.

7. ``manifest_guard/data/requires.json`` gets every processed distribution's ``Requires-Dist``, read from the same
   wheels' METADATA (``scripts/declared_requirements.py`` says what is kept), then that of every distribution
   they require unconditionally, until none is left, and what the newest release of each former release line
   required that the newest no longer does.  Distributions without a wheel here (manual, sdist-only) and those
   dependencies are read in place on the index (``scripts/remote_wheels.py``: HTTP range requests fetch the
   wheel's zip directory and its METADATA only), cached in the cache directory.  ``--requires-only`` refreshes
   only this file, reading every METADATA in place: about 8 minutes cold for 1,410 distributions (4,000 small
   requests), seconds from the cache, against hours of wheel downloads on a busy 2-core machine.

Run with the project's dev interpreter (stdlib, pip and packaging)::

    python scripts/generate_import_names.py --cache-dir ~/.cache/import-names-wheels
    python scripts/generate_import_names.py --requires-only --cache-dir ~/.cache/import-names-wheels

``--inspect WHEEL...`` prints what the analysis derives from local wheel files (used to review manual entries),
and ``--dist NAME`` processes only the named distributions and prints them without writing the output.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import csv
import datetime
import email.parser
import io
import json
import os
import re
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from declared_requirements import close_over_dependencies, compact_requirements
from remote_wheels import DEFAULT_JSON_API, remote_metadata

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCES = REPO_ROOT / "scripts" / "import_names_sources.txt"
DEFAULT_OVERRIDES = REPO_ROOT / "scripts" / "import_names_overrides.json"
DEFAULT_OUTPUT = REPO_ROOT / "manifest_guard" / "data" / "import_names.json"
DEFAULT_REQUIRES_OUTPUT = REPO_ROOT / "manifest_guard" / "data" / "requires.json"
DEFAULT_CACHE = Path(
    os.environ.get("IMPORT_NAMES_WHEEL_CACHE", Path.home() / ".cache" / "manifest-guard" / "import-names-wheels")
)

PY_VERSION = f"{sys.version_info.major}.{sys.version_info.minor}"
# (platform, python version) tried in turn; None means the running interpreter's own.
FALLBACKS: tuple[tuple[str | None, str | None], ...] = (
    (None, None),
    ("win_amd64", PY_VERSION),
    ("macosx_11_0_arm64", PY_VERSION),
    (None, "3.9"),
)
PIP_TIMEOUT_SECONDS = 600
META_PACKAGE_DEPTH = 3
# Release lines before the newest whose requirements are kept too (an app pinning dash<=2.5.1 gets dash-table).
FORMER_LINES = 3

# Top-level names that wheels ship by mistake; never import names of their distribution unless it is named so.
# Compared case-insensitively.
JUNK_TOP_LEVELS = frozenset(
    {
        "benchmark",
        "benchmarks",
        "bin",
        "conftest",
        "demo",
        "demos",
        "doc",
        "docs",
        "example",
        "examples",
        "scripts",
        "setup",
        "test",
        "testing",
        "tests",
        "__init__",
        "__main__",
    }
)
SOURCE_SUFFIXES = (".py", ".pyc")
EXTENSION_RE = re.compile(r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:\.[A-Za-z0-9_-]+)?\.(?:so|pyd)$")
MYPYC_RUNTIME_RE = re.compile(r"^[0-9a-f]{8,}__mypyc$")
NAMESPACE_INIT_MARKERS = ("declare_namespace", "extend_path")
NAMESPACE_INIT_MAX_BYTES = 1500
SAVED_RE = re.compile(r"(?:Saved|File was already downloaded)\s+(?P<path>\S.*\.whl)\s*$", re.MULTILINE)
DATA_DIR_RE = re.compile(r"^[^/]+\.data/(?:purelib|platlib)/")
REQUIREMENT_NAME_RE = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")

# Names the output must map (subset checks), so that a regression in the analysis or an upstream repackaging
# fails the run instead of silently shipping a wrong table.
SPOT_CHECKS: dict[str, frozenset[str]] = {
    "attrs": frozenset({"attr", "attrs"}),
    "beautifulsoup4": frozenset({"bs4"}),
    "gitpython": frozenset({"git"}),
    "google-cloud-storage": frozenset({"google.cloud.storage"}),
    "matplotlib": frozenset({"matplotlib", "mpl_toolkits.mplot3d", "pylab"}),
    "opencv-python": frozenset({"cv2"}),
    "opencv-python-headless": frozenset({"cv2"}),
    "pillow": frozenset({"PIL"}),
    "protobuf": frozenset({"google.protobuf"}),
    "psycopg2-binary": frozenset({"psycopg2"}),
    "pyjwt": frozenset({"jwt"}),
    "pymupdf": frozenset({"fitz", "pymupdf"}),
    "python-dateutil": frozenset({"dateutil"}),
    "python-dotenv": frozenset({"dotenv"}),
    "python-jose": frozenset({"jose"}),
    "pywin32": frozenset({"win32api", "win32con", "pythoncom", "pywintypes", "win32com"}),
    "pyyaml": frozenset({"yaml"}),
    "pyzmq": frozenset({"zmq"}),
    "scikit-image": frozenset({"skimage"}),
    "scikit-learn": frozenset({"sklearn"}),
    "setuptools": frozenset({"setuptools", "pkg_resources", "_distutils_hack"}),
    "streamlit-aggrid": frozenset({"st_aggrid"}),
}


def canonicalize(name: str) -> str:
    """PEP 503 normalised distribution name."""
    return re.sub(r"[-_.]+", "-", name).lower()


def identity_guess(canonical: str) -> str:
    """The import name a consumer guesses for a distribution it knows nothing about."""
    return canonical.replace("-", "_")


def is_dotted_name(name: str) -> bool:
    """True for ``a`` or ``a.b.c`` where each part is an identifier."""
    return all(part.isidentifier() for part in name.split("."))


@dataclass(frozen=True)
class SourceEntry:
    """One distribution to process."""

    name: str
    manual: bool = False
    required_by: str | None = None  # set for dependencies of meta-packages


@dataclass
class WheelAnalysis:
    """What one wheel provides."""

    import_names: list[str]
    namespaces: list[str]
    pkgutil_namespaces: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    top_level_txt: list[str] | None = None
    pth_dirs: list[str] = field(default_factory=list)
    requires: list[str] = field(default_factory=list)  # unconditional dependencies, canonical names
    requirements: list[str] = field(default_factory=list)  # every Requires-Dist, compact (declared_requirements)


@dataclass
class DistResult:
    """Outcome of processing one distribution."""

    canonical: str
    status: str  # "ok", "manual", "failed"
    wheel: str | None = None
    fallback: str | None = None
    size_mb: float = 0.0
    required_by: str | None = None
    analysis: WheelAnalysis | None = None
    error: str | None = None
    requirements: list[str] | None = None  # compact Requires-Dist; None when no METADATA could be read
    metadata_source: str | None = None  # where they were read when not from the analysed wheel


# --------------------------------------------------------------------------------------------------- inputs


def read_sources(path: Path) -> list[SourceEntry]:
    """Parse the sources file, rejecting duplicates and unknown flags."""
    entries: list[SourceEntry] = []
    seen: set[str] = set()
    for lineno, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        name, *flags = line.split()
        unknown = [flag for flag in flags if flag != "manual"]
        if unknown:
            raise SystemExit(f"{path}:{lineno}: unknown flag(s) {unknown}")
        canonical = canonicalize(name)
        if canonical in seen:
            raise SystemExit(f"{path}:{lineno}: duplicate distribution {name}")
        seen.add(canonical)
        entries.append(SourceEntry(name=name, manual="manual" in flags))
    return entries


def read_overrides(path: Path) -> dict[str, dict[str, object]]:
    """Load and validate the hand-written overrides, keyed by canonical name."""
    data = json.loads(path.read_text(encoding="utf-8"))
    result: dict[str, dict[str, object]] = {}
    for name, entry in data["distributions"].items():
        if canonicalize(name) != name:
            raise SystemExit(f"{path}: override key {name!r} must be the canonical name {canonicalize(name)!r}")
        if not isinstance(entry, dict) or not str(entry.get("reason", "")).strip():
            raise SystemExit(f"{path}: override for {name} needs a non-empty 'reason'")
        keys = set(entry) - {"reason"}
        if not keys or not keys <= {"import_names", "add", "remove"} or ("import_names" in keys and len(keys) > 1):
            raise SystemExit(f"{path}: override for {name} needs either 'import_names' or 'add'/'remove'")
        for key in keys:
            names = entry[key]
            if not isinstance(names, list) or not all(isinstance(n, str) and is_dotted_name(n) for n in names):
                raise SystemExit(f"{path}: override {name}.{key} must be a list of dotted import names")
        result[name] = entry
    return result


# --------------------------------------------------------------------------------------------------- download


def pip_download(name: str, dest: Path, platform: str | None, python: str | None) -> tuple[Path | None, str]:
    """Run ``pip download`` for one distribution; return the wheel path (or None) and pip's output."""
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "--no-cache-dir"]
    cmd += ["--disable-pip-version-check", "--progress-bar", "off", "--dest", str(dest)]
    if platform is not None:
        cmd += ["--platform", platform]
    if python is not None:
        cmd += ["--python-version", python]
    cmd.append(name)
    try:
        proc = subprocess.run(
            cmd, capture_output=True, text=True, timeout=PIP_TIMEOUT_SECONDS, check=False, stdin=subprocess.DEVNULL
        )
    except subprocess.TimeoutExpired:
        return None, f"ERROR: pip download timed out after {PIP_TIMEOUT_SECONDS}s"
    output = proc.stdout + proc.stderr
    matches = SAVED_RE.findall(proc.stdout)
    if proc.returncode != 0 or not matches:
        return None, output
    wheel = dest / Path(matches[-1].strip()).name
    if not wheel.is_file():
        return None, output + f"\nERROR: wheel {wheel} reported by pip not found"
    return wheel, output


def first_error_line(output: str) -> str:
    """The most useful line of a failed pip run."""
    errors = [line.strip() for line in output.splitlines() if line.startswith("ERROR")]
    if errors:
        return errors[0]
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    return lines[-1] if lines else "pip download failed"


def fetch_wheel(name: str, cache_dir: Path, refresh: bool) -> tuple[Path | None, str | None, str | None]:
    """Return (wheel, fallback used or None, error) for a distribution, using the cache when allowed."""
    dest = cache_dir / canonicalize(name)
    dest.mkdir(parents=True, exist_ok=True)
    marker = dest / "fallback.txt"
    cached = sorted(dest.glob("*.whl"))
    if cached and not refresh:
        fallback = marker.read_text(encoding="utf-8").strip() if marker.exists() else ""
        return max(cached, key=lambda p: p.stat().st_mtime), fallback or None, None
    first_error: str | None = None
    for platform, python in FALLBACKS:
        wheel, output = pip_download(name, dest, platform, python)
        if wheel is not None:
            fallback = " ".join(f"{k}={v}" for k, v in (("platform", platform), ("python", python)) if v)
            marker.write_text(fallback + "\n", encoding="utf-8")
            for stale in dest.glob("*.whl"):
                if stale.resolve() != wheel.resolve():
                    stale.unlink()
            return wheel, fallback or None, None
        if first_error is None:
            first_error = first_error_line(output)
    return None, None, first_error


# --------------------------------------------------------------------------------------------------- analysis


def wheel_files(zf: zipfile.ZipFile) -> list[str]:
    """Installed paths listed by RECORD (zip listing if absent), relative to site-packages."""
    record_names = [n for n in zf.namelist() if re.fullmatch(r"[^/]+\.dist-info/RECORD", n)]
    if record_names:
        text = zf.read(record_names[0]).decode("utf-8", errors="replace")
        paths = [row[0] for row in csv.reader(io.StringIO(text)) if row and row[0]]
    else:
        paths = [n for n in zf.namelist() if not n.endswith("/")]
    result: list[str] = []
    for raw in paths:
        path = raw.replace("\\", "/").lstrip("/")
        if path.startswith("../") or "/../" in path:
            continue
        data = DATA_DIR_RE.match(path)
        if data:
            path = path[data.end() :]
        elif re.match(r"^[^/]+\.(?:data|dist-info)/", path):
            continue
        if path:
            result.append(path)
    return result


def module_name(filename: str) -> str | None:
    """Import name of a file if it is an importable module file, else None."""
    if filename.endswith(SOURCE_SUFFIXES):
        stem = filename.rsplit(".", 1)[0]
        return stem if stem.isidentifier() else None
    match = EXTENSION_RE.match(filename)
    return match.group("name") if match else None


class _Tree:
    """Directory tree of a wheel's installed files."""

    def __init__(self, paths: Iterable[str]) -> None:
        self.files: set[str] = set()
        self.children: dict[str, set[str]] = {}
        for path in paths:
            parts = path.split("/")
            if "__pycache__" in parts:
                continue
            self.files.add(path)
            for depth in range(len(parts)):
                self.children.setdefault("/".join(parts[:depth]), set()).add(parts[depth])

    def is_dir(self, path: str) -> bool:
        return path in self.children and path not in self.files

    def has_python(self, path: str) -> bool:
        prefix = path + "/"
        return any(f.startswith(prefix) and module_name(f.rsplit("/", 1)[1]) for f in self.files)


def _join(parent: str, child: str) -> str:
    return f"{parent}/{child}" if parent else child


@dataclass
class _Scan:
    """State of one wheel's scan."""

    zf: zipfile.ZipFile
    tree: _Tree
    skip: frozenset[str]  # directories never descended into (the .pth sys.path entries)
    names: set[str] = field(default_factory=set)
    namespaces: set[str] = field(default_factory=set)
    pkgutil_namespaces: set[str] = field(default_factory=set)

    def init_kind(self, directory: str) -> str:
        """'package', 'pkgutil' (namespace-declaring __init__.py) or 'none'."""
        inits = [c for c in self.tree.children.get(directory, set()) if module_name(c) == "__init__"]
        if not inits:
            return "none"
        if inits == ["__init__.py"]:
            try:
                info = self.zf.getinfo(_join(directory, "__init__.py"))
            except KeyError:
                return "package"
            if info.file_size <= NAMESPACE_INIT_MAX_BYTES:
                text = self.zf.read(info).decode("utf-8", errors="replace")
                if any(marker in text for marker in NAMESPACE_INIT_MARKERS):
                    return "pkgutil"
        return "package"

    def scan(self, directory: str, dotted: str = "") -> None:
        """Collect the modules and packages directly in ``directory``, descending into namespace packages."""
        for child in sorted(self.tree.children.get(directory, set())):
            path = _join(directory, child)
            full = f"{dotted}.{child}" if dotted else child
            if self.tree.is_dir(path):
                if path in self.skip or not child.isidentifier() or not self.tree.has_python(path):
                    continue
                kind = self.init_kind(path)
                if kind == "package":
                    self.names.add(full)
                    continue
                self.namespaces.add(full)
                if kind == "pkgutil":
                    self.pkgutil_namespaces.add(full)
                self.scan(path, full)
            else:
                name = module_name(child)
                if name is not None and name != "__init__" and not MYPYC_RUNTIME_RE.match(name):
                    self.names.add(f"{dotted}.{name}" if dotted else name)


def pth_directories(zf: zipfile.ZipFile, tree: _Tree) -> list[str]:
    """Directories that root-level ``.pth`` files of the wheel add to sys.path."""
    dirs: list[str] = []
    for child in sorted(tree.children.get("", set())):
        if not child.endswith(".pth") or child not in tree.files:
            continue
        try:
            text = zf.read(child).decode("utf-8", errors="replace")
        except KeyError:
            continue
        for raw in text.splitlines():
            line = raw.strip()
            if not line or line.startswith("#") or re.match(r"import[\s;]", line):
                continue
            directory = line.replace("\\", "/").strip("/").removeprefix("./")
            if directory and tree.is_dir(directory) and directory not in dirs:
                dirs.append(directory)
    return dirs


def unconditional_requirements(metadata: str) -> list[str]:
    """Canonical names of the Requires-Dist entries that do not depend on an extra."""
    message = email.parser.HeaderParser().parsestr(metadata)
    result: list[str] = []
    for requirement in message.get_all("Requires-Dist") or []:
        marker = requirement.split(";", 1)[1] if ";" in requirement else ""
        match = REQUIREMENT_NAME_RE.match(requirement)
        if match and "extra" not in marker:
            canonical = canonicalize(match.group(1))
            if canonical not in result:
                result.append(canonical)
    return result


def analyze_wheel(path: Path, canonical: str) -> WheelAnalysis:
    """Derive the import names a wheel provides (see the module docstring)."""
    with zipfile.ZipFile(path) as zf:
        tree = _Tree(wheel_files(zf))
        pth_dirs = pth_directories(zf, tree)
        # Every sys.path entry the wheel uses: site-packages itself, then the .pth directories.
        state = _Scan(zf, tree, skip=frozenset(pth_dirs) | {d.split("/", 1)[0] for d in pth_dirs})
        state.scan("")
        state.skip = frozenset(pth_dirs)
        for directory in pth_dirs:
            state.scan(directory)
        metadata_text = ""
        top_level: list[str] | None = None
        for member in zf.namelist():
            if re.fullmatch(r"[^/]+\.dist-info/top_level\.txt", member):
                text = zf.read(member).decode("utf-8", errors="replace")
                top_level = sorted({line.strip().replace("/", ".") for line in text.splitlines() if line.strip()})
            elif re.fullmatch(r"[^/]+\.dist-info/METADATA", member):
                metadata_text = zf.read(member).decode("utf-8", errors="replace")

    own = identity_guess(canonical)

    def junk(name: str) -> bool:
        top = name.split(".", 1)[0]
        return top.lower() in JUNK_TOP_LEVELS and top != own

    names = sorted(n for n in state.names if not junk(n))
    return WheelAnalysis(
        import_names=names,
        namespaces=sorted(ns for ns in state.namespaces if not junk(ns)),
        pkgutil_namespaces=sorted(ns for ns in state.pkgutil_namespaces if not junk(ns)),
        dropped=sorted({n.split(".", 1)[0] for n in state.names if junk(n)}),
        top_level_txt=top_level,
        pth_dirs=pth_dirs,
        requires=[] if names else unconditional_requirements(metadata_text),
        requirements=compact_requirements(metadata_text)[0],
    )


def top_level_mismatch(analysis: WheelAnalysis) -> tuple[list[str], list[str]]:
    """(only in top_level.txt, only derived) top-level names, ignoring junk and non-identifiers."""
    if analysis.top_level_txt is None or analysis.pth_dirs:  # top_level.txt names .pth dirs, not their modules
        return [], []
    listed = {n.split(".", 1)[0] for n in analysis.top_level_txt if is_dotted_name(n)}
    listed = {n for n in listed if n.lower() not in JUNK_TOP_LEVELS}
    derived = {n.split(".", 1)[0] for n in analysis.import_names}
    return sorted(listed - derived), sorted(derived - listed)


# --------------------------------------------------------------------------------------------------- driver


@dataclass(frozen=True)
class RemoteRequirements:
    """Requires-Dist read in place from wheels on the index, kept in the cache directory between runs."""

    json_api: str
    cache_dir: Path
    refresh: bool = False

    def releases(self, name: str) -> list[dict[str, str]] | str:
        """The newest release's METADATA, then former release lines' (see ``remote_metadata``); or an error."""
        cached = self.cache_dir / canonicalize(name) / "remote-metadata.json"
        if cached.is_file() and not self.refresh:
            data = json.loads(cached.read_text(encoding="utf-8"))
            if isinstance(data, list):
                return data
        try:
            found = remote_metadata(name, self.json_api, FORMER_LINES)
        except (OSError, ValueError, zipfile.BadZipFile, KeyError) as exc:
            return f"metadata unavailable: {exc}"
        data = [{"version": m.version, "source": m.source, "text": m.text} for m in found]
        cached.parent.mkdir(parents=True, exist_ok=True)
        cached.write_text(json.dumps(data), encoding="utf-8")
        return data

    def __call__(self, name: str) -> tuple[list[str] | None, str]:
        """Compact Requires-Dist of the newest release of ``name`` and a note saying where it was read."""
        releases = self.releases(name)
        if isinstance(releases, str):
            return None, releases
        entries, problems = compact_requirements(releases[0]["text"])
        source = releases[0]["source"]
        note = f"{source} (read in place)" if source != "json-api" else "no wheel: JSON API metadata"
        return entries, "; ".join([note, *problems])

    def former(self, name: str, current: Sequence[str]) -> dict[str, list[str]]:
        """Requirements (extras left out) of former release lines that the newest release no longer has, by the
        version read."""
        releases = self.releases(name)
        if isinstance(releases, str):
            return {}
        result: dict[str, list[str]] = {}
        for release in releases[1:]:
            dropped = [entry for entry in compact_requirements(release["text"])[0]
                       if entry not in current and "extra ==" not in entry]  # extras of old releases: rarely asked for
            if dropped and release["source"] != "none":
                result[release["version"]] = dropped
        return result


def process(entry: SourceEntry, cache_dir: Path, refresh: bool, remote: RemoteRequirements) -> DistResult:
    """Download and analyse one distribution (only its METADATA, read in place, when it is manual or has no
    wheel here)."""
    canonical = canonicalize(entry.name)
    if entry.manual:
        requirements, note = remote(entry.name)
        return DistResult(canonical=canonical, status="manual", requirements=requirements, metadata_source=note)
    wheel, fallback, error = fetch_wheel(entry.name, cache_dir, refresh)
    if wheel is None:
        requirements, note = remote(entry.name)
        return DistResult(canonical=canonical, status="failed", required_by=entry.required_by, error=error,
                          requirements=requirements, metadata_source=note)  # fmt: skip
    try:
        analysis = analyze_wheel(wheel, canonical)
    except (zipfile.BadZipFile, OSError, KeyError) as exc:
        return DistResult(canonical=canonical, status="failed", wheel=wheel.name, error=f"bad wheel: {exc}")
    return DistResult(
        canonical=canonical,
        status="ok",
        wheel=wheel.name,
        fallback=fallback,
        size_mb=round(wheel.stat().st_size / 1e6, 1),
        required_by=entry.required_by,
        analysis=analysis,
        requirements=analysis.requirements,
    )


def run_all(
    entries: Sequence[SourceEntry], cache_dir: Path, refresh: bool, jobs: int, remote: RemoteRequirements
) -> list[DistResult]:
    """Process the distributions in a thread pool, then the dependencies of meta-packages; sorted by name."""
    results: dict[str, DistResult] = {}
    started = time.monotonic()
    pending = list(entries)
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        for depth in range(META_PACKAGE_DEPTH + 1):
            futures = [pool.submit(process, entry, cache_dir, refresh, remote) for entry in pending]
            for done, future in enumerate(concurrent.futures.as_completed(futures), 1):
                result = future.result()
                results[result.canonical] = result
                if done % 50 == 0 or done == len(futures):
                    elapsed = time.monotonic() - started
                    print(f"  pass {depth}: {done}/{len(futures)} processed ({elapsed:.0f}s)", file=sys.stderr)
            pending = []
            for result in list(results.values()):
                requires = result.analysis.requires if result.analysis else []
                for dep in meta_package_members(result.canonical, requires):
                    if dep not in results and dep not in {canonicalize(p.name) for p in pending}:
                        pending.append(SourceEntry(name=dep, required_by=result.canonical))
            if not pending:
                break
    return [results[name] for name in sorted(results)]


def meta_package_members(meta: str, requires: Sequence[str]) -> list[str]:
    """The dependencies whose import names a meta-package stands for.

    Its only dependency (``python-levenshtein`` -> ``levenshtein``), or else those of its own family, sharing the
    first word of its name (``rpy2`` -> ``rpy2-rinterface``, ``rpy2-robjects`` but not ``packaging``).
    """
    if len(requires) == 1:
        return list(requires)
    family = meta.split("-", 1)[0]
    return [dep for dep in requires if dep.split("-", 1)[0] == family]


def merge(results: Sequence[DistResult], overrides: dict[str, dict[str, object]]) -> dict[str, list[str]]:
    """Import names of every distribution: derived ones, meta-packages resolved, then the overrides applied."""
    derived: dict[str, list[str]] = {}
    requires: dict[str, list[str]] = {}
    for result in results:
        if result.analysis is not None:
            derived[result.canonical] = list(result.analysis.import_names)
            if result.analysis.requires:
                requires[result.canonical] = result.analysis.requires
    final: dict[str, list[str]] = {}

    def resolve(dist: str) -> list[str]:
        if dist in final:
            return final[dist]
        names: set[str]
        if dist in requires:
            names = set()
            for dep in meta_package_members(dist, requires[dist]):
                if dep not in requires:  # one level only: solara -> solara-server (a meta-package too) adds nothing
                    names |= set(resolve(dep))
        else:
            names = set(derived.get(dist, [identity_guess(dist)]))
        entry = overrides.get(dist)
        if entry is not None:
            if "import_names" in entry:
                names = set(_names(entry["import_names"]))
            names |= set(_names(entry.get("add", [])))
            names -= set(_names(entry.get("remove", [])))
        final[dist] = sorted(names)
        return final[dist]

    for dist in sorted(set(derived) | set(overrides)):
        resolve(dist)
    return final


def _names(value: object) -> list[str]:
    assert isinstance(value, list)
    return [str(v) for v in value]


def namespace_packages(mapping: dict[str, list[str]]) -> dict[str, list[str]]:
    """Namespace levels (proper prefixes of dotted import names) and the distributions contributing to each.

    A level that some distribution installs as a regular package is not a namespace: daphne ships
    ``twisted/plugins/`` without ``twisted/__init__.py``, but ``twisted`` is Twisted's package.
    """
    regular = {name for names in mapping.values() for name in names}
    result: dict[str, set[str]] = {}
    for dist, names in mapping.items():
        for name in names:
            parts = name.split(".")
            for depth in range(1, len(parts)):
                level = ".".join(parts[:depth])
                if level not in regular:
                    result.setdefault(level, set()).add(dist)
    return {ns: sorted(dists) for ns, dists in sorted(result.items())}


def build_output(mapping: dict[str, list[str]], processed: int, date: str) -> dict[str, object]:
    """The JSON document written to the data file."""
    kept = {d: names for d, names in sorted(mapping.items()) if names != [identity_guess(d)]}
    comment = (
        f"Generated on {date} by `python scripts/generate_import_names.py` (see its docstring) from the wheels "
        f"of {processed} distributions: those listed in scripts/import_names_sources.txt plus the dependencies "
        f"of meta-packages. Wheels for CPython {PY_VERSION} on Linux x86_64 (Windows, macOS or Python 3.9 wheels "
        "when there is none), read from their *.dist-info/RECORD, then merged with the hand-reviewed "
        "scripts/import_names_overrides.json. Keys are PEP 503 canonical distribution names; values are the "
        "import names the distribution installs: top-level modules and packages, and dotted paths below "
        "namespace packages (google-cloud-storage -> google.cloud.storage). A meta-package gets the import names "
        "of the dependencies it stands for. Only distributions whose import names differ from the identity "
        "guess (canonical name with '-' -> '_') are listed. namespace_packages maps each namespace level (never "
        "an import name of any processed distribution) to the processed distributions installing something below it."
    )
    return {"_comment": comment, "distributions": kept, "namespace_packages": namespace_packages(mapping)}


def write_requires(path: Path, tables: tuple[Requires, Former], date: str, how: str) -> None:
    """Write the requirements table, one distribution a line (reviewable diffs, no indentation overhead)."""
    requires, former = tables
    listed = sum(1 for entries in requires.values() if entries)
    comment = " ".join([
        f"Generated on {date} by `python scripts/generate_import_names.py{how}`",
        f"(see scripts/declared_requirements.py): the Requires-Dist of {len(requires)} distributions",
        f"({listed} with requirements), read from the METADATA of the wheels import_names.json was derived",
        "from (read in place on the index, without downloading them, for distributions flagged manual or",
        "without a wheel here, with --requires-only, and for the dependencies of the listed distributions,",
        "followed until none is left). Each entry is 'name', 'name[extras]' or 'name[extras]; marker'",
        "(PEP 503 names, PEP 685 extras, versions dropped). Left out: requirements whose marker is false on",
        "Linux for every Python 3.8-3.14, and those only development extras (test, docs, dev, ...) bring.",
        "A distribution listed with [] requires nothing; one not listed is unknown. 'former' holds, for the",
        f"newest release of each of the {FORMER_LINES} release lines before the newest (a major version, or a",
        "minor one below 1.0), the entries it had that the newest release no longer has (but those of extras):",
        "they apply when the",
        "declared requirement admits that release or an older one (dash<=2.5.1 -> dash-table).",
    ])  # fmt: skip
    lines = [f"  {json.dumps(name)}: {json.dumps(requires[name])}" for name in sorted(requires)]
    former_lines = [f"  {json.dumps(name)}: {json.dumps(former[name])}" for name in sorted(former)]
    text = (f'{{\n "_comment": {json.dumps(comment)},\n "former": {{\n' + ",\n".join(former_lines)
            + '\n },\n "requires": {\n' + ",\n".join(lines) + "\n }\n}\n")  # fmt: skip
    json.loads(text)  # the hand-rolled layout must stay valid JSON
    path.write_text(text, encoding="utf-8")
    print(f"wrote {path} ({path.stat().st_size} bytes, {len(requires)} distributions)")


Requires = dict[str, list[str]]
Former = dict[str, dict[str, list[str]]]


def requirements_table(results: Sequence[DistResult], jobs: int, remote: RemoteRequirements) -> tuple[Requires, Former]:
    """Requires-Dist of every processed distribution, then of everything they require; and what former release
    lines of each required that the newest release does not."""
    known = {r.canonical: r.requirements for r in results if r.requirements is not None}
    failed = sorted(r.canonical for r in results if r.requirements is None)
    if failed:
        print(f"  no METADATA for {len(failed)} listed distributions: {failed}", file=sys.stderr)
    table, notes = close_over_dependencies(known, remote, jobs)
    missing = sorted(name for name, note in notes.items() if name not in table)
    print(f"requirements: {len(known)} listed distributions, {len(table) - len(known)} dependencies added, "
          f"{len(missing)} unavailable {missing[:20]}")  # fmt: skip
    names = sorted(table)
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        former = {name: found for name, found in zip(names, pool.map(lambda n: remote.former(n, table[n]), names))
                  if found}  # fmt: skip
    print(f"former release lines: {len(former)} distributions required something their newest release does not")
    return table, former


def refresh_requirements_only(
    entries: Sequence[SourceEntry], output: Path, jobs: int, remote: RemoteRequirements
) -> int:
    """Rewrite only the requirements table, reading each METADATA in place on the index."""
    names = [canonicalize(entry.name) for entry in entries]
    fetched: list[tuple[list[str] | None, str]] = []
    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        for done, found in enumerate(pool.map(remote, names), 1):
            fetched.append(found)
            if done % 100 == 0 or done == len(names):
                print(f"  METADATA: {done}/{len(names)} read ({time.monotonic() - started:.0f}s)", file=sys.stderr)
    results = [
        DistResult(canonical=name, status="ok" if found is not None else "failed", requirements=found,
                   metadata_source=note)
        for name, (found, note) in zip(names, fetched)
    ]  # fmt: skip
    date = datetime.datetime.now(datetime.timezone.utc).date().isoformat()
    write_requires(output, requirements_table(results, jobs, remote), date, " --requires-only")
    return 0


def print_summary(results: Sequence[DistResult], mapping: dict[str, list[str]], max_wheel_mb: float) -> None:
    """Human-readable report of the run."""
    ok = [r for r in results if r.status == "ok"]
    failed = [r for r in results if r.status == "failed"]
    manual = [r for r in results if r.status == "manual"]
    extra = [r for r in results if r.required_by]
    print(
        f"processed {len(results)} distributions ({len(extra)} of them dependencies of meta-packages): "
        f"{len(ok)} wheels read, {len(manual)} manual, {len(failed)} failed"
    )
    for r in failed:
        note = "override present" if r.canonical in mapping else "NO OVERRIDE: identity guess applies"
        print(f"  failed  {r.canonical}: {r.error} [{note}]")
    for r in manual:
        note = "override present" if r.canonical in mapping else "NO OVERRIDE"
        print(f"  manual  {r.canonical} [{note}]")
    for r in ok:
        assert r.analysis is not None
        notes: list[str] = []
        if r.fallback:
            notes.append(f"no wheel for this platform/Python, used {r.wheel} ({r.fallback})")
        if r.size_mb > max_wheel_mb:
            notes.append(f"large wheel {r.wheel} ({r.size_mb:.0f} MB > {max_wheel_mb:.0f} MB)")
        if r.analysis.dropped:
            notes.append(f"dropped junk top-levels {r.analysis.dropped}")
        if r.analysis.pth_dirs:
            notes.append(f".pth adds {r.analysis.pth_dirs} to sys.path")
        if r.analysis.pkgutil_namespaces:
            notes.append(f"pkgutil-style namespace __init__.py in {r.analysis.pkgutil_namespaces}")
        only_listed, only_derived = top_level_mismatch(r.analysis)
        if only_listed or only_derived:
            notes.append(f"top_level.txt differs: only there {only_listed}, only in RECORD {only_derived}")
        if r.analysis.requires:
            members = meta_package_members(r.canonical, r.analysis.requires)
            ignored = [dep for dep in r.analysis.requires if dep not in members]
            notes.append(f"meta-package: no module, names taken from its dependencies {members} (ignored {ignored})")
        elif not r.analysis.import_names:
            notes.append("wheel provides no import name")
        if r.required_by:
            notes.append(f"processed as a dependency of {r.required_by}")
        for note in notes:
            print(f"  {r.canonical}: {note}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n", 1)[0])
    parser.add_argument("--sources", type=Path, default=DEFAULT_SOURCES)
    parser.add_argument("--overrides", type=Path, default=DEFAULT_OVERRIDES)
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--requires-output", type=Path, default=DEFAULT_REQUIRES_OUTPUT)
    parser.add_argument("--cache-dir", type=Path, default=DEFAULT_CACHE, help=f"wheel cache (default {DEFAULT_CACHE})")
    parser.add_argument("--jobs", type=int, default=8, help="parallel pip downloads (default 8)")
    parser.add_argument("--refresh", action="store_true", help="ask pip for the newest wheels even when cached")
    parser.add_argument("--max-wheel-mb", type=float, default=60.0, help="report wheels bigger than this")
    parser.add_argument("--report", type=Path, help="also write a JSON report of every distribution processed")
    parser.add_argument("--dist", action="append", default=[], help="process only this distribution (no output)")
    parser.add_argument("--inspect", nargs="+", type=Path, help="print the import names of local wheel files")
    parser.add_argument("--json-api", default=DEFAULT_JSON_API, help=f"index JSON API (default {DEFAULT_JSON_API})")
    parser.add_argument(
        "--requires-only",
        action="store_true",
        help="leave --output alone and write only --requires-output, reading each wheel's METADATA in place on "
        "the index (no wheel is downloaded)",
    )
    args = parser.parse_args(argv)

    if args.inspect:
        for wheel in args.inspect:
            dist = canonicalize(wheel.name.split("-", 1)[0])
            report = {"wheel": wheel.name, "distribution": dist, **asdict(analyze_wheel(wheel, dist))}
            print(json.dumps(report, indent=1))
        return 0

    entries = read_sources(args.sources)
    args.cache_dir.mkdir(parents=True, exist_ok=True)
    remote = RemoteRequirements(args.json_api, args.cache_dir.resolve(), args.refresh)
    if args.requires_only:
        return refresh_requirements_only(entries, args.requires_output, args.jobs, remote)
    overrides = read_overrides(args.overrides)
    if args.dist:
        wanted = {canonicalize(d) for d in args.dist}
        known = {canonicalize(e.name) for e in entries}
        entries = [e for e in entries if canonicalize(e.name) in wanted]
        entries += [SourceEntry(name=d) for d in args.dist if canonicalize(d) not in known]
    print(f"processing {len(entries)} distributions with {args.jobs} workers, cache {args.cache_dir}", file=sys.stderr)
    results = run_all(entries, args.cache_dir.resolve(), args.refresh, args.jobs, remote)

    if args.dist:
        for r in results:
            print(json.dumps(asdict(r), indent=1))
        return 0

    missing = [r.canonical for r in results if r.status == "manual" and r.canonical not in overrides]
    if missing:
        print(f"error: manual distributions without an override: {missing}", file=sys.stderr)
        return 1
    mapping = merge(results, overrides)
    print_summary(results, mapping, args.max_wheel_mb)
    wrong = {d: sorted(want - set(mapping.get(d, []))) for d, want in SPOT_CHECKS.items()}
    wrong = {d: missing for d, missing in wrong.items() if missing}
    if wrong:
        print(f"error: spot checks failed, missing import names: {wrong}", file=sys.stderr)
        return 1
    date = datetime.datetime.now(datetime.timezone.utc).date().isoformat()
    document = build_output(mapping, len(results), date)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(document, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    kept = document["distributions"]
    assert isinstance(kept, dict)
    print(f"wrote {args.output} ({args.output.stat().st_size} bytes, {len(kept)} distributions)")
    write_requires(args.requires_output, requirements_table(results, args.jobs, remote), date, "")
    if args.report:
        args.report.write_text(json.dumps([asdict(r) for r in results], indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
