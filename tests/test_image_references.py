"""MG103 for new images: an image that no file of the app names (a screenshot, a gallery thumbnail) is a
warning that ``fix`` leaves alone; an image the app names, or one beside listed images the app reads as
a directory, stays an error that ``fix`` lists. Seen in Posit's examples gallery: ``.internal.yml`` and
a ``voila.png`` it names, added to every app and kept out of the manifests."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.conftest import git, put
from tests.gitapp import APP, MACHINE, MANIFEST, commit_all
from tests.inprocess import run_main

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256))


def check(repo: Path, *args: str) -> tuple[int, list[tuple[str, str, str]]]:
    result = run_main(["check", "--output-format", "json", *args], repo)
    findings = json.loads(result.stdout)["findings"]
    return result.code, sorted((f["code"], f["subject"], f["severity"]) for f in findings)


def stage(repo: Path, files: dict[str, str | bytes]) -> None:
    put(repo / APP, files)
    git(repo, "add", "-A")


def listed(repo: Path) -> set[str]:
    return set(json.loads((repo / MANIFEST).read_text())["files"])


def test_a_screenshot_nothing_names_is_a_warning_and_fix_leaves_it_out(repo: Path) -> None:
    before = listed(repo)
    stage(repo, {"screenshot.png": PNG})
    code, findings = check(repo)
    assert (code, findings) == (0, [("MG103", "screenshot.png", "warning")])
    result = run_main(["check"], repo)
    assert "no file of the app names (a screenshot or a gallery thumbnail?); list it if the app shows it" in (
        result.stdout
    )
    run_main(["fix"], repo)
    assert listed(repo) == before


def test_an_image_a_template_names_is_an_error_and_fix_lists_it(repo: Path) -> None:
    stage(repo, {"templates/index.html": "<img src=\"{{ url_for('static', filename='logo.png') }}\">\n"})
    run_main(["fix", "--stage"], repo)
    commit_all(repo)
    stage(repo, {"static/logo.png": PNG})
    assert check(repo) == (1, [("MG103", "static/logo.png", "error")])
    run_main(["fix"], repo)
    assert "static/logo.png" in listed(repo)


@pytest.mark.parametrize(
    "naming",
    [
        {"app.py": "from flask import Flask\napp = Flask(__name__)\nLOGO = 'img/my logo.png'\n"},
        {"static/site.css": "a { background: url(../img/my%20logo.png) }\n"},
    ],
    ids=["code", "url-encoded-in-a-stylesheet"],
)
def test_an_image_the_code_or_a_stylesheet_names_is_an_error(repo: Path, naming: dict[str, str]) -> None:
    stage(repo, naming)
    run_main(["fix", "--stage"], repo)
    commit_all(repo)
    stage(repo, {"img/my logo.png": PNG})
    assert check(repo) == (1, [("MG103", "img/my logo.png", "error")])


def test_gallery_files_and_the_image_they_name_are_warnings(repo: Path) -> None:
    """Posit's examples gallery: ``.internal.yml`` names the thumbnail; neither is the app's."""
    gallery = 'Default:\n  content:\n    - name: "Hello"\n      path: "."\n      image: "voila.png"\n'
    readme = "# Hello\n\n![](docs.png)\n"
    stage(repo, {".internal.yml": gallery, "voila.png": PNG, "README.md": readme, "docs.png": PNG})
    code, findings = check(repo)
    assert code == 0
    assert findings == [("MG103", ".internal.yml", "warning"), ("MG103", "README.md", "warning"),
                        ("MG103", "docs.png", "warning"), ("MG103", "voila.png", "warning")]  # fmt: skip


def test_a_new_image_beside_listed_images_nothing_names_is_an_error(repo: Path) -> None:
    """The app reads the directory (``os.listdir("photos")``): its listed images are not named either."""
    put(repo / APP, {"photos/a.jpg": PNG, "photos/b.jpg": PNG})
    assert run_main(["write", "-o", *MACHINE, "flask", APP], repo).code == 0
    commit_all(repo)
    assert {"photos/a.jpg", "photos/b.jpg"} <= listed(repo)
    stage(repo, {"photos/c.jpg": PNG, "shots/new.png": PNG})
    assert check(repo) == (1, [("MG103", "photos/c.jpg", "error"), ("MG103", "shots/new.png", "warning")])


def test_too_much_to_read_keeps_the_error(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("manifest_guard.engine.image_references.MAX_TOTAL_BYTES", 10)
    stage(repo, {"screenshot.png": PNG})
    uncached = run_main(["check", "--output-format", "json"], repo, env={"MANIFEST_GUARD_NO_CACHE": "1"})
    assert [(f["subject"], f["severity"]) for f in json.loads(uncached.stdout)["findings"]] == [
        ("screenshot.png", "error")
    ]


def test_a_big_data_file_is_not_searched_but_does_not_count_against_the_image(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("manifest_guard.engine.image_references.MAX_FILE_BYTES", 100)
    stage(repo, {"data.csv": "name\n" + "screenshot.png\n" * 20})
    run_main(["fix", "--stage"], repo)
    commit_all(repo)
    stage(repo, {"screenshot.png": PNG})
    uncached = run_main(["check", "--output-format", "json"], repo, env={"MANIFEST_GUARD_NO_CACHE": "1"})
    assert [(f["subject"], f["severity"]) for f in json.loads(uncached.stdout)["findings"]] == [
        ("screenshot.png", "warning")
    ]


@pytest.mark.parametrize(
    "name", [b"caf\xe9.png", "caf\u00e9.png".encode(), b"tab\there.png"], ids=["latin-1", "utf-8", "tab"]
)
def test_odd_image_names_are_reported_without_an_error(repo: Path, name: bytes) -> None:
    """A name that is not UTF-8 or that no files key may hold: reported, never an internal error."""
    (repo / APP / os.fsdecode(name)).write_bytes(PNG)
    git(repo, "add", "-A")
    code, findings = check(repo)
    assert code in (0, 1) and [subject for _code, subject, _severity in findings] == [os.fsdecode(name)]


def test_a_cached_result_follows_the_code_that_names_the_image(repo: Path) -> None:
    """The stored result depends on every file the rule read: naming the image in app.py makes it an error."""
    stage(repo, {"screenshot.png": PNG})
    assert check(repo) == (0, [("MG103", "screenshot.png", "warning")])
    assert check(repo) == (0, [("MG103", "screenshot.png", "warning")])  # a cache hit
    stage(repo, {"app.py": "from flask import Flask\napp = Flask(__name__)\nSHOT = 'screenshot.png'\n"})
    assert check(repo) == (1, [("MG101", "app.py", "error"), ("MG103", "screenshot.png", "error")])
