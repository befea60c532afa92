"""Reproduce the performance figures side by side with rsconnect-python and md5sum.

One run builds synthetic git repositories in a temporary directory, times manifest-guard on them,
times the baselines on the same bytes, and prints a markdown table (stdout, ready to paste into
the README) followed by the performance targets with PASS/MISS.  Progress goes to stderr.

Scenarios (``--only NAME``, repeatable):

* ``startup``  -- ``manifest-guard --version`` next to ``python -c pass`` (interpreter start-up).
* ``flask``    -- a 3-file Flask app (app.py, requirements.txt, .python-version).
* ``files``    -- a 10,000-file app: app.py, requirements.txt and small text files (100-500 bytes)
  spread over 100 directories (``--files``).
* ``big``      -- a 1 GiB app: app.py, requirements.txt and 16 files of random bytes (``--size-mb``).
* ``monorepo`` -- 200 small apps (``--apps``), apps/appNNN with 3-5 files and a manifest each.
* ``bigreq``   -- a Flask app whose requirements.txt is 50 MB of pinned lines (``--requirements-mb``):
  over the size limit, so one MG302 instead of a parse; checked after an edit to it and to app.py.
* ``rscignore`` -- a 1,000-file app with a 100,000-line ``.rscignore`` (``--rscignore-lines``).
* ``rshiny``   -- an R Shiny app: app.R, 1,000 files under R/ (``--r-modules``), www/ assets and an
  renv.lock of 150 packages, with the manifest R rsconnect would write; checked first, unchanged,
  after a staged edit of one R file, by the hook, and after a staged renv.lock edit.

Each app lives in ``<repo>/app`` (the monorepo in ``<repo>/apps``) so that ``.git`` is never part
of the bytes md5sum reads.  Manifests are written with ``manifest-guard write`` and committed.

What is measured, per app scenario:

* ``write``: ``manifest-guard write -o api APP`` with the Python version, pip version and locale
  pinned on the command line (no interpreter probing) next to ``rsconnect write-manifest api APP
  --overwrite`` (which always inspects the interpreter in a subprocess).  The ``flask`` scenario
  also times ``manifest-guard write`` without the pins, for a like-for-like comparison.
* ``check --source index``: the first run after the commit (one sample by nature: a cache may
  exist later), the second and later runs on the unchanged repository, and a run after one file
  was modified and staged (a fresh edit before every sample, untimed).  The first run is shown
  next to ``md5sum`` over every file of the app.
* ``check --hook`` after a fresh staged edit.
* monorepo: ``check`` of every app (first, unchanged, and after a fresh staged edit in one app before
  every sample, so the changed app is never answered from the result cache) and ``check --hook`` after
  staging an edit in one app.

Timing: wall time with ``time.perf_counter`` around spawn and reap, best of ``--runs`` samples
(default 3; start-up rows take at least 5 because they are cheap and noisy).  Peak memory: each
child is reaped with ``os.wait4``, whose rusage ``ru_maxrss`` (KiB on Linux) is the largest
resident set of the child or of any descendant it waited for (git, the rsconnect environment
probe, md5sum), exact per command; the table shows the largest over the samples, in MB (10^6
bytes, the unit of the targets).  The page cache cannot be dropped without root, so every run is
warm-cache: the files were just written and the baseline reads them before the first check.

Exit codes 0 and 1 (findings) are accepted from ``check``; anything else is shown as an error and
makes this script exit 1.  Missed targets do not change the exit code.

Usage (from the repository root, with the dev virtualenv; the manifest-guard and rsconnect
executables next to ``sys.executable`` are used, rsconnect columns read "n/a" if it is absent)::

    .venv/bin/python benchmarks/run.py --quick           # smoke run, about a minute
    .venv/bin/python benchmarks/run.py --json bench.json # full run, needs ~2.2 GB in TMPDIR
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

BIN = Path(sys.executable).parent
MANIFEST_GUARD = BIN / "manifest-guard"
RSCONNECT = BIN / "rsconnect"
PINNED = ["--python-version", "3.11.4", "--pip-version", "24.0", "--locale", "en_US.UTF-8"]
SCENARIOS = ("startup", "flask", "files", "big", "monorepo", "bigreq", "rscignore", "rshiny")
BIG_INPUT_LIMITS = (2.0, 200.0)  # seconds and MB for the bigreq and rscignore checks
MB = 1_000_000
MIB = 1024 * 1024
CHECK_OK = (0, 1)
APP_PY = "from flask import Flask\n\napp = Flask(__name__)\n\n\n@app.get('/')\ndef index() -> str:\n    return 'hi'\n"
REQUIREMENTS = "flask==3.0.0\n"


# --------------------------------------------------------------------------- measuring


@dataclass(frozen=True)
class Sample:
    """One timed run of a command."""

    seconds: float
    max_rss_kib: int
    returncode: int
    cpu_seconds: float = 0.0  # user + system time of the child and its waited-for descendants


@dataclass
class Measurement:
    """Every sample of one command, so the JSON keeps the spread and not only the best."""

    label: str
    command: list[str]
    samples: list[Sample] = field(default_factory=list)
    error: str = ""

    @property
    def best(self) -> float:
        """Best wall time: the least disturbed run is the most reproducible figure."""
        return min(s.seconds for s in self.samples)

    @property
    def best_cpu(self) -> float:
        """Least CPU time: on a shared machine wall time measures the neighbours too."""
        return min(s.cpu_seconds for s in self.samples)

    @property
    def peak_mb(self) -> float:
        """Largest peak RSS over all samples: memory targets are about the worst case."""
        return max(s.max_rss_kib for s in self.samples) * 1024 / MB


@dataclass
class Row:
    """One table line: a manifest-guard figure and, optionally, the baseline it is compared with."""

    scenario: str
    what: str
    mg: Measurement | None
    baseline_name: str = ""
    baseline: Measurement | None = None


def child_env() -> dict[str, str]:
    """Environment for every child: no colour, no user or system git config (hooks, gc, signing)."""
    env = dict(os.environ)
    env.update({"NO_COLOR": "1", "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull, "LC_ALL": "C.UTF-8"})
    env.pop("FORCE_COLOR", None)
    # As installed for users, bytecode is cached: a machine-wide PYTHONDONTWRITEBYTECODE would make every
    # sample recompile every module (~55 ms) and measure the setting, not the tool (the warm-up writes it).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


ENV = child_env()


def run_once(cmd: Sequence[str], cwd: Path) -> tuple[Sample, str]:
    """Run cmd once; os.wait4 gives this child's own rusage, unlike RUSAGE_CHILDREN deltas."""
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        proc = subprocess.Popen(
            list(cmd), cwd=cwd, env=ENV, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT
        )
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here: Popen must not wait again
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
    return Sample(elapsed, int(usage.ru_maxrss), proc.returncode, usage.ru_utime + usage.ru_stime), text


def measure(
    label: str,
    cmd: Sequence[str],
    cwd: Path,
    runs: int,
    ok: Sequence[int] = (0,),
    prepare: Callable[[], None] | None = None,
) -> Measurement:
    """Time cmd `runs` times; prepare (untimed) runs before each sample, e.g. a fresh staged edit."""
    log(f"  {label}: {' '.join(cmd)}")
    m = Measurement(label, [str(c) for c in cmd])
    for _ in range(runs):
        if prepare is not None:
            prepare()
        sample, text = run_once(cmd, cwd)
        m.samples.append(sample)
        if sample.returncode not in ok:
            m.error = f"exit {sample.returncode}"
            log(f"    ERROR exit {sample.returncode}; output tail:\n{text[-2000:]}")
            break
    return m


def log(message: str) -> None:
    """Progress on stderr so stdout stays a clean markdown table."""
    print(message, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- building repositories


def git(repo: Path, *args: str) -> None:
    """Run a git command for setup (untimed); failures abort: the figures would be meaningless."""
    subprocess.run(["git", *args], cwd=repo, env=ENV, check=True, stdout=subprocess.DEVNULL)


def init_repo(repo: Path) -> None:
    """A local-only repository: no gc or maintenance in the background during timings, no signing.

    core.compression 0 keeps `git add` of a gigabyte of random bytes from spending a minute in zlib.
    """
    repo.mkdir(parents=True)
    git(repo, "init", "-q", "-b", "main")
    for key, value in (
        ("user.name", "bench"),
        ("user.email", "bench@example.invalid"),
        ("commit.gpgsign", "false"),
        ("gc.auto", "0"),
        ("maintenance.auto", "false"),
        ("core.compression", "0"),
    ):
        git(repo, "config", key, value)


def commit_all(repo: Path) -> None:
    """One `git add -A` and one commit: fast even for 10,000 files."""
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "synthetic app")


def write_flask_app(app: Path, python_version: bool = True) -> None:
    """The minimal API app every scenario starts from."""
    app.mkdir(parents=True, exist_ok=True)
    (app / "app.py").write_text(APP_PY)
    (app / "requirements.txt").write_text(REQUIREMENTS)
    if python_version:
        (app / ".python-version").write_text("3.11\n")


def write_many_files(app: Path, total: int) -> None:
    """app.py + requirements.txt + total-2 text files of 100-500 bytes in 100 directories."""
    write_flask_app(app, python_version=False)
    rng = random.Random(6)
    line = b"lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor\n"
    for i in range(total - 2):
        directory = app / "data" / f"d{i % 100:02d}"
        if i < 100:
            directory.mkdir(parents=True)
        size = rng.randint(100, 500)
        body = f"{i}\n".encode() + line * (size // len(line) + 1)
        (directory / f"f{i:05d}.txt").write_bytes(body[:size])


def write_big_files(app: Path, size_mb: int) -> None:
    """app.py + requirements.txt + up to 16 files of random bytes, written in 4 MiB chunks."""
    write_flask_app(app, python_version=False)
    count = max(1, min(16, size_mb))
    per_file = size_mb * MIB // count
    (app / "blobs").mkdir()
    for i in range(count):
        with open(app / "blobs" / f"blob{i:02d}.bin", "wb") as f:
            left = per_file
            while left:
                chunk = min(left, 4 * MIB)
                f.write(os.urandom(chunk))
                left -= chunk


def write_monorepo(repo: Path, apps: int) -> list[Path]:
    """apps/appNNN with 3-5 files each (README.md and static/style.css on some)."""
    dirs = []
    for i in range(apps):
        app = repo / "apps" / f"app{i:03d}"
        write_flask_app(app)
        if i % 3 >= 1:
            (app / "README.md").write_text(f"# App {i}\n")
        if i % 3 == 2:
            (app / "static").mkdir()
            (app / "static" / "style.css").write_text("body { margin: 0; }\n")
        dirs.append(app)
    return dirs


def write_big_requirements(app: Path, size_mb: int) -> None:
    """The Flask app with a requirements.txt of pinned lines (a comment on each, like pip-compile) of size_mb MB."""
    write_flask_app(app)
    line_count = size_mb * MB // 45
    with open(app / "requirements.txt", "w") as f:
        f.write(REQUIREMENTS)
        for i in range(line_count):
            f.write(f"package-number-{i:07d}==1.{i % 100}.0  # via app\n")


def write_rscignore_app(app: Path, lines: int) -> None:
    """1,000 small files and a .rscignore of `lines` patterns: file names, and extensions every third line."""
    write_many_files(app, 1000)
    patterns = (f"data/d{i % 100:02d}/generated_{i}.csv" if i % 3 else f"*.tmp{i}" for i in range(lines))
    (app / ".rscignore").write_text("\n".join(patterns) + "\n")


def write_r_shiny_app(app: Path, modules: int, packages: int) -> None:
    """An R Shiny app as R rsconnect writes it: app.R, `modules` files under R/, www/ assets, an renv.lock
    of `packages` packages, and a manifest whose files and packages agree with them (``write`` does not
    write R content, so the manifest is built here, packages converted as rsconnect-python does)."""
    import hashlib

    from manifest_guard.engine.r_packages import convert_lockfile

    (app / "R").mkdir(parents=True)
    (app / "www").mkdir()
    (app / "app.R").write_text(
        'library(shiny)\nui <- fluidPage(textOutput("t"))\nshinyApp(ui, function(input, output) {})\n'
    )
    for i in range(modules):
        (app / "R" / f"mod{i:04d}.R").write_text(f"mod{i} <- function(x) {{\n  x + {i}\n}}\n" * 8)
    for name in ("style.css", "app.js"):
        (app / "www" / name).write_text("/* asset */\n" * 50)
    repositories = [{"Name": "CRAN", "URL": "https://packagemanager.posit.co/cran/latest"}]
    names = [f"pkg{i:03d}" for i in range(packages)]
    lock = {
        "R": {"Version": "4.3.2", "Repositories": repositories},
        "Packages": {
            name: {"Package": name, "Version": f"1.{i}.0", "Source": "Repository", "Repository": "CRAN",
                   "Requirements": names[max(0, i - 3):i]}
            for i, name in enumerate(names)
        },
    }  # fmt: skip
    (app / "renv.lock").write_text(json.dumps(lock, indent=2) + "\n")
    files = sorted(str(path.relative_to(app)) for path in app.rglob("*") if path.is_file())
    manifest = {
        "version": 1,
        "locale": "en_US",
        "platform": "4.3.2",
        "metadata": {"appmode": "shiny", "primary_rmd": None, "primary_html": None, "content_category": None,
                     "has_parameters": False},
        "packages": convert_lockfile(lock).packages,
        "files": {name: {"checksum": hashlib.md5((app / name).read_bytes()).hexdigest()} for name in files},
        "users": None,
    }  # fmt: skip
    (app / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")


def r_shiny_scenario(repo: Path, modules: int, packages: int, runs: int) -> list[Row]:
    """R content: the R bundle rules walk the app, renv.lock is compared with ``packages``."""
    title = f"R Shiny, {modules + 5:,} files, {packages} packages"
    log(f"{title}: building {repo}")
    init_repo(repo)
    app = repo / "app"
    write_r_shiny_app(app, modules, packages)
    commit_all(repo)
    rows = check_rows(title, app, repo, app / "R" / f"mod{modules // 2:04d}.R", runs)
    lock = Editor(repo, app / "renv.lock")  # appends a line: renv.lock changes and stops parsing, MG310
    changed = measure("check, renv.lock changed", check_cmd("--source", "index"), repo, runs, CHECK_OK, lock)
    return [*rows, Row(title, "check, renv.lock changed (staged)", changed)]


def mg_write(app: Path, cwd: Path) -> list[str]:
    """manifest-guard write with everything rsconnect would probe pinned on the command line."""
    return [str(MANIFEST_GUARD), "write", "-o", *PINNED, "api", str(app.relative_to(cwd))]


def write_manifests(repo: Path, apps: list[Path]) -> None:
    """Write the monorepo's manifests on every core: 200 sequential starts would dominate the build."""

    def one(app: Path) -> None:
        subprocess.run(mg_write(app, repo), cwd=repo, env=ENV, check=True, stdout=subprocess.DEVNULL)

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        list(pool.map(one, apps))


class Editor:
    """Appends a distinct line to one file and stages it, so every sample sees a new change."""

    def __init__(self, repo: Path, path: Path) -> None:
        self.repo, self.path, self.count = repo, path, 0

    def __call__(self) -> None:
        self.count += 1
        with open(self.path, "a") as f:
            f.write(f"# edit {self.count}\n")
        git(self.repo, "add", "--", str(self.path.relative_to(self.repo)))


# --------------------------------------------------------------------------- scenarios


def md5sum_cmd(app: Path) -> list[str]:
    """The baseline: md5sum over every file of the app."""
    return ["sh", "-c", 'find "$1" -type f -print0 | xargs -0 md5sum > /dev/null', "sh", str(app)]


def check_cmd(*args: str) -> list[str]:
    """manifest-guard check on the index, in the repository's root."""
    return [str(MANIFEST_GUARD), "check", *args]


def startup_rows(runs: int, root: Path) -> list[Row]:
    """Interpreter start-up is the floor under every manifest-guard figure."""
    runs = max(runs, 5)
    mg = measure("--version", [str(MANIFEST_GUARD), "--version"], root, runs)
    py = measure("python -c pass", [sys.executable, "-c", "pass"], root, runs)
    return [Row("start-up", "`manifest-guard --version`", mg, "`python -c pass`", py)]


def write_rows(title: str, app: Path, repo: Path, runs: int, unpinned: bool) -> list[Row]:
    """manifest-guard write next to rsconnect write-manifest on the same directory."""
    rows = []
    base: Measurement | None = None
    if RSCONNECT.exists():
        base = measure(
            "rsconnect write-manifest",
            [
                str(RSCONNECT),
                "write-manifest",
                "api",
                "--overwrite",
                "--python",
                sys.executable,
                str(app.relative_to(repo)),
            ],
            repo,
            runs,
        )
    if unpinned:
        cmd = [str(MANIFEST_GUARD), "write", "-o", "api", str(app.relative_to(repo))]
        rows.append(
            Row(
                title,
                "write (probes the interpreter)",
                measure("write, probing", cmd, repo, runs),
                "`rsconnect write-manifest api`",
                base,
            )
        )
    mg = measure("write, pinned", mg_write(app, repo), repo, runs)  # last: the committed manifest is ours
    rows.append(Row(title, "write (version, pip, locale pinned)", mg, "`rsconnect write-manifest api`", base))
    return rows


def check_rows(title: str, app: Path, repo: Path, edit: Path, runs: int) -> list[Row]:
    """First, unchanged and one-changed-file checks of a committed app, plus the hook."""
    md5 = measure("md5sum", md5sum_cmd(app), repo, runs)  # also warms the page cache for the first check
    first = measure("check, first run", check_cmd("--source", "index"), repo, 1, CHECK_OK)
    again = measure("check, unchanged", check_cmd("--source", "index"), repo, runs, CHECK_OK)
    editor = Editor(repo, edit)
    changed = measure("check, one changed file", check_cmd("--source", "index"), repo, runs, CHECK_OK, editor)
    hook = measure("check --hook, one changed file", check_cmd("--hook"), repo, runs, CHECK_OK, editor)
    where = edit.relative_to(app)
    return [
        Row(title, "check, first run (1 sample)", first, "md5sum of all app files", md5),
        Row(title, "check, second run (unchanged)", again),
        Row(title, f"check, one changed file ({where}, staged)", changed),
        Row(title, f"check --hook, one changed file ({where}, staged)", hook),
    ]


def app_scenario(
    title: str, repo: Path, build: Callable[[Path], None], edit: str, runs: int, unpinned: bool = False
) -> list[Row]:
    """Build, time the writes before committing (they rewrite manifest.json), commit, time checks."""
    log(f"{title}: building {repo}")
    init_repo(repo)
    app = repo / "app"
    started = time.perf_counter()
    build(app)
    log(f"  files written in {time.perf_counter() - started:.1f} s")
    rows = write_rows(title, app, repo, runs, unpinned)
    started = time.perf_counter()
    commit_all(repo)
    log(f"  committed in {time.perf_counter() - started:.1f} s")
    return rows + check_rows(title, app, repo, app / edit, runs)


def monorepo_scenario(repo: Path, apps: int, runs: int) -> list[Row]:
    """A hook run in a big monorepo should cost one app, not all of them."""
    title = f"monorepo, {apps} apps"
    log(f"{title}: building {repo}")
    init_repo(repo)
    started = time.perf_counter()
    dirs = write_monorepo(repo, apps)
    write_manifests(repo, dirs)
    commit_all(repo)
    log(f"  built and committed in {time.perf_counter() - started:.1f} s")
    touched = dirs[min(7, len(dirs) - 1)]
    editor = Editor(repo, touched / "app.py")
    first = measure("check all, first run", check_cmd("--source", "index"), repo, 1, CHECK_OK)
    again = measure("check all, unchanged", check_cmd("--source", "index"), repo, runs, CHECK_OK)
    hook = measure("hook, one app changed", check_cmd("--hook"), repo, runs, CHECK_OK, editor)
    changed = measure("check all, one app changed", check_cmd("--source", "index"), repo, runs, CHECK_OK, editor)
    name = touched.relative_to(repo)
    return [
        Row(title, f"check all {apps}, first run (1 sample)", first),
        Row(title, f"check all {apps}, second run (unchanged)", again),
        Row(title, f"check --hook, app.py of {name} changed and staged", hook),
        Row(title, f"check all {apps}, {name} changed", changed),
    ]


def big_input_scenario(title: str, repo: Path, build: Callable[[Path], None], edits: list[str], runs: int) -> list[Row]:
    """A pinned write, then a check after a staged edit of each file in `edits` (first run included)."""
    log(f"{title}: building {repo}")
    init_repo(repo)
    app = repo / "app"
    build(app)
    rows = [Row(title, "write (version, pip, locale pinned)", measure("write, pinned", mg_write(app, repo), repo, 1))]
    commit_all(repo)
    rows.append(Row(title, "check, first run (1 sample)", measure("check, first run", check_cmd(), repo, 1, CHECK_OK)))
    for edit in edits:
        editor = Editor(repo, app / edit)
        measured = measure(f"check, {edit} changed", check_cmd(), repo, runs, CHECK_OK, editor)
        rows.append(Row(title, f"check, one changed file ({edit}, staged)", measured))
    return rows


# --------------------------------------------------------------------------- reporting


def fmt_time(m: Measurement | None) -> str:
    """Milliseconds below a second, seconds above; errors and absent tools are spelled out."""
    if m is None:
        return "n/a"
    if m.error and not m.samples:
        return f"error ({m.error})"
    text = f"{m.best * 1000:.0f} ms" if m.best < 1 else f"{m.best:.2f} s"
    return f"{text} (error: {m.error})" if m.error else text


def fmt_mem(m: Measurement | None) -> str:
    """Peak RSS in MB, or n/a."""
    return "n/a" if m is None or not m.samples else f"{m.peak_mb:.0f} MB"


def fmt_exit(m: Measurement | None) -> str:
    """Exit codes seen, so a clean run (0) and a run with findings (1) are told apart."""
    return "" if m is None else ",".join(str(c) for c in sorted({s.returncode for s in m.samples}))


def fmt_ratio(mg: Measurement | None, base: Measurement | None) -> str:
    """mg / baseline: below 1 means manifest-guard is faster."""
    if mg is None or base is None or not mg.samples or not base.samples:
        return "n/a" if mg is not None and mg.samples else ""
    return f"{mg.best / base.best:.2f}x"


def table(rows: list[Row], runs: int) -> str:
    """The main markdown table, one line per figure."""
    lines = [
        f"| Scenario | manifest-guard (best of {runs}) | exit | time | peak RSS | baseline | time | peak RSS | ratio |",
        "|---|---|---|---:|---:|---|---:|---:|---:|",
    ]
    for r in rows:
        has_base = bool(r.baseline_name)
        lines.append(
            "| "
            + " | ".join(
                [
                    r.scenario,
                    r.what,
                    fmt_exit(r.mg),
                    fmt_time(r.mg),
                    fmt_mem(r.mg),
                    r.baseline_name,
                    fmt_time(r.baseline) if has_base else "",
                    fmt_mem(r.baseline) if has_base else "",
                    fmt_ratio(r.mg, r.baseline) if has_base else "",
                ]
            )
            + " |"
        )
    return "\n".join(lines)


def find(rows: list[Row], scenario_prefix: str, what_prefix: str) -> Row | None:
    """The row a target is judged on, if that scenario ran."""
    for r in rows:
        if r.scenario.startswith(scenario_prefix) and r.what.startswith(what_prefix):
            return r
    return None


def verdict(ok: bool) -> str:
    """PASS/MISS in one place."""
    return "PASS" if ok else "MISS"


def time_target(row: Row | None, limit: float, scaled: str) -> tuple[str, str]:
    """Measured value and result of an absolute wall-time target."""
    if row is None or row.mg is None:
        return "not run", ""
    if row.mg.error or not row.mg.samples:
        return fmt_time(row.mg), "ERROR"
    return fmt_time(row.mg) + scaled, verdict(row.mg.best < limit)


def targets(rows: list[Row], files: int, size_mb: int) -> str:
    """The performance targets next to the figures they are judged on."""
    files_title, big_title = f"{files:,} files", f"{size_mb:,} MiB"
    files_scaled = "" if files == 10_000 else f" (scaled: {files_title})"
    big_scaled = "" if size_mb == 1024 else f" (scaled: {big_title})"
    out = [
        ("`manifest-guard --version` < 60 ms", *time_target(find(rows, "start-up", "`manifest"), 0.060, "")),
        (
            "check of an unchanged 10,000-file app, second run < 0.25 s",
            *time_target(find(rows, files_title, "check, second"), 0.25, files_scaled),
        ),
        (
            "check, one changed file in that app < 0.3 s",
            *time_target(find(rows, files_title, "check, one changed"), 0.30, files_scaled),
        ),
    ]
    big = find(rows, big_title, "check, first")
    if big is None or big.mg is None or big.baseline is None:
        out.append(("first check of a 1 GB app within 1.1x of md5sum", "not run", ""))
    elif big.mg.error or not big.mg.samples or not big.baseline.samples:
        out.append(("first check of a 1 GB app within 1.1x of md5sum", fmt_time(big.mg), "ERROR"))
    else:
        ratio = big.mg.best / big.baseline.best
        value = f"{ratio:.2f}x ({fmt_time(big.mg)} vs {fmt_time(big.baseline)}){big_scaled}"
        out.append(("first check of a 1 GB app within 1.1x of md5sum", value, verdict(ratio <= 1.1)))
    for title, what in ((BIGREQ_TITLE, "50 MB requirements file"), (RSCIGNORE_TITLE, "100,000-line .rscignore")):
        out.append(big_input_target(rows, title, what))
    measured = [
        (r.mg.peak_mb, f"{r.scenario}: {r.what}")
        for r in rows
        if r.mg is not None and r.mg.samples and not r.scenario.startswith(("start-up", BIGREQ_TITLE, RSCIGNORE_TITLE))
    ]
    if measured:
        peak, where = max(measured)
        out.append(
            (
                "peak memory < 100 MB (largest over every write/check above)",
                f"{peak:.0f} MB ({where})",
                verdict(peak < 100),
            )
        )
    else:
        out.append(("peak memory < 100 MB", "not run", ""))
    lines = ["| target | measured | result |", "|---|---|---|"]
    lines += [f"| {t} | {v} | {r} |" for t, v, r in out]
    return "\n".join(lines)


BIGREQ_TITLE = "big requirements.txt"
RSCIGNORE_TITLE = "big .rscignore"


def big_input_target(rows: list[Row], title: str, what: str) -> tuple[str, str, str]:
    """Every check of a big-input scenario under 2 s and 200 MB: the slowest and the largest are shown."""
    target = f"check with a {what} < {BIG_INPUT_LIMITS[0]:.0f} s, peak < {BIG_INPUT_LIMITS[1]:.0f} MB"
    checks = [r.mg for r in rows if r.scenario.startswith(title) and r.what.startswith("check") and r.mg is not None]
    if not checks:
        return target, "not run", ""
    if any(m.error or not m.samples for m in checks):
        return target, "error", "ERROR"
    slowest = max(checks, key=lambda m: m.best)
    largest = max(m.peak_mb for m in checks)
    ok = slowest.best < BIG_INPUT_LIMITS[0] and largest < BIG_INPUT_LIMITS[1]
    cpu = max(m.best_cpu for m in checks)
    return target, f"{fmt_time(slowest)} (CPU {cpu:.2f} s), {largest:.0f} MB", verdict(ok)


def tool_version(cmd: Sequence[str]) -> str:
    """First line of a tool's version output, for the record."""
    try:
        done = subprocess.run(list(cmd), env=ENV, capture_output=True, text=True, timeout=60)
    except OSError:
        return "absent"
    return (done.stdout or done.stderr).strip().splitlines()[0] if (done.stdout or done.stderr).strip() else "?"


def environment() -> dict[str, str]:
    """What the figures were taken on, printed above the table and kept in the JSON."""
    here = Path(__file__).resolve().parent.parent
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=here, capture_output=True, text=True)
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"], cwd=here, capture_output=True, text=True
    )
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": str(os.cpu_count()),
        "manifest-guard": tool_version([str(MANIFEST_GUARD), "--version"]),
        "manifest-guard commit": head.stdout.strip() + (" + uncommitted changes" if dirty.stdout.strip() else ""),
        "rsconnect": tool_version([str(RSCONNECT), "version"]) if RSCONNECT.exists() else "absent",
        "git": tool_version(["git", "--version"]),
        "load average": f"{os.getloadavg()[0]:.1f}",
    }


# --------------------------------------------------------------------------- driver


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Options; --quick fills in only what was not given explicitly."""
    p = argparse.ArgumentParser(
        description="Time manifest-guard against rsconnect write-manifest and md5sum "
        "(the performance targets) and print a markdown table."
    )
    p.add_argument("--quick", action="store_true", help="smoke run: 64 MiB, 2,000 files, 40 apps, 1 run")
    p.add_argument("--runs", type=int, help="samples per figure, best is shown (default 3)")
    p.add_argument("--size-mb", type=int, help="size of the big app in MiB (default 1024)")
    p.add_argument("--files", type=int, help="files in the many-files app (default 10000)")
    p.add_argument("--apps", type=int, help="apps in the monorepo (default 200)")
    p.add_argument("--requirements-mb", type=int, default=50, help="size of the bigreq requirements.txt in MB")
    p.add_argument("--rscignore-lines", type=int, default=100_000, help="lines of the rscignore scenario's .rscignore")
    p.add_argument("--r-modules", type=int, default=1000, help="R files under R/ in the rshiny scenario")
    p.add_argument("--only", action="append", choices=SCENARIOS, help="run only this scenario (repeatable)")
    p.add_argument("--json", type=Path, metavar="PATH", help="also save the raw samples as JSON")
    p.add_argument("--keep", action="store_true", help="keep the temporary directory")
    p.add_argument("--tmpdir", type=Path, help="where to build the repositories (default: TMPDIR)")
    args = p.parse_args(argv)
    quick = {"runs": 1, "size_mb": 64, "files": 2000, "apps": 40}
    full = {"runs": 3, "size_mb": 1024, "files": 10_000, "apps": 200}
    for key, value in (quick if args.quick else full).items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    if args.runs < 1 or args.size_mb < 1 or args.files < 3 or args.apps < 1:
        p.error("--runs, --size-mb and --apps must be positive, --files at least 3")
    return args


def check_disk(root: Path, size_mb: int) -> str:
    """The big app needs its bytes twice (work tree + git objects) plus slack."""
    need = int(size_mb * MIB * 2.2)
    free = shutil.disk_usage(root).free
    if free < need:
        return f"{root}: {free / MB:,.0f} MB free, the {size_mb} MiB app needs about {need / MB:,.0f} MB; use --size-mb"
    return ""


def run_scenarios(args: argparse.Namespace, root: Path) -> list[Row]:
    """Every selected scenario in a fixed order (start-up first: nothing else running yet)."""
    only = set(args.only or SCENARIOS)
    rows: list[Row] = []
    # Warm-up: compile bytecode and load the interpreters into the page cache before anything is timed.
    warm = root / "warm-up"
    init_repo(warm)
    write_flask_app(warm / "app")
    subprocess.run(mg_write(warm / "app", warm), cwd=warm, env=ENV, check=True, stdout=subprocess.DEVNULL)
    commit_all(warm)
    run_once(check_cmd("--source", "index"), warm)
    if RSCONNECT.exists():
        run_once([str(RSCONNECT), "write-manifest", "api", "--overwrite", "app"], warm)
    if "startup" in only:
        rows += startup_rows(args.runs, root)
    if "flask" in only:
        rows += app_scenario("Flask, 3 files", root / "flask", write_flask_app, "app.py", args.runs, unpinned=True)
    if "files" in only:

        def many(app: Path) -> None:
            write_many_files(app, args.files)

        rows += app_scenario(f"{args.files:,} files", root / "files", many, "data/d42/f00042.txt", args.runs)
    if "big" in only:

        def big(app: Path) -> None:
            write_big_files(app, args.size_mb)

        rows += app_scenario(f"{args.size_mb:,} MiB", root / "big", big, "app.py", args.runs)
        shutil.rmtree(root / "big")  # free the disk before the next scenario
    if "monorepo" in only:
        rows += monorepo_scenario(root / "monorepo", args.apps, args.runs)
    if "bigreq" in only:

        def bigreq(app: Path) -> None:
            write_big_requirements(app, args.requirements_mb)

        title = f"{BIGREQ_TITLE}, {args.requirements_mb} MB"
        rows += big_input_scenario(title, root / "bigreq", bigreq, ["requirements.txt", "app.py"], args.runs)
    if "rscignore" in only:

        def rscignore(app: Path) -> None:
            write_rscignore_app(app, args.rscignore_lines)

        title = f"{RSCIGNORE_TITLE}, {args.rscignore_lines:,} lines"
        rows += big_input_scenario(title, root / "rscignore", rscignore, ["app.py", "data/d42/f00042.txt"], args.runs)
    if "rshiny" in only:
        rows += r_shiny_scenario(root / "rshiny", args.r_modules, 150, args.runs)
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    """Build, measure, print; exit 1 if a command failed (a missed target is not a failure)."""
    args = parse_args(argv)
    if not MANIFEST_GUARD.exists():
        log(f"{MANIFEST_GUARD} not found: run this script with the Python of a virtualenv that has manifest-guard")
        return 2
    root = Path(tempfile.mkdtemp(prefix="mg-bench-", dir=args.tmpdir))
    if "big" in (args.only or SCENARIOS) and (problem := check_disk(root, args.size_mb)):
        log(problem)
        shutil.rmtree(root)
        return 2
    env = environment()
    log(f"building in {root}")
    started = time.perf_counter()
    try:
        rows = run_scenarios(args, root)
    finally:
        if args.keep:
            log(f"kept {root} (the big app is always removed after its scenario)")
        else:
            shutil.rmtree(root, ignore_errors=True)
    log(f"total {time.perf_counter() - started:.0f} s")
    print(
        f"manifest-guard benchmarks: {env['manifest-guard']} ({env['manifest-guard commit']}), "
        f"{env['rsconnect']}, {env['git']}, Python {env['python']}, {env['cpus']} CPUs "
        f"(load average {env['load average']} at the start), {env['platform']}. "
        f"Wall time best of {args.runs} (start-up rows: best of {max(args.runs, 5)}); peak RSS from os.wait4, "
        "largest over the samples, child and waited-for descendants. All runs warm-cache. "
        "ratio = manifest-guard / baseline.\n"
    )
    print(table(rows, args.runs))
    print()
    print(targets(rows, args.files, args.size_mb))
    if args.json:
        options = {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()}
        raw = {"environment": env, "options": options, "rows": [asdict(r) for r in rows]}
        args.json.write_text(json.dumps(raw, indent=2) + "\n")
        log(f"raw samples saved to {args.json}")
    failed = [r for r in rows for m in (r.mg, r.baseline) if m is not None and m.error]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
