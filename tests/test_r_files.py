"""The file set of R, R Markdown, Quarto and static content: MG101-MG103 and ``fix`` in real git repositories.

The manifests have the shapes the R rsconnect package writes (tests/rapps.py); the exclusions are its
``ignoreBundleFiles`` rules, applied at every depth.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import git, put
from tests.inprocess import run_main
from tests.rapps import APPS, ENTRY_DOCUMENTS, make_r_app, md5

APP = "content/app"
MANIFEST = f"{APP}/manifest.json"


def check(repo: Path, *args: str) -> tuple[int, dict]:
    result = run_main(["check", "--output-format", "json", *args], repo)
    return result.code, json.loads(result.stdout)


def found(report: dict) -> list[tuple[str, str, str]]:
    return sorted((f["code"], f["subject"], f["severity"]) for f in report["findings"])


def commit(repo: Path, message: str = "commit") -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)


def stage(repo: Path, files: dict[str, str | bytes]) -> None:
    put(repo / APP, files)
    git(repo, "add", "-A")


def r_repo(git_repo: Path, kind: str, **options: dict[str, str | bytes]) -> Path:
    make_r_app(git_repo, APP, kind, **options)
    commit(git_repo)
    return git_repo


@pytest.mark.parametrize("kind", sorted(APPS))
def test_fresh_r_content_is_clean(git_repo: Path, kind: str) -> None:
    repo = r_repo(git_repo, kind)
    code, report = check(repo)
    assert (code, report["findings"]) == (0, [])
    assert report["manifests"][0]["status"] == "fresh"


@pytest.mark.parametrize("kind", sorted(APPS))
def test_new_changed_and_deleted_files_are_reported_and_fixed(git_repo: Path, kind: str) -> None:
    repo = r_repo(git_repo, kind)
    listed = sorted(set(APPS[kind]) - {"requirements.txt", "renv.lock"})
    changed, deleted = listed[0], sorted(set(listed) - ENTRY_DOCUMENTS)[-1]
    assert changed != deleted
    stage(repo, {"R/new_module.R": "triple <- function(x) x * 3\n", changed: "changed\n"})
    git(repo, "rm", "-q", f"{APP}/{deleted}")
    code, report = check(repo)
    assert code == 1
    assert found(report) == sorted([("MG101", changed, "error"), ("MG102", deleted, "error"),
                                    ("MG103", "R/new_module.R", "error")])  # fmt: skip
    assert {f["manifest"] for f in report["findings"]} == {MANIFEST}
    fixed = run_main(["fix", "--stage"], repo)
    assert fixed.code == 0 and "R/new_module.R added" in fixed.stdout, fixed
    manifest = json.loads((repo / MANIFEST).read_text())
    assert manifest["files"]["R/new_module.R"] == {"checksum": md5(b"triple <- function(x) x * 3\n")}
    assert manifest["files"][changed] == {"checksum": md5(b"changed\n")}
    assert deleted not in manifest["files"]
    assert manifest["users"] is None and "packages" in manifest  # nothing else touched
    assert check(repo) == (0, check(repo)[1]) and check(repo)[1]["findings"] == []


EXCLUDED = {
    # R rsconnect's ignore list, at any depth
    "sub/.Rhistory": "history\n",
    "sub/.DS_Store": b"\x00\x01",
    "sub/rsconnect/documents/report.Rmd/connect.example.com/me/report.dcf": "name: report\n",
    "rsconnect/shinyapps.io/me/app.dcf": "name: app\n",
    "renv/activate.R": "local({})\n",
    "renv/settings.json": "{}\n",
    "packrat/packrat.lock": "PackratFormat: 1.4\n",
    ".quarto/idx/report.qmd.json": "{}\n",
    "sub/app_cache/x.rds": b"\x1f\x8b",
    "nested/.Rproj.user/shared/notebooks/x": "x\n",
    "app.Rproj": "Version: 1.0\n",
    "sub/old.Rproj": "Version: 1.0\n",
    "notes.R~": "backup\n",
    "~$draft.docx": b"lock",
    "__pycache__/x.cpython-311.pyc": b"\x00",
    "sub/__pycache__/y.cpython-311.pyc": b"\x00",
    # a knitr cache beside its document, and a Python environment
    "analysis_cache/html/chunk.rdb": b"\x00",
    "analysis.Rmd": "---\ntitle: A\n---\n",
    "pyenv/bin/python": "#!/bin/sh\n",
    "pyenv/lib/site.py": "x = 1\n",
}


def test_r_rsconnect_exclusions_apply_at_every_depth(git_repo: Path) -> None:
    repo = r_repo(git_repo, "shiny")
    stage(repo, {name: data for name, data in EXCLUDED.items() if name != "analysis.Rmd"})
    put(repo / APP, {"analysis.Rmd": EXCLUDED["analysis.Rmd"]})  # decides the cache, then listed
    git(repo, "add", "-A")
    code, report = check(repo)
    assert found(report) == [("MG103", "analysis.Rmd", "error")], report
    assert code == 1


def test_analysis_cache_without_its_document_is_content(git_repo: Path) -> None:
    repo = r_repo(git_repo, "shiny")
    stage(repo, {"model_cache/weights.rds": b"\x00"})
    assert found(check(repo)[1]) == [("MG103", "model_cache/weights.rds", "error")]


def test_rscignore_in_a_subdirectory_applies_below_it(git_repo: Path) -> None:
    repo = r_repo(git_repo, "shiny")
    stage(repo, {"data/.rscignore": "*.tmp\nscratch/\n", "data/a.tmp": "x\n", "data/scratch/b.csv": "b\n",
                 "data/keep.csv": "k\n"})  # fmt: skip
    assert found(check(repo)[1]) == [("MG103", "data/keep.csv", "error")]


def test_a_listed_file_that_r_would_exclude_stays_checked(git_repo: Path) -> None:
    """Old manifests list packrat/desc/* files: they are checked like any other listed file."""
    repo = r_repo(git_repo, "shiny", extra={"packrat/desc/shiny": "Package: shiny\n"})
    assert check(repo) == (0, check(repo)[1])
    stage(repo, {"packrat/desc/shiny": "Package: shiny\nVersion: 1.8.0\n"})
    assert found(check(repo)[1]) == [("MG101", "packrat/desc/shiny", "error")]


@pytest.mark.parametrize("kind", ["rmd-static", "quarto-r"])
def test_render_outputs_of_documents_are_not_required(git_repo: Path, kind: str) -> None:
    repo = r_repo(git_repo, kind)
    stage(repo, {"report.html": "<html></html>\n", "report_files/libs/jquery.js": "j\n",
                 "report.pdf": b"%PDF-1.7", "_site/index.html": "<p></p>\n",
                 "report_cache/html/chunk.rdb": b"\x00"})  # fmt: skip
    code, report = check(repo)
    assert (code, report["findings"]) == (0, [])


def test_a_quarto_projects_output_dir_is_not_required_but_its_sources_are(git_repo: Path) -> None:
    repo = r_repo(git_repo, "quarto-project")
    stage(repo, {"public/index.html": "<p></p>\n", "public/search.json": "[]\n", "guide.qmd": "# Guide\n"})
    assert found(check(repo)[1]) == [("MG103", "guide.qmd", "error")]


def test_static_content_lists_its_site_directory(git_repo: Path) -> None:
    """For static content the HTML is the content: nothing is a render output."""
    repo = r_repo(git_repo, "static")
    stage(repo, {"_site/new.html": "<p>new</p>\n", "page.html": "<p></p>\n"})
    assert found(check(repo)[1]) == [("MG103", "_site/new.html", "error"), ("MG103", "page.html", "error")]


def test_a_new_document_beside_a_single_document_is_a_warning(git_repo: Path) -> None:
    repo = r_repo(git_repo, "rmd-static")
    stage(repo, {"other.Rmd": "---\ntitle: Other\n---\n", "helper.R": "h <- 1\n"})
    code, report = check(repo)
    assert code == 1
    assert found(report) == [("MG103", "helper.R", "error"), ("MG103", "other.Rmd", "warning")]
    other = next(f for f in report["findings"] if f["subject"] == "other.Rmd")
    assert "deploys report.Rmd" in other["message"]
    run_main(["fix"], repo)
    assert "other.Rmd" not in json.loads((repo / MANIFEST).read_text())["files"]


def test_a_new_document_of_a_quarto_project_is_an_error(git_repo: Path) -> None:
    repo = r_repo(git_repo, "quarto-project")
    stage(repo, {"posts/first.qmd": "# First\n"})
    assert found(check(repo)[1]) == [("MG103", "posts/first.qmd", "error")]


def test_files_of_a_nested_app_are_not_the_parents(git_repo: Path) -> None:
    repo = r_repo(git_repo, "shiny")
    make_r_app(repo, f"{APP}/report", "rmd-static")
    git(repo, "add", "-A")
    code, report = check(repo)
    assert (code, [(m["path"], m["status"]) for m in report["manifests"]]) == (
        0, [(MANIFEST, "fresh"), (f"{APP}/report/manifest.json", "fresh")])  # fmt: skip


def test_curated_r_manifests_follow_the_base(git_repo: Path) -> None:
    """A manifest that leaves out its README and .Rproj (Posit's gallery does) is clean; a new README-kind
    file is a warning, a new R file an error."""
    repo = r_repo(git_repo, "api", unlisted={"README.md": "# API\n", "CHANGELOG.md": "# 1.0\n"})
    assert check(repo)[1]["findings"] == []
    stage(repo, {"NEWS.md": "# news\n", "R/extra.R": "u <- 1\n"})
    assert found(check(repo)[1]) == [("MG103", "NEWS.md", "warning"), ("MG103", "R/extra.R", "error")]


def test_without_a_base_unlisted_r_files_are_warnings(git_repo: Path) -> None:
    make_r_app(git_repo, APP, "shiny", unlisted={"extra.R": "e <- 1\n"})
    git(git_repo, "add", "-A")
    code, report = check(git_repo)
    assert code == 0 and found(report) == [("MG103", "extra.R", "warning")]


def _r_bundle_files(directory: Path) -> list[str]:
    script = f'cat(rsconnect:::bundleFiles("{directory}"), sep="\\n")'
    output = subprocess.run(["Rscript", "-e", script], capture_output=True, text=True, check=True).stdout
    return sorted(line for line in output.splitlines() if line)


NO_R = "needs R with the rsconnect package (Debian's r-base-core and r-cran-rsconnect)"


@pytest.mark.skipif(shutil.which("Rscript") is None, reason=NO_R)
def test_the_file_set_matches_r_rsconnect_where_its_rules_agree(git_repo: Path, tmp_path: Path) -> None:
    """R rsconnect 0.8.29 (Debian's) as an oracle for the file set, on names both it and today's rsconnect
    exclude the same way: top-level ignore list, .Rproj files, knitr caches, renv/packrat, nested files.
    (0.8.29 applies most names only at the top level and drops renv.lock; today's rsconnect applies them
    everywhere and bundles renv.lock, which is what check follows.)"""
    if subprocess.run(["Rscript", "-e", "library(rsconnect)"], capture_output=True).returncode != 0:
        pytest.skip("the rsconnect R package is not installed")
    files = {
        "app.R": "library(shiny)\n", "R/helpers.R": "h <- 1\n", "www/a/b.css": "b\n", "data.csv": "1\n",
        ".Rhistory": "h\n", ".DS_Store": "d\n", "app.Rproj": "p\n", "rsconnect/x.dcf": "x\n", "packrat/p.lock": "p\n",
        "renv/activate.R": "r\n", ".quarto/x": "q\n", "app_cache/x": "c\n", ".Rproj.user/x": "u\n",
        "doc.Rmd": "---\n---\n", "doc_cache/x.rdb": "c\n", ".hidden.R": "h\n", "sub/deep/x.txt": "x\n",
    }  # fmt: skip
    put(tmp_path / "oracle", files)
    expected = _r_bundle_files(tmp_path / "oracle")
    make_r_app(git_repo, APP, "shiny", unlisted=files)
    git(git_repo, "add", "-A")
    manifest = json.loads((git_repo / MANIFEST).read_text())
    manifest["files"] = {}
    (git_repo / MANIFEST).write_text(json.dumps(manifest))
    git(git_repo, "add", "-A")
    run_main(["fix"], git_repo)
    listed = sorted(json.loads((git_repo / MANIFEST).read_text())["files"])
    ours = sorted(set(listed) - {"renv.lock", "www/style.css"})
    assert ours == sorted(set(expected) - {"www/style.css"})


def test_new_development_and_documentation_files_are_warnings(git_repo: Path) -> None:
    """Seen in Posit's gallery: a CHANGELOG, Makefile, .Rbuildignore and testthat tests added beside a
    Shiny app and kept out of its manifest on purpose."""
    repo = r_repo(git_repo, "shiny")
    stage(repo, {"CHANGELOG.md": "# 1.0\n", "Makefile": "test:\n\tRscript -e 1\n", ".Rbuildignore": "^x$\n",
                 "tests/testthat/test_app.R": "test_that('x', {})\n", "LICENSE": "MIT\n", "DESCRIPTION": "Package: a\n",
                 "R/module.R": "m <- tags$img(src = 'logo.png')\n", "app.png": b"\x89PNG",
                 "www/logo.png": b"\x89PNG"})  # fmt: skip
    code, report = check(repo)
    assert code == 1
    assert found(report) == [("MG103", ".Rbuildignore", "warning"), ("MG103", "CHANGELOG.md", "warning"),
                             ("MG103", "DESCRIPTION", "warning"),
                             ("MG103", "LICENSE", "warning"), ("MG103", "Makefile", "warning"),
                             ("MG103", "R/module.R", "error"), ("MG103", "app.png", "warning"),
                             ("MG103", "tests/testthat/test_app.R", "warning"), ("MG103", "www/logo.png", "error")]
    run_main(["fix"], repo)
    assert set(json.loads((repo / MANIFEST).read_text())["files"]) == {*APPS["shiny"], "R/module.R", "www/logo.png"}


def test_r_content_over_rsconnects_bundle_limits_is_a_warning(git_repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """MG504, with the 10,000-file limit lowered to 4 so the test stays small; Python content is never judged
    by R's limits."""
    monkeypatch.setattr("manifest_guard.rules.bundle_safety.MAX_BUNDLE_FILES", 4)
    repo = r_repo(git_repo, "shiny")
    assert check(repo)[1]["findings"] == []  # exactly 4 files
    stage(repo, {"R/more.R": "m <- 1\n"})
    code, report = check(repo)
    assert code == 1 and found(report) == [("MG103", "R/more.R", "error"), ("MG504", "files", "warning")]
    assert "5 files, over its 4-file limit" in report["findings"][-1]["message"]
    monkeypatch.setattr("manifest_guard.rules.bundle_safety.MAX_BUNDLE_BYTES", 10)
    uncached = run_main(["check", "--output-format", "json"], repo, env={"MANIFEST_GUARD_NO_CACHE": "1"})
    assert "MiB, over its" in json.loads(uncached.stdout)["findings"][-1]["message"]


def test_python_content_is_not_held_to_r_limits(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("manifest_guard.rules.bundle_safety.MAX_BUNDLE_FILES", 1)
    assert check(repo)[1]["findings"] == []


def test_fix_repairs_an_r_app_in_one_pass_and_touches_nothing_else(git_repo: Path) -> None:
    """A Shiny app whose packages were written from renv.lock: a version bump in the lockfile, a new module
    and a deleted asset are all repaired by one `fix --stage`, and the manifest's other keys stay as they were."""
    from manifest_guard.engine.r_packages import convert_lockfile
    from tests.rapps import RENV_LOCK

    make_r_app(git_repo, APP, "shiny")
    manifest = json.loads((git_repo / MANIFEST).read_text())
    manifest["packages"] = convert_lockfile(RENV_LOCK).packages
    (git_repo / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
    commit(git_repo)
    assert check(git_repo)[1]["findings"] == []
    bumped = json.loads(json.dumps(RENV_LOCK))
    bumped["Packages"]["shiny"]["Version"] = "1.9.1"
    stage(git_repo, {"renv.lock": json.dumps(bumped, indent=2) + "\n", "R/module.R": "m <- 1\n"})
    git(git_repo, "rm", "-q", f"{APP}/www/style.css")
    code, report = check(git_repo)
    assert code == 1
    assert found(report) == [("MG101", "renv.lock", "error"), ("MG102", "www/style.css", "error"),
                             ("MG103", "R/module.R", "error"), ("MG309", "packages", "error")]  # fmt: skip
    assert "~ shiny 1.8.0 -> 1.9.1" in next(f["message"] for f in report["findings"] if f["code"] == "MG309")
    assert run_main(["fix", "--stage"], git_repo).code == 0
    assert check(git_repo)[1]["findings"] == []
    fixed = json.loads((git_repo / MANIFEST).read_text())
    assert fixed["packages"] == convert_lockfile(bumped).packages
    assert list(fixed) == list(manifest)
    assert {key: value for key, value in fixed.items() if key not in ("files", "packages")} == {
        key: value for key, value in manifest.items() if key not in ("files", "packages")}  # fmt: skip
    assert set(fixed["files"]) == set(manifest["files"]) - {"www/style.css"} | {"R/module.R"}
