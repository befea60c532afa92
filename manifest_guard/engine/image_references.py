"""Which new images does the app itself name? A screenshot or gallery thumbnail that nothing in the app
names is most often kept out of the manifest on purpose.

Seen in real repositories that commit Connect manifests: a ``voila.png`` added beside an app for a
gallery page (named only by the gallery's ``.internal.yml``) or a screenshot for the README, never
listed. An app shows an image by naming it: ``st.image("logo.png")``, ``<img src="{{ url_for(...,
filename='logo.png') }}">``, ``![](img/lion.jpg)`` in a Quarto document, ``url(bg.png)`` in a
stylesheet. An app that reads a whole directory of images (``os.listdir("img")``) names none of them,
so a new image beside listed images that no app file names either stays the app's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from urllib.parse import quote

from manifest_guard.catalogue.development_files import IMAGE_SUFFIXES
from manifest_guard.foundation.errors import UserError
from manifest_guard.repository.trees import Tree, join

# Files read to look for names: those up to this size, and this much in all (a larger app keeps the error).
MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_TOTAL_BYTES = 64 * 1024 * 1024
# Contents that never name a file for the app to show (lower case: compared with the lower-cased name).
_NOT_SEARCHED = (*IMAGE_SUFFIXES, ".ico", ".pdf", ".zip", ".gz", ".parquet", ".feather", ".pkl", ".pickle",
                 ".rds", ".rda", ".rdata", ".joblib", ".h5", ".pt", ".onnx", ".woff", ".woff2", ".ttf",
                 ".otf", ".mp4", ".mp3", ".wav", ".sqlite", ".db")  # fmt: skip


def is_image(path: str) -> bool:
    return path.lower().endswith(IMAGE_SUFFIXES)


def _directory(path: str) -> str:
    return path.rpartition("/")[0]


def _spellings(path: str) -> tuple[bytes, ...]:
    """How a file may name the image: its file name, as written or URL-encoded."""
    name = path.rpartition("/")[2]
    return tuple({name.encode("utf-8", "surrogateescape"), quote(name, errors="surrogateescape").encode("ascii")})


def unnamed_images(
    candidates: Iterable[str],
    files: Sequence[str],
    listed: Mapping[str, object],
    tree: Tree,
    app: str,
    is_app_file: Callable[[str], bool],
) -> set[str]:
    """The new images among ``candidates`` (app-relative) that no app file names, where no listed image in
    the same directory goes unnamed too (then the app reads the directory). ``files`` are the app's
    files in ``tree`` under ``app``; ``is_app_file`` says whether a file is the app's own rather than
    documentation or tooling. When a file cannot be read, or the files are too big to read, no image
    counts as unnamed: the finding stays an error."""
    images = [path for path in candidates if is_image(path)]
    if not images:
        return set()
    directories = {_directory(path) for path in images}
    siblings = [path for path in listed if is_image(path) and _directory(path) in directories and path in files]
    sought = {path: _spellings(path) for path in (*images, *siblings)}
    named: set[str] = set()
    budget = MAX_TOTAL_BYTES
    try:
        for path in files:
            if path in sought or path.lower().endswith(_NOT_SEARCHED) or not is_app_file(path):
                continue
            size = tree.size(join(app, path))
            if size > MAX_FILE_BYTES:
                continue  # data, not a page or code that shows an image
            budget -= size
            if budget < 0:
                return set()
            content = tree.read_bytes(join(app, path))
            named.update(image for image, spellings in sought.items() if any(s in content for s in spellings))
            if len(named) == len(sought):
                break
    except (OSError, UserError):
        return set()
    read_whole = {_directory(path) for path in siblings if path not in named}
    return {path for path in images if path not in named and _directory(path) not in read_whole}
