"""MG309-MG312: an R app's manifest (packages, platform, environment.r.requires) against its renv.lock,
over real git repositories; the conversion that ``fix`` writes is held to rsconnect-python's."""

from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from manifest_guard.engine.r_packages import convert_lockfile
from manifest_guard.readers.renv_lock import InvalidLockfile, parse_renv_lock
from manifest_guard.rules.r_packages import description_r_constraint
from tests.conftest import git, put
from tests.gitapp import commit_all
from tests.inprocess import run_main


def check_json(repo: Path, *args: str) -> tuple[int, dict[str, Any]]:
    result = run_main(["check", "--output-format", "json", *args], repo)
    return result.code, json.loads(result.stdout)

APP = "apps/explorer"
MANIFEST = f"{APP}/manifest.json"
LOCK = f"{APP}/renv.lock"
APP_R = 'library(shiny)\nui <- fluidPage("hello")\nserver <- function(input, output) {}\nshinyApp(ui, server)\n'
CRAN = "https://cloud.r-project.org"
PPM = "https://packagemanager.posit.co/cran/latest"


def lockfile(r_version: str = "4.3.1", cran: str = CRAN, **versions: str | None) -> dict[str, Any]:
    """An renv.lock with shiny, httr and jsonlite from CRAN (``name=None`` drops one, a new name adds it)."""
    wanted = {"shiny": "1.8.0", "httr": "1.4.7", "jsonlite": "1.8.8", **versions}
    packages = {
        name: {"Package": name, "Version": version, "Source": "Repository", "Repository": "CRAN",
               "Requirements": ["R"], "Hash": hashlib.md5(f"{name}{version}".encode()).hexdigest()}
        for name, version in sorted(wanted.items()) if version is not None
    }  # fmt: skip
    return {"R": {"Version": r_version, "Repositories": [{"Name": "CRAN", "URL": cran}]}, "Packages": packages}


def rsconnect_r_entry(name: str, version: str, repository: str = CRAN) -> dict[str, Any]:
    """A packages entry as the R rsconnect package writes it: the installed DESCRIPTION, not the lockfile."""
    return {
        "Source": "CRAN",
        "Repository": repository,
        "description": {"Package": name, "Type": "Package", "Title": f"The {name} package", "Version": version,
                        "License": "MIT + file LICENSE", "Repository": "CRAN", "NeedsCompilation": "no",
                        "Built": "R 4.3.1; ; 2024-01-10 10:00:00 UTC; unix"},
    }  # fmt: skip


def manifest_for(repo: Path, packages: Any, platform: str = "4.3.1", requires: str | None = "~=4.3.0") -> dict:
    """An R Shiny manifest shaped like R rsconnect's (platform, environment.r, packages, files, users)."""
    files = {name: {"checksum": hashlib.md5((repo / APP / name).read_bytes()).hexdigest()}
             for name in ("app.R", "renv.lock") if (repo / APP / name).exists()}  # fmt: skip
    document: dict[str, Any] = {
        "version": 1,
        "locale": "en_US",
        "platform": platform,
        "metadata": {"appmode": "shiny", "primary_rmd": None, "primary_html": None, "content_category": None,
                     "has_parameters": False},
    }  # fmt: skip
    if requires is not None:
        document["environment"] = {"r": {"requires": requires}}
    document.update({"packages": packages, "files": files, "users": None})
    return document


def write_json(path: Path, value: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(value, indent=2) + "\n", encoding="utf-8")


def r_packages(lock: dict[str, Any]) -> dict[str, Any]:
    return {name: rsconnect_r_entry(name, record["Version"]) for name, record in lock["Packages"].items()}


def make_r_repo(repo: Path, lock: dict[str, Any] | None = None, packages: Any = "from-lock", **manifest: Any) -> Path:
    """A committed R Shiny app with renv.lock and a manifest whose packages agree with it."""
    lock = lockfile() if lock is None else lock
    put(repo / APP, {"app.R": APP_R})
    write_json(repo / LOCK, lock)
    packages = r_packages(lock) if packages == "from-lock" else packages
    write_json(repo / MANIFEST, manifest_for(repo, packages, **manifest))
    commit_all(repo, "R app")
    return repo


def stage_lock(repo: Path, lock: dict[str, Any]) -> None:
    write_json(repo / LOCK, lock)
    git(repo, "add", LOCK)


def r_findings(report: dict, *codes: str) -> list[dict]:
    wanted = codes or ("MG309", "MG310", "MG311", "MG312")
    return [finding for finding in report["findings"] if finding["code"] in wanted]


def only_finding(repo: Path, code: str, *args: str) -> dict:
    _, report = check_json(repo, *args)
    found = r_findings(report)
    assert [finding["code"] for finding in found] == [code], report["findings"]
    return found[0]


def packages_line(repo: Path) -> int:
    lines = (repo / MANIFEST).read_text().splitlines()
    return next(number for number, line in enumerate(lines, 1) if line.startswith('  "packages"'))


# --- MG309 r-packages-stale -------------------------------------------------------------------------


def test_a_manifest_that_agrees_with_renv_lock_is_clean(git_repo: Path) -> None:
    repo = make_r_repo(git_repo)
    code, report = check_json(repo)
    assert code == 0 and report["findings"] == []
    code, report = check_json(repo, "--source", "HEAD", "--changed-since", "HEAD")
    assert code == 0 and report["findings"] == []


def test_a_version_bump_in_renv_lock_alone_is_reported(git_repo: Path) -> None:
    repo = make_r_repo(git_repo)
    stage_lock(repo, lockfile(shiny="1.9.1"))
    code, report = check_json(repo)
    assert code == 1
    finding = r_findings(report)[0]
    assert [f["code"] for f in r_findings(report)] == ["MG309"]
    assert finding["severity"] == "error" and finding["subject"] == "packages"
    assert finding["message"] == (
        "renv.lock changed in this change but packages did not; renv.lock and packages disagree: "
        "~ shiny 1.8.0 -> 1.9.1; run `rsconnect::writeManifest()`"
    )
    assert finding["path"] == MANIFEST and finding["line"] == packages_line(repo)
    assert finding["fixable"] is False  # an R rsconnect manifest: only writeManifest knows its DESCRIPTIONs


def test_a_package_added_to_and_one_removed_from_renv_lock(git_repo: Path) -> None:
    repo = make_r_repo(git_repo)
    stage_lock(repo, lockfile(dplyr="1.1.4", httr=None))
    finding = only_finding(repo, "MG309")
    assert "renv.lock and packages disagree: + dplyr 1.1.4, - httr;" in finding["message"]


def test_a_repository_change_in_r_repositories(git_repo: Path) -> None:
    repo = make_r_repo(git_repo)
    stage_lock(repo, lockfile(cran=PPM))
    finding = only_finding(repo, "MG309")
    assert f"~ 3 packages (httr, jsonlite, shiny) repository {CRAN} -> {PPM}" in finding["message"]


def test_a_package_moved_to_github_is_a_source_difference(git_repo: Path) -> None:
    repo = make_r_repo(git_repo)
    lock = lockfile()
    lock["Packages"]["httr"] = {"Package": "httr", "Version": "1.4.7", "Source": "GitHub", "RemoteType": "github",
                                "RemoteUsername": "r-lib", "RemoteRepo": "httr", "RemoteRef": "main"}  # fmt: skip
    stage_lock(repo, lock)
    assert "~ httr source CRAN -> github" in only_finding(repo, "MG309")["message"]


def test_what_r_rsconnect_writes_differently_from_the_lockfile_is_not_a_difference(git_repo: Path) -> None:
    """Repository URLs from the R session (a trailing slash, another mirror), a GitHub package without
    Repository, CRAN vs RSPM as the source name, renv itself missing from packages: all agree."""
    lock = lockfile(renv="1.0.7")
    lock["Packages"]["jsonlite"]["Repository"] = "RSPM"
    lock["Packages"]["httr"] = {"Package": "httr", "Version": "1.4.7", "Source": "GitHub", "RemoteType": "github",
                                "RemoteUsername": "r-lib", "RemoteRepo": "httr"}  # fmt: skip
    packages = r_packages(lockfile())
    packages["shiny"]["Repository"] = CRAN + "/"
    packages["httr"].update({"Source": "github", "Repository": None})
    repo = make_r_repo(git_repo, lock, packages)
    code, report = check_json(repo, "--source", "HEAD", "--changed-since", "HEAD")
    assert code == 0 and report["findings"] == []
    stage_lock(repo, lock | {"Packages": {**lock["Packages"], "cli": {**lock["Packages"]["shiny"], "Package": "cli"}}})
    assert only_finding(repo, "MG309")["message"].count(", ") == 0  # only "+ cli 1.8.0"


def test_packages_rewritten_with_the_sessions_repository_or_a_subset_are_quiet(git_repo: Path) -> None:
    repo = make_r_repo(git_repo)
    stage_lock(repo, lockfile(dplyr="1.1.4", shiny="1.9.1"))
    packages = r_packages(lockfile(shiny="1.9.1", httr=None))  # a snapshot of what the code uses
    packages["shiny"]["Repository"] = "https://packagemanager.posit.co/cran/__linux__/jammy/latest"
    write_json(repo / MANIFEST, manifest_for(repo, packages))
    git(repo, "add", MANIFEST)
    code, report = check_json(repo)
    assert code == 0 and report["findings"] == []
    packages["jsonlite"]["description"]["Version"] = "1.8.7"  # written from a library the lockfile is not
    write_json(repo / MANIFEST, manifest_for(repo, packages))
    git(repo, "add", MANIFEST)
    message = only_finding(repo, "MG309")["message"]
    assert message.startswith("renv.lock and packages disagree: ~ jsonlite 1.8.7 -> 1.8.8; packages were rewritten")
    assert message.endswith("run `renv::restore()` (or `renv::snapshot()`), then `rsconnect::writeManifest()`")


def test_a_disagreement_already_at_the_base_is_quiet_and_only_new_ones_are_reported(git_repo: Path) -> None:
    repo = make_r_repo(git_repo, requires=None)
    stage_lock(repo, lockfile(shiny="1.9.1", cran=PPM))
    commit_all(repo, "update the lockfile only")
    _, report = check_json(repo, "--source", "HEAD", "--changed-since", "HEAD")
    assert r_findings(report) == []
    _, report = check_json(repo)
    assert r_findings(report) == []  # (MG101: the manifest's renv.lock checksum was not refreshed)
    stage_lock(repo, lockfile(shiny="1.9.1", cran=PPM, jsonlite="1.8.9"))
    message = only_finding(repo, "MG309")["message"]
    assert "disagree: ~ jsonlite 1.8.8 -> 1.8.9;" in message  # shiny and the repository were already so


def test_the_same_disagreement_without_a_base_is_a_warning(git_repo: Path) -> None:
    repo = make_r_repo(git_repo, requires=None)
    stage_lock(repo, lockfile(shiny="1.9.1"))
    commit_all(repo, "update the lockfile only")
    finding = only_finding(repo, "MG309", "--source", "HEAD")
    assert finding["severity"] == "warning"
    assert "(no base commit to tell whether the difference is new)" in finding["message"]


def test_a_new_manifest_beside_a_disagreeing_lockfile_is_a_warning(git_repo: Path) -> None:
    put(git_repo / "README.md", {"README.md": "x"})
    commit_all(git_repo, "start")
    repo = make_r_repo(git_repo, requires=None)
    git(repo, "reset", "-q", "--soft", "HEAD~1")
    write_json(repo / LOCK, lockfile(shiny="1.9.1"))
    git(repo, "add", "-A")
    finding = only_finding(repo, "MG309")
    assert finding["severity"] == "warning" and "~ shiny 1.8.0 -> 1.9.1" in finding["message"]


def test_no_renv_lock_means_nothing_is_said_about_packages(git_repo: Path) -> None:
    repo = make_r_repo(git_repo)
    git(repo, "rm", "-q", LOCK)
    manifest = json.loads((repo / MANIFEST).read_text())
    del manifest["files"]["renv.lock"]
    manifest["packages"]["shiny"]["description"]["Version"] = "0.1.0"
    manifest["platform"] = "3.6.0"
    write_json(repo / MANIFEST, manifest)
    git(repo, "add", MANIFEST)
    code, report = check_json(repo)
    assert code == 0 and report["findings"] == []


def test_packages_empty_on_purpose_is_quiet_and_emptied_in_the_change_is_reported(git_repo: Path) -> None:
    repo = make_r_repo(git_repo, packages=None)
    _, report = check_json(repo, "--source", "HEAD")
    assert report["findings"] == []
    stage_lock(repo, lockfile(dplyr="1.1.4"))
    assert r_findings(check_json(repo)[1]) == []
    commit_all(repo)
    write_json(repo / MANIFEST, manifest_for(repo, r_packages(lockfile(dplyr="1.1.4"))))
    commit_all(repo, "packages written")
    manifest = json.loads((repo / MANIFEST).read_text())
    manifest["packages"] = None
    write_json(repo / MANIFEST, manifest)
    git(repo, "add", MANIFEST)
    message = only_finding(repo, "MG309")["message"]
    assert "+ dplyr 1.1.4, + httr 1.4.7, + jsonlite 1.8.8, + shiny 1.8.0" in message


def test_python_content_without_packages_is_not_compared(git_repo: Path) -> None:
    put(git_repo / APP, {"app.py": "import rpy2\n"})
    write_json(git_repo / LOCK, lockfile())
    document = {"version": 1, "metadata": {"appmode": "python-api", "entrypoint": "app"},
                "python": {"version": "3.11.4", "package_manager": {"name": "pip", "version": "24.0",
                                                                    "package_file": "requirements.txt"}},
                "files": {}}  # fmt: skip
    write_json(git_repo / MANIFEST, document)
    commit_all(git_repo)
    stage_lock(git_repo, lockfile(shiny="1.9.1"))
    assert r_findings(check_json(git_repo)[1]) == []


# --- MG310 renv-lock-invalid ------------------------------------------------------------------------


def test_a_lockfile_that_is_not_json_is_reported_at_its_position_and_the_run_goes_on(git_repo: Path) -> None:
    repo = make_r_repo(git_repo)
    text = json.dumps(lockfile(), indent=2).replace('"Version": "1.8.0"', '"Version": "1.8.0",,', 1)
    (repo / LOCK).write_text(text)
    put(repo / APP, {"app.R": APP_R + "# more\n"})
    git(repo, "add", "-A")
    code, report = check_json(repo)
    assert code == 1
    assert sorted(f["code"] for f in report["findings"]) == ["MG101", "MG101", "MG310"]
    finding = r_findings(report)[0]
    line = next(number for number, row in enumerate(text.splitlines(), 1) if ",," in row)
    assert (finding["path"], finding["line"], finding["subject"]) == (LOCK, line, "renv.lock")
    assert finding["column"] == text.splitlines()[line - 1].index(",,") + 2
    assert finding["message"].startswith(f"{LOCK}: ")


def test_a_lockfile_that_is_not_utf8_is_reported() -> None:
    with pytest.raises(InvalidLockfile) as raised:
        parse_renv_lock(b'{"R": {"Version": "4.3.1"},\n "x": "\xff"}', "renv.lock")
    assert (raised.value.line, raised.value.column) == (2, 8) and "UTF-8" in raised.value.detail
    with pytest.raises(InvalidLockfile):
        parse_renv_lock(b"[]", "renv.lock")
    assert parse_renv_lock(b'\xef\xbb\xbf{"R": {"Version": "4.3.1"}}', "renv.lock").r_version == "4.3.1"


# --- MG311 r-platform-mismatch and MG312 r-requires-stale -------------------------------------------


def test_a_new_r_version_in_renv_lock_is_a_platform_and_requires_warning(git_repo: Path) -> None:
    repo = make_r_repo(git_repo)
    stage_lock(repo, lockfile(r_version="4.4.0"))
    _, report = check_json(repo)
    by_code = {finding["code"]: finding for finding in r_findings(report)}
    assert sorted(by_code) == ["MG311", "MG312"]
    assert by_code["MG311"]["severity"] == by_code["MG312"]["severity"] == "warning"
    assert by_code["MG311"]["message"].startswith("platform is '4.3.1' but renv.lock records R 4.4.0")
    assert by_code["MG312"]["message"] == (
        "environment.r.requires is '~=4.3.0' but renv.lock records R 4.4.0 (rsconnect writes '~=4.4.0')"
    )
    commit_all(repo)
    assert r_findings(check_json(repo, "--source", "HEAD", "--changed-since", "HEAD")[1]) == []


def test_a_requires_that_admits_the_lockfiles_r_is_quiet(git_repo: Path) -> None:
    repo = make_r_repo(git_repo, requires="~=4.3", platform="4.3.2")  # hand-written, wider than rsconnect's
    assert r_findings(check_json(repo, "--source", "HEAD")[1]) == []  # platform a patch release from R 4.3.1
    stage_lock(repo, lockfile(r_version="4.3.2"))
    assert r_findings(check_json(repo)[1]) == []


def test_a_requires_that_contradicts_description(git_repo: Path) -> None:
    repo = make_r_repo(git_repo)
    put(repo / APP, {"DESCRIPTION": "Title: explorer\nDepends:\n    R (>= 3.5.0),\n    shiny\n"})
    git(repo, "add", "-A")
    assert r_findings(check_json(repo)[1]) == []
    put(repo / APP, {"DESCRIPTION": "Title: explorer\nDepends: R (>= 4.5.0)\n"})
    git(repo, "add", "-A")
    finding = only_finding(repo, "MG312")
    assert "DESCRIPTION depends on R (>= 4.5.0)" in finding["message"]
    assert "rsconnect writes '>= 4.5.0'" in finding["message"]


def test_description_r_constraint() -> None:
    assert description_r_constraint(b"Package: x\nDepends: R (>= 3.5.0), methods\n") == ">= 3.5.0"
    assert description_r_constraint(b"Depends:\n  methods,\n  R(>= 4.1)\n") == ">= 4.1"
    assert description_r_constraint(b"Imports: R6\n") is None


# --- fix --------------------------------------------------------------------------------------------


def test_fix_regenerates_packages_written_from_the_lockfile(git_repo: Path) -> None:
    rsconnect = pytest.importorskip("rsconnect.environment_r")
    lock = lockfile()
    repo = make_r_repo(git_repo, lock, rsconnect._lockfile_to_manifest_packages(lock))
    bumped = lockfile(r_version="4.3.2", shiny="1.9.1", dplyr="1.1.4")
    stage_lock(repo, bumped)
    _, report = check_json(repo)
    assert [f["code"] for f in r_findings(report)] == ["MG311", "MG309"]  # platform 4.3.1, the lockfile's R 4.3.2
    finding = r_findings(report, "MG309")[0]
    assert finding["fixable"] is True and "writeManifest" not in finding["message"]
    before = (repo / MANIFEST).read_text()
    result = run_main(["fix"], repo)
    assert result.code == 1
    assert "packages regenerated from renv.lock (4 packages), platform set to '4.3.2'" in result.stdout
    fixed = json.loads((repo / MANIFEST).read_text())
    assert fixed["packages"] == rsconnect._lockfile_to_manifest_packages(bumped)
    assert list(fixed) == list(json.loads(before)) and fixed["platform"] == "4.3.2"
    git(repo, "add", MANIFEST)
    assert check_json(repo)[0] == 0


def test_fix_leaves_r_rsconnect_packages_alone(git_repo: Path) -> None:
    repo = make_r_repo(git_repo)
    stage_lock(repo, lockfile(shiny="1.9.1"))
    before = json.loads((repo / MANIFEST).read_text())
    result = run_main(["fix"], repo)
    after = json.loads((repo / MANIFEST).read_text())
    assert after["packages"] == before["packages"] and after["platform"] == before["platform"]
    assert after["files"]["renv.lock"] != before["files"]["renv.lock"]  # the checksum is fix's to refresh
    assert "rsconnect::writeManifest()" in result.stdout + result.stderr


# --- the conversion, differential against rsconnect-python -------------------------------------------

BIOC = {"Package": "Biobase", "Version": "2.62.0", "Source": "Bioconductor", "Repository": "Bioconductor 3.18",
        "RemoteRepos": "https://bioconductor.org/packages/3.18/bioc", "Requirements": ["BiocGenerics", "R"],
        "Hash": "38252a34e82d3ff6bb46b4e2252d2dce"}  # fmt: skip
LOCKFILE_SHAPES: dict[str, dict[str, Any]] = {
    "cran": lockfile(),
    "rspm-named": {
        "R": {"Version": "4.4.1", "Repositories": [{"Name": "RSPM", "URL": "https://p3m.dev/cran/latest/"}]},
        "Packages": {"R6": {"Package": "R6", "Version": "2.5.1", "Source": "Repository", "Repository": "RSPM",
                            "Requirements": ["R"], "Hash": "470851b6d5d0ac559e9d01bb352b4021"}},
    },
    "github": {
        "R": {"Version": "4.4.1", "Repositories": [{"Name": "CRAN", "URL": CRAN}]},
        "Packages": {"dfeshiny": {"Package": "dfeshiny", "Version": "0.2.0", "Source": "GitHub",
                                  "RemoteType": "github", "RemoteHost": "api.github.com",
                                  "RemoteUsername": "dfe-analytical-services", "RemoteRepo": "dfeshiny",
                                  "RemoteRef": "main", "RemoteSha": "6a4c898934274a5f6f13188c379d04667c4cf1c9",
                                  "Requirements": ["glue", "shiny"], "Hash": "dabb4b32305d045b5e091bc0dcb77988"},
                     "pins": {"Package": "pins", "Version": "1.3.0", "Source": "GitHub", "RemoteType": "github",
                              "RemotePkgRef": "rstudio/pins-r", "RemoteRef": "HEAD", "Hash": "0" * 32}},
    },
    "bioconductor": {
        "R": {"Version": "4.3.2", "Repositories": [{"Name": "CRAN", "URL": CRAN}]},
        "Bioconductor": {"Version": "3.18"},
        "Packages": {"Biobase": BIOC, "BiocGenerics": {**BIOC, "Package": "BiocGenerics", "Version": "0.48.1",
                                                       "RemoteRepos": None, "Repository": None}},
    },
    "renv-1.1-description-fields": {
        "R": {"Version": "4.5.0", "Repositories": [{"Name": "CRAN", "URL": PPM}]},
        "Packages": {"cli": {"Package": "cli", "Version": "3.6.5", "Source": "Repository", "Title": "Helpers",
                             "Authors@R": "person(\"Gábor\", \"Csárdi\")", "License": "MIT + file LICENSE",
                             "Encoding": "UTF-8", "NeedsCompilation": "yes", "Repository": "CRAN",
                             "Depends": ["R (>= 3.4)"], "Imports": ["utils"], "Suggests": ["covr", "testthat"],
                             "URL": "https://cli.r-lib.org", "Config/testthat/edition": "3",
                             "RemoteType": "standard", "RemoteRepos": PPM + "/", "RemoteReposName": "CRAN",
                             "RemotePkgPlatform": "x86_64-pc-linux-gnu", "Hash": "1" * 32}},
    },
}


@pytest.mark.parametrize("shape", sorted(LOCKFILE_SHAPES))
def test_the_conversion_is_rsconnect_pythons(shape: str) -> None:
    rsconnect = pytest.importorskip("rsconnect.environment_r")
    lock = LOCKFILE_SHAPES[shape]
    expected = rsconnect._lockfile_to_manifest_packages(copy.deepcopy(lock))
    converted = convert_lockfile(lock)
    assert converted.complete
    assert json.dumps(converted.packages) == json.dumps(expected)  # the same keys in the same order


def test_a_package_rsconnect_python_cannot_resolve_is_named_not_guessed() -> None:
    rsconnect = pytest.importorskip("rsconnect.environment_r")
    lock = lockfile()
    lock["Packages"]["arrow"] = {"Package": "arrow", "Version": "14.0.0", "Source": "Repository",
                                 "Repository": "Private"}  # fmt: skip
    with pytest.raises(rsconnect.RSConnectException):
        rsconnect._lockfile_to_manifest_packages(lock)
    converted = convert_lockfile(lock)
    assert converted.unresolved == ("arrow",) and sorted(converted.packages) == ["httr", "jsonlite", "shiny"]
