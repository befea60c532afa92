"""MG207-MG209: the entry documents of R, R Markdown, Quarto and static content.

Manifests here have the shapes the R rsconnect package and Quarto write (nulls, ``users``, ``quarto``
with ``engines``); the content is ours and the checksums are computed, so a committed app is fresh.
Rule-level cases run on an in-memory tree; the git cases run the CLI on real repositories.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from manifest_guard.foundation.jsonpos import load_json
from manifest_guard.readers.documents import chunks, declares_shiny, front_matter, quarto_binding
from manifest_guard.rules.freshness import AppState
from manifest_guard.rules.r_entry import check_entry_documents
from tests.conftest import git, put
from tests.gitapp import codes, commit_all
from tests.inprocess import run_main

R_PACKAGE = {"Source": "CRAN", "Repository": "https://cloud.r-project.org",
             "description": {"Package": "shiny", "Version": "1.8.0", "Imports": "httpuv (>= 1.5.2)"}}  # fmt: skip
SHINY_APP = "library(shiny)\nui <- fluidPage('hello')\nserver <- function(input, output) {}\nshinyApp(ui, server)\n"
PLUMBER = "#* @get /hello\nfunction() list(msg = 'hello')\n"
RMD = "---\ntitle: Report\noutput: html_document\n---\n\n```{r}\nsummary(cars)\n```\n"
RMD_SHINY = "---\ntitle: Explorer\nruntime: shiny\n---\n\n```{r}\nsliderInput('n', 'N', 1, 10, 5)\n```\n"
QMD_KNITR = "---\ntitle: Knitr\n---\n\n```{r}\n1 + 1\n```\n"
QMD_JUPYTER = "---\ntitle: Jupyter\n---\n\nSome text.\n\n```{python}\n1 + 1\n```\n"
QUARTO_YML = "project:\n  type: website\n\nwebsite:\n  title: Site\n"


def md5(text: str | bytes) -> str:
    return hashlib.md5(text.encode() if isinstance(text, str) else text).hexdigest()


def r_manifest(appmode: str, files: Mapping[str, str], primary_rmd: str | None = None,
               primary_html: str | None = None, engines: list[str] | None = None) -> dict[str, Any]:  # fmt: skip
    """A manifest in the R rsconnect package's shape, with fresh checksums of ``files``."""
    metadata = {"appmode": appmode, "primary_rmd": primary_rmd, "primary_html": primary_html,
                "content_category": None, "has_parameters": False}  # fmt: skip
    manifest: dict[str, Any] = {"version": 1, "locale": "en_US", "platform": "4.3.2", "metadata": metadata}
    if engines is not None:
        manifest["quarto"] = {"version": "1.4.557", "engines": engines}
    if appmode != "static":
        manifest["packages"] = {"shiny": R_PACKAGE}
    manifest["files"] = {path: {"checksum": md5(content)} for path, content in files.items()}
    manifest["users"] = None
    return manifest


def app_files(manifest: Mapping[str, Any], files: Mapping[str, str]) -> dict[str, str]:
    return {**files, "manifest.json": json.dumps(manifest, indent=2) + "\n"}


APPS: dict[str, tuple[dict[str, str], dict[str, Any]]] = {}


def _app(name: str, appmode: str, files: dict[str, str], **metadata: Any) -> None:
    APPS[name] = (files, r_manifest(appmode, files, **metadata))


_app("shiny-app", "shiny", {"app.R": SHINY_APP})
_app("shiny-split", "shiny", {"server.R": "function(input, output) {}\n", "ui.R": "fluidPage('hi')\n",
                              "global.R": "x <- 1\n"})  # fmt: skip
_app("plumber", "api", {"plumber.R": PLUMBER})
_app("rmd-static", "rmd-static", {"report.Rmd": RMD}, primary_rmd="report.Rmd")
_app("rmd-shiny", "rmd-shiny", {"explorer.Rmd": RMD_SHINY}, primary_rmd="explorer.Rmd")
_app("quarto-knitr", "quarto-static", {"index.qmd": QMD_KNITR}, primary_rmd="index.qmd", engines=["knitr"])
_app("quarto-jupyter", "quarto-static", {"report.qmd": QMD_JUPYTER, "requirements.txt": "pandas\n"},
     primary_rmd="report.qmd", engines=["jupyter"])  # fmt: skip
_app("quarto-site", "quarto-static", {"_quarto.yml": QUARTO_YML, "index.qmd": QMD_KNITR,
                                      "about.qmd": "---\ntitle: About\n---\n\nNo code.\n"},
     engines=["markdown", "knitr"])  # fmt: skip
_app("static", "static", {"index.html": "<h1>hi</h1>\n", "style.css": "h1 {}\n"}, primary_html="index.html")


@pytest.fixture(scope="module")
def base_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every kind of app, committed fresh; tests copy it so each starts from the same history."""
    repo = tmp_path_factory.mktemp("r-apps") / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "commit.gpgsign", "false")
    for name, (files, manifest) in APPS.items():
        put(repo / name, app_files(manifest, files))
    commit_all(repo, "R apps")
    return repo


@pytest.fixture
def r_repo(base_repo: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "repo"
    git(tmp_path, "clone", "-q", str(base_repo), str(copy))
    git(copy, "config", "commit.gpgsign", "false")
    return copy


def check_json(repo: Path, *args: str) -> tuple[int, dict[str, Any]]:
    result = run_main(["check", "--output-format", "json", *args], repo)
    return result.code, json.loads(result.stdout)


# --- real repositories ----------------------------------------------------------------------------------


def test_fresh_r_apps_are_clean(base_repo: Path) -> None:
    result = run_main(["check", "--output-format", "json", "--source", "HEAD"], base_repo)
    report = json.loads(result.stdout)
    assert result.code == 0, report["findings"]
    assert report["findings"] == []
    assert {manifest["appmode"] for manifest in report["manifests"]} == {
        "shiny", "api", "rmd-static", "rmd-shiny", "quarto-static", "static"}  # fmt: skip
    assert len(report["manifests"]) == len(APPS)


def test_a_removed_primary_rmd_is_reported(r_repo: Path) -> None:
    git(r_repo, "rm", "-q", "rmd-static/report.Rmd")
    code, report = check_json(r_repo)
    assert code == 1
    assert codes(report) == [("MG102", "report.Rmd"), ("MG207", "metadata.primary_rmd")]
    finding = next(finding for finding in report["findings"] if finding["code"] == "MG207")
    assert finding["manifest"] == finding["path"] == "rmd-static/manifest.json"
    assert finding["severity"] == "error" and finding["fixable"] is False
    assert "report.Rmd (metadata.primary_rmd) is not in the index: Connect cannot render" in finding["message"]
    line = (r_repo / "rmd-static/manifest.json").read_text().splitlines()[finding["line"] - 1]
    assert '"primary_rmd"' in line


def test_a_deleted_app_r_is_reported(r_repo: Path) -> None:
    git(r_repo, "rm", "-q", "shiny-app/app.R")
    code, report = check_json(r_repo)
    assert code == 1
    assert codes(report) == [("MG102", "app.R"), ("MG207", "app.R")]
    finding = next(finding for finding in report["findings"] if finding["code"] == "MG207")
    assert "Connect cannot start the Shiny app" in finding["message"]
    line = (r_repo / "shiny-app/manifest.json").read_text().splitlines()[finding["line"] - 1]
    assert '"app.R"' in line


def test_an_r_chunk_in_a_jupyter_document_is_reported_at_its_line(r_repo: Path) -> None:
    document = r_repo / "quarto-jupyter/report.qmd"
    document.write_text(QMD_JUPYTER + "\n```{r}\nlibrary(dplyr)\n```\n")
    manifest = json.loads((r_repo / "quarto-jupyter/manifest.json").read_text())
    manifest["files"]["report.qmd"]["checksum"] = md5(document.read_bytes())
    (r_repo / "quarto-jupyter/manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    git(r_repo, "add", "-A")
    code, report = check_json(r_repo)
    assert code == 1
    [finding] = report["findings"]
    assert (finding["code"], finding["path"], finding["line"]) == ("MG209", "quarto-jupyter/report.qmd", 11)
    assert finding["message"].startswith(
        'report.qmd:11: an {r} chunk needs the knitr engine, but quarto.engines is ["jupyter"]')
    assert finding["manifest"] == "quarto-jupyter/manifest.json"


def test_rmd_shiny_without_runtime_shiny_is_reported(r_repo: Path) -> None:
    text = RMD_SHINY.replace("runtime: shiny\n", "")
    files = {"explorer.Rmd": text}
    put(r_repo / "rmd-shiny-2", app_files(r_manifest("rmd-shiny", files, primary_rmd="explorer.Rmd"), files))
    git(r_repo, "add", "-A")
    code, report = check_json(r_repo)
    assert code == 1
    [finding] = report["findings"]
    assert (finding["code"], finding["path"], finding["line"], finding["subject"]) == (
        "MG208", "rmd-shiny-2/explorer.Rmd", 1, "explorer.Rmd")
    assert "no runtime: shiny" in finding["message"]


def test_a_state_the_base_had_is_a_warning(r_repo: Path) -> None:
    """A jupyter-only manifest over an R document, committed; a later unrelated edit is not blamed."""
    files = {"index.qmd": QMD_KNITR}
    put(r_repo / "legacy", app_files(r_manifest("quarto-static", files, primary_rmd="index.qmd",
                                                engines=["jupyter"]), files))  # fmt: skip
    commit_all(r_repo, "legacy report")
    put(r_repo / "legacy", {"notes.txt": "later\n"})
    manifest = json.loads((r_repo / "legacy/manifest.json").read_text())
    manifest["files"]["notes.txt"] = {"checksum": md5("later\n")}
    (r_repo / "legacy/manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    git(r_repo, "add", "-A")
    code, report = check_json(r_repo)
    assert code == 0
    [finding] = report["findings"]
    assert (finding["code"], finding["severity"], finding["line"]) == ("MG209", "warning", 5)
    assert finding["message"].endswith("(already so at the base)")
    code, report = check_json(r_repo, "--source", "HEAD", "--changed-since", "HEAD~1")
    assert code == 1 and [f["severity"] for f in report["findings"]] == ["error"]  # the commit that caused it


# --- the rule on an in-memory tree ---------------------------------------------------------------------


class DictTree:
    """Just the tree questions the entry rules ask."""

    def __init__(self, files: Mapping[str, str | bytes]) -> None:
        self.files = {path: content.encode() if isinstance(content, str) else content
                      for path, content in files.items()}  # fmt: skip

    def is_file(self, path: str) -> bool:
        return path in self.files

    def size(self, path: str) -> int:
        return len(self.files[path])

    def read_bytes(self, path: str) -> bytes:
        return self.files[path]


def run_rule(manifest: Mapping[str, Any], tree_files: Mapping[str, str],
             base_files: Mapping[str, str] | None = None) -> list[tuple[str, str, str]]:  # fmt: skip
    """(code, subject, severity) of each finding for ``manifest`` at ``app/`` over ``tree_files``."""
    raw = (json.dumps(manifest, indent=2) + "\n").encode()
    tree = DictTree({f"app/{path}": content for path, content in tree_files.items()} | {"app/manifest.json": raw})
    base = None
    if base_files is not None:
        base = DictTree({f"app/{path}": content for path, content in base_files.items()} | {"app/manifest.json": raw})
    loaded = load_json(raw)
    state = AppState(tree=tree, source_label="the index", manifest="app/manifest.json", app="app",  # type: ignore[arg-type]
                     document=loaded.value, loaded=loaded, display=lambda path: path, base=base)  # type: ignore[arg-type]  # fmt: skip
    found = [proposal.finding for proposal in check_entry_documents(state)]
    assert all(finding.manifest == "app/manifest.json" and not finding.fixable for finding in found)
    return [(finding.code, finding.subject, finding.severity.value) for finding in found]


def fresh(appmode: str, files: dict[str, str], **metadata: Any) -> list[tuple[str, str, str]]:
    return run_rule(r_manifest(appmode, files, **metadata), files)


@pytest.mark.parametrize(
    ("appmode", "files", "metadata"),
    [
        ("shiny", {"App.R": SHINY_APP}, {}),  # R and Shiny match names in any case
        ("shiny", {"server.R": "x", "www/index.html": "<p>"}, {}),
        ("api", {"entrypoint.R": PLUMBER}, {}),
        ("api", {"_server.yml": "engine: plumber2\n"}, {}),
        ("rmd-static", {"report.Rmd": RMD}, {}),  # no primary_rmd: the one document listed
        ("quarto-static", {"_quarto.yml": QUARTO_YML, "index.qmd": QMD_KNITR}, {"engines": ["knitr"]}),
        ("quarto-static", {"script.R": "#' # Title\n1 + 1\n", "_quarto.yml": "project:\n  render: [script.R]\n"},
         {"engines": ["knitr"]}),
        ("static", {"page.html": "<p>"}, {}),  # null primary_html: Connect serves a listing
        ("static", {"index.html": "<p>"}, {"primary_html": "index.html"}),
        # an engine listed but unused is not our business
        ("quarto-static", {"a.qmd": QMD_KNITR}, {"primary_rmd": "a.qmd", "engines": ["knitr", "jupyter"]}),
        # R and python chunks bind knitr, which runs python through reticulate
        ("quarto-static", {"a.qmd": "```{python}\n1\n```\n```{r}\n2\n```\n"},
         {"primary_rmd": "a.qmd", "engines": ["knitr"]}),
        ("quarto-static", {"a.qmd": "```{{r}}\nshown, not run\n```\n```{ojs}\nx\n```\n"},
         {"primary_rmd": "a.qmd", "engines": ["markdown"]}),
        ("quarto-static", {"a.qmd": "---\nengine: knitr\n---\n\n```{python}\n1\n```\n"},
         {"primary_rmd": "a.qmd", "engines": ["knitr"]}),
        ("quarto-static", {"nb.ipynb": "{}", "_quarto.yml": QUARTO_YML, "_draft.qmd": QMD_KNITR},
         {"engines": ["jupyter"]}),  # names starting with "_" are never rendered
        ("quarto-static", {"_quarto.yml": "project:\n  render:\n    - index.qmd\n", "index.qmd": "# hi\n",
                           "old.qmd": QMD_KNITR}, {"engines": ["markdown"]}),  # not in the render list
        ("quarto-shiny", {"app.qmd": "---\nserver: shiny\n---\n```{r}\n1\n```\n"},
         {"primary_rmd": "app.qmd", "engines": ["knitr"]}),
        ("quarto-shiny", {"app.qmd": "---\nformat:\n  dashboard:\n    server:\n      type: shiny\n---\n"},
         {"primary_rmd": "app.qmd", "engines": ["jupyter"]}),
        ("quarto-shiny", {"app.qmd": "```{r}\n1\n```\n", "_quarto.yml": "server: shiny\n"},
         {"primary_rmd": "app.qmd", "engines": ["knitr"]}),
        ("rmd-shiny", {"t.Rmd": "---\nruntime: shiny_prerendered\n---\n"}, {"primary_rmd": "t.Rmd"}),
        ("rmd-shiny", {"t.Rmd": "---\nruntime: [unclosed\n---\n"}, {"primary_rmd": "t.Rmd"}),  # not judged
        ("rmd-static", {"t.Rmd": "---\nparams:\n  date: !r Sys.Date()\n---\n"}, {"primary_rmd": "t.Rmd"}),
    ],
)
def test_quiet(appmode: str, files: dict[str, str], metadata: dict[str, Any]) -> None:
    assert fresh(appmode, files, **metadata) == []


@pytest.mark.parametrize(
    ("appmode", "files", "metadata", "expected"),
    [
        ("shiny", {"server.R": "x"}, {}, [("MG207", "ui.R", "error")]),
        ("shiny", {"global.R": "x"}, {}, [("MG207", "app.R", "error")]),
        ("api", {"helpers.R": "x"}, {}, [("MG207", "plumber.R", "error")]),
        ("rmd-static", {"notes.md": "x"}, {}, [("MG207", "metadata.primary_rmd", "error")]),
        ("static", {"other.html": "x"}, {"primary_html": "index.html"}, [("MG207", "metadata.primary_html", "error")]),
        ("quarto-static", {"a.qmd": "---\njupyter: python3\n---\n"}, {"primary_rmd": "a.qmd", "engines": ["knitr"]},
         [("MG209", "a.qmd", "error")]),
        ("quarto-static", {"a.Rmd": "plain"}, {"primary_rmd": "a.Rmd", "engines": ["markdown"]},
         [("MG209", "a.Rmd", "error")]),
        ("quarto-static", {"_quarto.yml": QUARTO_YML, "index.qmd": "# hi\n", "posts/p.qmd": QMD_JUPYTER},
         {"engines": ["markdown"]}, [("MG209", "posts/p.qmd", "error")]),
        ("quarto-shiny", {"app.qmd": "```{r}\n1\n```\n"}, {"primary_rmd": "app.qmd", "engines": ["knitr"]},
         [("MG208", "app.qmd", "error")]),
        ("rmd-shiny", {"t.Rmd": "---\nruntime: static\n---\n"}, {"primary_rmd": "t.Rmd"},
         [("MG208", "t.Rmd", "error")]),
    ],
)
def test_fires(appmode: str, files: dict[str, str], metadata: dict[str, Any],
               expected: list[tuple[str, str, str]]) -> None:  # fmt: skip
    assert fresh(appmode, files, **metadata) == expected


def test_an_entry_file_in_the_tree_but_not_listed_is_reported() -> None:
    manifest = r_manifest("shiny", {"global.R": "x"})
    assert run_rule(manifest, {"global.R": "x", "app.R": SHINY_APP}) == [("MG207", "app.R", "error")]


def test_the_base_decides_error_or_warning() -> None:
    manifest = r_manifest("rmd-static", {"report.Rmd": RMD}, primary_rmd="report.Rmd")
    assert run_rule(manifest, {}, base_files={"report.Rmd": RMD}) == [("MG207", "metadata.primary_rmd", "error")]
    assert run_rule(manifest, {}, base_files={}) == [("MG207", "metadata.primary_rmd", "warning")]
    assert run_rule(manifest, {}) == [("MG207", "metadata.primary_rmd", "error")]  # no base: no judgement


def test_python_appmodes_are_not_judged() -> None:
    manifest = {"version": 1, "metadata": {"appmode": "python-shiny", "entrypoint": "app"}, "files": {}}
    assert run_rule(manifest, {}) == []


# --- the document reader --------------------------------------------------------------------------------


def test_front_matter_and_chunk_lines() -> None:
    text = (b"\n---\ntitle: x\nengine: knitr\ndate: !r Sys.Date()\n---\n\n"
            b"```{r setup, include=FALSE}\n```\n> ```{python}\n")
    matter = front_matter(text)
    assert (matter.line, matter.end, matter.readable) == (2, 6, True)
    assert matter.values == {"title": "x", "engine": "knitr", "date": "Sys.Date()"}
    assert matter.key_lines == {"title": 3, "engine": 4, "date": 5}
    assert [(chunk.language, chunk.line) for chunk in chunks(text)] == [("r", 8), ("python", 10)]


def test_text_before_the_front_matter_means_none() -> None:
    assert front_matter(b"intro\n---\nruntime: shiny\n---\n").values == {}


@pytest.mark.parametrize(
    ("path", "text", "engine", "line"),
    [
        ("a.ipynb", "{}", "jupyter", None),
        ("a.Rmd", "```{python}\n```\n", "knitr", None),
        ("a.R", "1\n", "knitr", None),
        ("a.r", "# %%\n1\n", "jupyter", None),
        ("a.py", "1\n", "jupyter", None),
        ("a.qmd", "text\n```{R}\n```\n", "knitr", 2),
        ("a.qmd", "```{julia}\n```\n", "jupyter", 1),
        ("a.qmd", "```{mermaid}\n```\n```{dot}\n```\n", "markdown", None),
        ("a.qmd", "---\nknitr: true\n---\n", "knitr", 2),
        ("a.qmd", "---\nexecute:\n  engine: jupyter\n---\n```{r}\n```\n", "jupyter", 2),
        ("a.qmd", "```r\nnot executed\n```\n", "markdown", None),
    ],
)
def test_quarto_binding(path: str, text: str, engine: str, line: int | None) -> None:
    binding = quarto_binding(path, text.encode())
    assert (binding.engine, binding.line) == (engine, line)


@pytest.mark.parametrize(
    ("values", "shiny"),
    [
        ({"runtime": "shiny"}, True),
        ({"runtime": "shinyrmd"}, True),
        ({"server": "shiny"}, True),
        ({"server": {"type": "shiny"}}, True),
        ({"format": {"html": {"server": "shiny"}}}, True),
        ({"runtime": "static"}, False),
        ({"server": {"type": "other"}}, False),
        ({"format": "html"}, False),
        ({}, False),
    ],
)
def test_declares_shiny(values: dict[str, Any], shiny: bool) -> None:
    assert declares_shiny(values) is shiny



def test_the_reader_without_pyyaml_answers_the_keys_the_rules_ask() -> None:
    from manifest_guard.readers.documents import _plain_mapping

    text = "title: 'A: B'\nruntime: shiny # comment\nformat:\n  html:\n    server: shiny\n  pdf: default\n"
    text += "engine: knitr\n"
    values = _plain_mapping(text)
    assert values == {"title": "A: B", "runtime": "shiny", "format": {"html": {"server": "shiny"}, "pdf": "default"},
                      "engine": "knitr"}  # fmt: skip
    assert declares_shiny(values)
