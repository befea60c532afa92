"""``merge_files``: the minimal, order-keeping update of a manifest's ``files`` (for ``fix``)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from manifest_guard.engine.manifest import merge_files


def _files(*paths: str) -> dict[str, dict[str, str]]:
    return {path: {"checksum": "0" * 32} for path in paths}


def test_new_files_go_where_write_puts_them() -> None:
    existing = _files("requirements.txt", "app.py", "data.csv")
    fresh = {"requirements.txt": "1", "app.py": "2", "b.py": "3", "data.csv": "4", "z.txt": "5"}
    assert list(merge_files(existing, fresh)) == ["requirements.txt", "app.py", "b.py", "data.csv", "z.txt"]


def test_custom_order_and_extra_keys_are_kept() -> None:
    existing = {"z.txt": {"checksum": "a", "note": 1}, "requirements.txt": {"checksum": "b"}}
    fresh = {"requirements.txt": "new-b", "z.txt": "new-a", "a.py": "c"}
    merged = merge_files(existing, fresh)
    assert list(merged) == ["z.txt", "a.py", "requirements.txt"]  # after z.txt, its predecessor in fresh
    assert merged["z.txt"] == {"checksum": "new-a", "note": 1}


def test_only_chosen_new_files_are_added_and_gone_ones_dropped() -> None:
    existing = _files("requirements.txt", "old.py")
    fresh = {"requirements.txt": "1", "README.md": "2", "new.py": "3"}
    assert list(merge_files(existing, fresh, add=["new.py"])) == ["requirements.txt", "new.py"]


@given(st.lists(st.text(min_size=1, max_size=4), unique=True), st.data())
def test_merging_into_a_write_ordered_subset_gives_write_order(paths: list[str], data: st.DataObject) -> None:
    fresh = {path: "c" for path in paths}
    kept = [path for path in paths if data.draw(st.booleans())]
    merged = merge_files(_files(*kept), fresh)
    assert list(merged) == paths
    assert merge_files(merged, fresh) == merged
