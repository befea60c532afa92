"""Score MG304 (missing-dependency), MG307 (transitive-dependency) and MG305 (unused-dependency) on a
hand-labelled corpus.

Every directory of ``tests/dependency_corpus/`` is one small, realistic app (Flask, FastAPI, Dash,
Streamlit, Shiny, Bokeh, Panel, Gradio, a WSGI API, notebooks, Voila) with its ``requirements.txt``
and an ``app.json`` holding the truth, judged by hand from which distribution really provides
which import name -- never from what the tool happens to say:

``mode``
    the ``manifest-guard write`` MODE.
``entrypoint`` (optional)
    passed as ``-e``; for ``notebook`` it is the notebook file, which is the write target.
``extra_files`` (optional)
    files of the app given to ``write`` as EXTRA_FILES (a notebook's helper module, its data).
``write_args`` (optional)
    further ``write`` options, e.g. ``["-m"]`` for a multi-notebook Voila app.
``missing``
    top-level import names (dotted below a namespace package: ``google.cloud.storage``) that the
    app imports as third-party code while no distribution declared in its requirements provides
    them.
``transitive`` (optional)
    import names the app imports while no declared distribution provides them, but a distribution
    that a declared one requires (on Linux, for the app's Python, with the extras asked for) does:
    ``pydantic`` with only ``fastapi`` declared. Judged from the distributions' own metadata.
``unused``
    PEP 503 names of declared distributions that nothing imports and that are not needed at run
    time (servers, database drivers named in URLs, pandas I/O engines, kernels... are needed).
``notes``
    why each label is what it is.

Each app is copied to a temporary ``app/`` directory, its manifest written with fixed machine
values, then ``check --select MG304,MG305,MG307 --output-format json app`` is run once; a
module-scoped fixture keeps the results. An MG304 or MG307 subject and a label match when they are
equal or one is a dotted prefix of the other (``google`` vs ``google.cloud.storage``). Over the whole
corpus: TP = labels reported, FN = labels not reported, FP = reported subjects matching no label;
precision = TP / (TP + FP), recall = TP / (TP + FN). MG304 and MG307 must reach 0.9 for both; MG305
is only reported. Run with ``-s`` to see the per-app table of disagreements.
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.inprocess import run_main

# one worker runs this file: its expensive module/session fixtures are then built once
pytestmark = pytest.mark.xdist_group("labelled-corpus")

CORPUS = Path(__file__).parent / "dependency_corpus"
APP = "app"
MIN_APPS = 25
MIN_PRECISION = 0.9
MIN_RECALL = 0.9

MODES = frozenset(
    {"flask", "fastapi", "dash", "streamlit", "bokeh", "panel", "gradio", "shiny", "notebook", "voila", "api"}
)
REQUIRED_KEYS = frozenset({"mode", "missing", "unused", "notes"})
OPTIONAL_KEYS = frozenset({"entrypoint", "extra_files", "write_args", "transitive"})
WRITE_MACHINE = ("--python-version", "3.11.4", "--pip-version", "24.0", "--locale", "en_US.UTF-8")
IMPORT_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")
COPY_IGNORE = shutil.ignore_patterns("app.json", "manifest.json", "__pycache__", "*.pyc")


def canonical(name: str) -> str:
    """PEP 503 normalisation of a distribution name."""
    return re.sub(r"[-_.]+", "-", name).lower()


# ---------------------------------------------------------------------------
# The corpus
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class LabelledApp:
    name: str
    directory: Path
    mode: str
    entrypoint: str | None
    extra_files: tuple[str, ...]
    write_args: tuple[str, ...]
    missing: frozenset[str]
    unused: frozenset[str]
    transitive: frozenset[str] = frozenset()


def app_directories() -> list[Path]:
    return sorted(path for path in CORPUS.iterdir() if path.is_dir() and not path.name.startswith((".", "_")))


def label_problems(directory: Path) -> list[str]:
    """Everything wrong with one app's ``app.json`` (empty when valid)."""
    try:
        data = json.loads((directory / "app.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return [f"app.json unreadable: {exc}"]
    if not isinstance(data, dict):
        return ["app.json is not an object"]
    problems = []
    keys = set(data)
    if REQUIRED_KEYS - keys:
        problems.append(f"missing keys {sorted(REQUIRED_KEYS - keys)}")
    if keys - REQUIRED_KEYS - OPTIONAL_KEYS:
        problems.append(f"unknown keys {sorted(keys - REQUIRED_KEYS - OPTIONAL_KEYS)}")
    if data.get("mode") not in MODES:
        problems.append(f"mode {data.get('mode')!r} is not one of {sorted(MODES)}")
    for key in ("missing", "unused", "extra_files", "write_args", "transitive"):
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(item, str) and item for item in value):
            problems.append(f"{key} must be a list of non-empty strings")
        elif len(set(value)) != len(value):
            problems.append(f"{key} repeats an entry")
    if not isinstance(data.get("notes"), str) or not data.get("notes", "").strip():
        problems.append("notes must explain the labels")
    entrypoint = data.get("entrypoint")
    if entrypoint is not None and (not isinstance(entrypoint, str) or not entrypoint):
        problems.append("entrypoint must be a non-empty string")
    if problems:
        return problems
    problems += [
        f"{key} label {name!r} is not an import name"
        for key in ("missing", "transitive")
        for name in data.get(key, [])
        if not IMPORT_NAME.match(name)
    ]
    problems += [f"unused label {name!r} is not canonical" for name in data["unused"] if canonical(name) != name]
    if data["mode"] == "notebook" and not (isinstance(entrypoint, str) and entrypoint.endswith(".ipynb")):
        problems.append("a notebook app needs its .ipynb as entrypoint")
    if data["mode"] in ("notebook", "voila") and entrypoint and not (directory / entrypoint).is_file():
        problems.append(f"entrypoint {entrypoint!r} does not exist")
    for relative in data.get("extra_files", []):
        if not (directory / relative).is_file():
            problems.append(f"extra file {relative!r} does not exist")
    if not (directory / "requirements.txt").is_file():
        problems.append("no requirements.txt")
    return problems


def load_app(directory: Path) -> LabelledApp:
    data = json.loads((directory / "app.json").read_text(encoding="utf-8"))
    return LabelledApp(
        name=directory.name,
        directory=directory,
        mode=data["mode"],
        entrypoint=data.get("entrypoint"),
        extra_files=tuple(data.get("extra_files", ())),
        write_args=tuple(data.get("write_args", ())),
        missing=frozenset(data["missing"]),
        unused=frozenset(data["unused"]),
        transitive=frozenset(data.get("transitive", ())),
    )


# ---------------------------------------------------------------------------
# Running the tool
# ---------------------------------------------------------------------------


@dataclass
class AppRun:
    """What the tool reported for one app; ``problems`` are failures of the harness itself."""

    app: LabelledApp
    missing: set[str] = field(default_factory=set)
    unused: set[str] = field(default_factory=set)
    transitive: set[str] = field(default_factory=set)
    problems: list[str] = field(default_factory=list)


def write_command(app: LabelledApp) -> list[str]:
    args = ["write", "-o", *WRITE_MACHINE, *app.write_args]
    if app.mode == "notebook":
        target = f"{APP}/{app.entrypoint}"
    else:
        if app.entrypoint:
            args += ["-e", app.entrypoint]
        target = f"{APP}/" if app.mode == "voila" else APP
    return [*args, app.mode, target, *(f"{APP}/{extra}" for extra in app.extra_files)]


def run_app(app: LabelledApp, workdir: Path) -> AppRun:
    run = AppRun(app)
    shutil.copytree(app.directory, workdir / APP, ignore=COPY_IGNORE)
    written = run_main(write_command(app), workdir)
    if written.code != 0:
        run.problems.append(f"write exited {written.code}: {written.stderr.strip()}")
        return run
    checked = run_main(["check", "--select", "MG304,MG305,MG307", "--output-format", "json", APP], workdir)
    try:
        report = json.loads(checked.stdout)
    except ValueError:
        run.problems.append(f"check exited {checked.code} without JSON: {checked.stderr.strip()}")
        return run
    if checked.code not in (0, 1):
        run.problems.append(f"check exited {checked.code}: {checked.stderr.strip()}")
    for error in report.get("errors", []):
        run.problems.append(f"check error: {error}")
    for finding in report.get("findings", []):
        if finding.get("code") == "MG304":
            run.missing.add(str(finding["subject"]))
        elif finding.get("code") == "MG305":
            run.unused.add(canonical(str(finding["subject"])))
        elif finding.get("code") == "MG307":
            run.transitive.add(str(finding["subject"]))
    return run


@pytest.fixture(scope="module")
def corpus_runs(tmp_path_factory: pytest.TempPathFactory) -> list[AppRun]:
    runs = []
    for directory in app_directories():
        if label_problems(directory):
            continue  # reported by test_corpus_is_well_formed
        runs.append(run_app(load_app(directory), tmp_path_factory.mktemp(directory.name)))
    return runs


# ---------------------------------------------------------------------------
# Scoring
# ---------------------------------------------------------------------------


def dotted_match(label: str, subject: str) -> bool:
    return label == subject or subject.startswith(label + ".") or label.startswith(subject + ".")


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    disagreements: dict[str, list[str]] = field(default_factory=dict)

    def add(self, app: str, labels: frozenset[str], reported: set[str], exact: bool) -> None:
        def same(label: str, subject: str) -> bool:
            return label == subject if exact else dotted_match(label, subject)

        found = {label for label in labels if any(same(label, subject) for subject in reported)}
        false = sorted(subject for subject in reported if not any(same(label, subject) for label in labels))
        lost = sorted(labels - found)
        self.tp += len(found)
        self.fp += len(false)
        self.fn += len(lost)
        notes = [f"FP {subject}" for subject in false] + [f"FN {label}" for label in lost]
        if notes:
            self.disagreements[app] = notes

    @property
    def precision(self) -> float:
        # Nothing reported: perfect if nothing was to be found, else as bad as it gets.
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else float(self.fn == 0)

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    def summary(self, code: str) -> str:
        return (
            f"{code}: precision {self.precision:.3f} recall {self.recall:.3f} "
            f"(TP {self.tp}, FP {self.fp}, FN {self.fn})"
        )


def score(runs: list[AppRun]) -> tuple[Score, Score, Score]:
    missing, unused, transitive = Score(), Score(), Score()
    for run in runs:
        missing.add(run.app.name, run.app.missing, run.missing, exact=False)
        unused.add(run.app.name, run.app.unused, run.unused, exact=True)
        transitive.add(run.app.name, run.app.transitive, run.transitive, exact=False)
    return missing, unused, transitive


def report_table(runs: list[AppRun], missing: Score, unused: Score, transitive: Score) -> str:
    lines = [f"{'app':<38} {'MG304':<30} {'MG307':<30} MG305"]
    for run in runs:
        name = run.app.name
        cells = [", ".join(score.disagreements.get(name, [])) or "-" for score in (missing, transitive, unused)]
        if cells != ["-", "-", "-"] or run.problems:
            lines.append(f"{name:<38} {cells[0]:<30} {cells[1]:<30} {cells[2]}")
        lines += [f"{'':<38} harness: {problem}" for problem in run.problems]
    labelled = [sum(len(labels) for labels in column) for column in
                zip(*((run.app.missing, run.app.transitive, run.app.unused) for run in runs))]  # fmt: skip
    lines.append(f"{len(runs)} apps, {labelled[0]} labelled missing, {labelled[1]} labelled transitive, "
                 f"{labelled[2]} labelled unused")  # fmt: skip
    lines += [missing.summary("MG304"), transitive.summary("MG307"), unused.summary("MG305")]
    return "\n".join(lines)


# ---------------------------------------------------------------------------
# Tests
# ---------------------------------------------------------------------------


def test_corpus_is_well_formed() -> None:
    directories = app_directories()
    assert len(directories) >= MIN_APPS, f"only {len(directories)} apps in {CORPUS}"
    problems = {directory.name: label_problems(directory) for directory in directories}
    assert not {name: found for name, found in problems.items() if found}
    apps = [load_app(directory) for directory in directories]
    assert any(not app.missing for app in apps), "some apps must have nothing missing"
    assert sum(bool(app.missing) for app in apps) >= len(apps) // 2


def test_dependency_rules_on_the_labelled_corpus(corpus_runs: list[AppRun], capsys: pytest.CaptureFixture[str]) -> None:
    missing, unused, transitive = score(corpus_runs)
    table = report_table(corpus_runs, missing, unused, transitive)
    with capsys.disabled():
        print("\n" + table)
    harness = {run.app.name: run.problems for run in corpus_runs if run.problems}
    assert not harness, table
    assert missing.precision >= MIN_PRECISION and missing.recall >= MIN_RECALL, table
    assert transitive.precision >= MIN_PRECISION and transitive.recall >= MIN_RECALL, table
