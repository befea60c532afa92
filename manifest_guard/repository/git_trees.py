"""Git trees: the staged content (the index) and any revision, read from git's object database.

Blobs are read from git, never from the work tree, so a check of the index sees exactly what the
next commit will contain and checksums are of what git stores (no CRLF surprises on Windows).
"""

from __future__ import annotations

import bisect
import contextlib
import os
import posixpath
import stat
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, Protocol, TypeVar

from manifest_guard.caches.blob_md5 import BlobCache
from manifest_guard.foundation.checksums import CHUNK_SIZE, new_md5
from manifest_guard.foundation.errors import UserError
from manifest_guard.foundation.line_endings import (
    CRLF,
    Conversion,
    LineEndingScan,
    OtherForm,
    ScanResult,
    other_form_of_bytes,
)
from manifest_guard.repository.hook_scope import git_output
from manifest_guard.repository.line_endings import index_conversions, revision_conversions
from manifest_guard.repository.tree_reads import DIRECTORIES, ENTRIES, LISTINGS, TreeReads, well_formed
from manifest_guard.repository.trees import EntryKind, TargetKind, TreeEntry

SYMLINK_HOPS = 40
MAX_HASH_WORKERS = 4
# What the CRLF cache's flag says about a blob's checkout on Windows.
CRLF_NONE = 0  # no LF without a CR before it: the same bytes on every machine
CRLF_TEXT = 1  # converted only under the ``text`` / ``eol=crlf`` attributes (git judges it binary or mixed)
CRLF_AUTO = 2  # converted under ``text=auto`` and ``core.autocrlf=true`` too


GITLINK_MODE = 0o160000


def _kind(mode: int) -> EntryKind | None:
    if stat.S_ISLNK(mode):
        return EntryKind.SYMLINK
    if stat.S_ISREG(mode):
        return EntryKind.FILE
    if mode == GITLINK_MODE:
        return EntryKind.GITLINK  # a submodule: its files are not in this repository
    return None


class GitTree:
    """A snapshot of paths -> (mode, blob id) from the index or a commit, with blobs read lazily.

    Every question about the snapshot goes through ``_entry``, ``_is_directory`` or ``_listed``, which
    note it in the ``TreeReads`` being recorded (see :meth:`recording`): what a stored result depended
    on is what its computation asked, not a list someone remembered to keep up to date.
    """

    def __init__(
        self,
        repo: Any,
        entries: dict[str, tuple[int, bytes]],
        label: str,
        unmerged: dict[str, list[bytes]] | None = None,
    ) -> None:
        self._repo = repo
        self._entries = entries
        self.label = label
        # Paths with conflict stages (1-3) and no stage 0: neither present nor absent until resolved.
        self.unmerged: dict[str, list[bytes]] = unmerged or {}
        self._sorted: list[str] | None = None
        self._listing_digests: dict[str, str] = {}
        self._reads: TreeReads | None = None
        self._known: dict[bytes, tuple[str, int]] = {}  # blob -> (md5, size), hashed or cached in this run
        self._crlf_known: dict[bytes, tuple[str, int]] = {}  # blob -> (md5 of its CRLF checkout, CRLF_* flag)
        self.cache: BlobCache | None = None
        # each path's line-ending conversion on a Windows checkout, from the tree's own .gitattributes
        self.conversions: Callable[[Sequence[str]], dict[str, Conversion]] = lambda paths: {}

    @classmethod
    def from_index(cls, repo: Any, index_file: str | None = None) -> GitTree:
        """The staged content; ``index_file`` (``GIT_INDEX_FILE``) overrides ``.git/index``.

        Read with ``git ls-files --stage`` rather than parsed here, so every index format git
        writes (version 4, split and sparse indexes) is understood.
        """
        import git

        environment = {"GIT_INDEX_FILE": index_file} if index_file else {}
        try:
            output = repo.git.execute(
                ["git", "-C", str(repo.working_tree_dir), "ls-files", "--stage", "-z"],
                stdout_as_string=False,
                env=environment,
            )
        except git.GitCommandError as error:
            message = str(error.stderr or "").strip().replace("\n", " ") or str(error)
            raise UserError(f"cannot read the git index: {message}") from None
        entries: dict[str, tuple[int, bytes]] = {}
        unmerged: dict[str, list[bytes]] = {}
        for record in bytes(output).split(b"\0"):
            if not record:
                continue
            meta, _, raw_path = record.partition(b"\t")
            mode, sha, stage = meta.split(b" ")
            binsha = bytes.fromhex(sha.decode("ascii"))
            if stage == b"0":
                entries[os.fsdecode(raw_path)] = (int(mode, 8), binsha)
            else:
                unmerged.setdefault(os.fsdecode(raw_path), []).append(binsha)
        tree = cls(repo, entries, "index", unmerged)
        root = str(repo.working_tree_dir)
        tree.conversions = lambda paths: index_conversions(root, paths, index_file)
        return tree

    @classmethod
    def from_revision(cls, repo: Any, revision: str) -> GitTree:
        """A commit's tree (``HEAD``, ``origin/main``, a sha), listed by one ``git ls-tree -r``."""
        root = str(repo.working_tree_dir)
        try:
            commit = git_output(root, "rev-parse", "--verify", "--end-of-options", f"{revision}^{{commit}}").strip()
        except UserError:
            raise UserError(f"unknown revision {revision!r}") from None
        output = git_output(root, "ls-tree", "-r", "-z", "--full-tree", commit.decode("ascii"))
        entries: dict[str, tuple[int, bytes]] = {}
        for record in output.split(b"\0"):
            if record:
                meta, _, raw_path = record.partition(b"\t")
                mode, _kind, sha = meta.split(b" ")
                entries[os.fsdecode(raw_path)] = (int(mode, 8), bytes.fromhex(sha.decode("ascii")))
        tree = cls(repo, entries, revision)
        tree.conversions = lambda paths: revision_conversions(root, commit.decode("ascii"), paths)
        return tree

    # ------------------------------------------------------------------ the snapshot, unrecorded

    def _under(self, directory: str) -> list[str]:
        """The sorted paths below ``directory``, found by bisection: work proportional to that app."""
        if self._sorted is None:
            self._sorted = sorted(self._entries)
        if not directory:
            return self._sorted
        prefix = directory + "/"
        start = bisect.bisect_left(self._sorted, prefix)
        end = bisect.bisect_left(self._sorted, directory + "0")  # "0" is the character right after "/"
        return self._sorted[start:end]

    def _has_under(self, directory: str) -> bool:
        """A directory exists in git exactly when some entry lies below it; the root always exists."""
        if not directory:
            return True
        if self._sorted is None:
            self._sorted = sorted(self._entries)
        start = bisect.bisect_left(self._sorted, directory + "/")
        return start < len(self._sorted) and self._sorted[start].startswith(directory + "/")

    def _entry_answer(self, path: str) -> str:
        entry = self._entries.get(path)
        return f"{entry[0]:o} {entry[1].hex()}" if entry else ""

    def _listing_digest(self, directory: str) -> str:
        """A digest of the path, mode and blob id of every entry under ``directory`` (the snapshot never
        changes, so once per directory)."""
        known = self._listing_digests.get(directory)
        if known is None:
            import hashlib

            digest = hashlib.sha256()
            for path in self._under(directory):
                mode, binsha = self._entries[path]
                digest.update(f"{mode:o} {path}\0".encode("utf-8", "surrogateescape") + binsha)
            known = self._listing_digests[directory] = digest.hexdigest()
        return known

    # ------------------------------------------------------------------ recorded questions

    def _entry(self, path: str) -> tuple[int, bytes] | None:
        if self._reads is not None:
            self._reads.entries.add(path)
        return self._entries.get(path)

    def _is_directory(self, path: str) -> bool:
        if self._reads is not None:
            self._reads.directories.add(path)
        return self._has_under(path)

    def _listed(self, directory: str) -> list[tuple[str, int]]:
        """Every path below ``directory`` with its mode, sorted."""
        if self._reads is not None:
            self._reads.listings.add(directory)
        entries = self._entries
        return [(path, entries[path][0]) for path in self._under(directory)]

    @contextlib.contextmanager
    def recording(self) -> Iterator[TreeReads]:
        """Note every question asked of this tree inside the ``with`` block."""
        reads, previous = TreeReads(), self._reads
        self._reads = reads
        try:
            yield reads
        finally:
            self._reads = previous

    def answers(self, reads: TreeReads) -> dict[str, dict[str, Any]]:
        """This tree's answers to ``reads``, JSON-able (stored beside a result)."""
        return {
            ENTRIES: {path: self._entry_answer(path) for path in sorted(reads.entries)},
            DIRECTORIES: {path: self._has_under(path) for path in sorted(reads.directories)},
            LISTINGS: {directory: self._listing_digest(directory) for directory in sorted(reads.listings)},
        }

    def gives(self, answers: Any) -> bool:
        """True when this tree answers the questions behind stored ``answers`` exactly as they say
        (the cheap questions first: most mismatches never hash a listing)."""
        if not well_formed(answers):
            return False
        return (
            all(self._entry_answer(path) == answer for path, answer in answers[ENTRIES].items())
            and all(self._has_under(path) is answer for path, answer in answers[DIRECTORIES].items())
            and all(self._listing_digest(path) == answer for path, answer in answers[LISTINGS].items())
        )

    def attribute_files_digest(self) -> str:
        """A digest of every ``.gitattributes`` of the snapshot: ``git check-attr`` reads them all, outside
        the recorded questions, so the result cache keys on them as a whole."""
        import hashlib

        digest = hashlib.sha256()
        for path in sorted(p for p in self._entries if p == ".gitattributes" or p.endswith("/.gitattributes")):
            digest.update(path.encode("utf-8", "surrogateescape") + b"\0" + self._entries[path][1])
        return digest.hexdigest()[:16]

    # ------------------------------------------------------------------ the Tree interface

    def display(self, path: str) -> str:
        return f"{self.label}:{path or '.'}"

    def paths(self) -> list[str]:
        """Every path of the tree (used to find manifests)."""
        return [path for path, _mode in self._listed("")]

    def blob_id(self, path: str) -> str | None:
        entry = self._entry(path)
        return entry[1].hex() if entry else None

    def unmerged_under(self, directory: str) -> list[str]:
        """The unmerged paths at or below ``directory``, sorted."""
        prefix = directory + "/" if directory else ""
        return sorted(path for path in self.unmerged if path == directory or path.startswith(prefix))

    def read_stage_blobs(self, path: str) -> list[bytes]:
        """The content of each conflict stage of an unmerged path."""
        return [self._read(binsha) for binsha in self.unmerged.get(path, [])]

    def walk(self, directory: str, prune: Callable[[str], bool]) -> Iterator[TreeEntry]:
        prefix = directory + "/" if directory else ""
        pruned: dict[str, bool] = {}
        for path, mode in self._listed(directory):
            kind = _kind(mode)
            if kind is None:
                continue
            parts = path[len(prefix) :].split("/")
            skip = False
            for depth in range(1, len(parts)):
                sub = prefix + "/".join(parts[:depth])
                if sub not in pruned:
                    pruned[sub] = prune(sub)
                if pruned[sub]:
                    skip = True
                    break
            if not skip:
                yield TreeEntry(path, kind)

    def names_in(self, directory: str) -> set[str]:
        prefix = directory + "/" if directory else ""
        return {path[len(prefix) :].split("/", 1)[0] for path, _mode in self._listed(directory)}

    def entry_kind(self, path: str) -> EntryKind | None:
        entry = self._entry(path)
        return _kind(entry[0]) if entry else None

    def _follow(self, path: str, boundary: str) -> tuple[TargetKind, str | None]:
        current = path
        for _ in range(SYMLINK_HOPS):
            entry = self._entry(current)
            if entry is None:
                if self._is_directory(current):
                    return TargetKind.DIRECTORY, current
                return TargetKind.MISSING, current
            if not stat.S_ISLNK(entry[0]):
                return (TargetKind.FILE, current) if stat.S_ISREG(entry[0]) else (TargetKind.DIRECTORY, current)
            target = os.fsdecode(self._read(entry[1]))
            if target.startswith("/"):
                return TargetKind.OUTSIDE, None
            current = posixpath.normpath(posixpath.join(posixpath.dirname(current), target))
            inside = boundary == "" or current == boundary or current.startswith(boundary + "/")
            if current.startswith("../") or current == ".." or not inside:
                return TargetKind.OUTSIDE, None
            current = "" if current == "." else current
        return TargetKind.MISSING, None

    def resolve_symlink(self, path: str, boundary: str) -> tuple[TargetKind, str | None]:
        return self._follow(path, boundary)

    def is_file(self, path: str) -> bool:
        return self._follow(path, "")[0] is TargetKind.FILE

    def is_dir(self, path: str) -> bool:
        return self._follow(path, "")[0] is TargetKind.DIRECTORY

    def _resolved_blob(self, path: str) -> bytes:
        kind, target = self._follow(path, "")
        entry = self._entry(target) if kind is TargetKind.FILE and target is not None else None
        if entry is None:
            raise UserError(f"{self.display(path)}: not a file in {self.label}")
        return entry[1]

    def _read(self, binsha: bytes) -> bytes:
        try:
            return bytes(self._repo.odb.stream(binsha).read())
        except Exception as error:
            raise UserError(f"cannot read git object {binsha.hex()}: {error}") from None

    def read_bytes(self, path: str) -> bytes:
        return self._read(self._resolved_blob(path))

    def md5(self, path: str) -> str:
        return self._digest(self._resolved_blob(path))[0]

    def size(self, path: str) -> int:
        binsha = self._resolved_blob(path)
        known = self._lookup(binsha)
        if known is not None:
            return known[1]
        try:
            return int(self._repo.odb.info(binsha).size)
        except Exception as error:
            raise UserError(f"cannot read git object {binsha.hex()}: {error}") from None

    def _lookup(self, binsha: bytes) -> tuple[str, int] | None:
        known = self._known.get(binsha)
        if known is None and self.cache is not None:
            known = self.cache.get(binsha.hex())
            if known is not None:
                self._known[binsha] = known
        return known

    def _digest(self, binsha: bytes) -> tuple[str, int]:
        known = self._lookup(binsha)
        if known is None:
            self._hash_blobs([binsha])
            known = self._known[binsha]
        return known

    def converted_md5s(self, paths: Iterable[str], matching: Mapping[str, str] | None = None) -> dict[str, OtherForm]:
        """The md5 of the CRLF checkout of each path whose checkout on Windows differs from what git
        stores. Each blob is read once more (then remembered by blob id), and ``.gitattributes`` is
        consulted only for the files that hold a LF not preceded by CR (and, with ``matching``, whose
        CRLF form has the md5 given there)."""
        targets: dict[str, tuple[str, bytes]] = {}
        for path in paths:
            kind, target = self._follow(path, "")
            entry = self._entry(target) if kind is TargetKind.FILE and target is not None else None
            if target is not None and entry is not None:
                targets[path] = (target, entry[1])
        scans = self._crlf_scans(list(dict.fromkeys(binsha for _, binsha in targets.values())))
        candidates = {
            path: (target, binsha) for path, (target, binsha) in targets.items()
            if scans[binsha][1] != CRLF_NONE and (matching is None or matching.get(path) == scans[binsha][0])
        }  # fmt: skip
        conversions = self.conversions(sorted({target for target, _ in candidates.values()})) if candidates else {}
        forms: dict[str, OtherForm] = {}
        for path, (target, binsha) in candidates.items():
            md5, flag = scans[binsha]
            conversion = conversions.get(target, Conversion.AUTO)
            if conversion is Conversion.TEXT or (conversion is Conversion.AUTO and flag == CRLF_AUTO):
                forms[path] = OtherForm(md5, CRLF)
        return forms

    def converted_bytes(self, path: str) -> tuple[bytes, str] | None:
        """The CRLF checkout of a small file (the package file), when it differs from what git stores."""
        data = self.read_bytes(path)
        if b"\n" not in data:
            return None
        _, target = self._follow(path, "")
        assert target is not None
        return other_form_of_bytes(data, self.conversions([target]).get(target, Conversion.AUTO), with_lf=False)

    def _crlf_scans(self, blobs: list[bytes]) -> dict[bytes, tuple[str, int]]:
        """(md5 of the CRLF form, CRLF_* flag) of each blob: remembered, cached, or read now."""
        crlf_cache = self.cache.crlf if self.cache is not None else None
        missing = []
        for binsha in blobs:
            known = self._crlf_known.get(binsha)
            if known is None and crlf_cache is not None:
                known = crlf_cache.get(binsha.hex())
            if known is None:
                missing.append(binsha)
            else:
                self._crlf_known[binsha] = known
        if missing:
            root = str(self._repo.working_tree_dir)
            objects = os.environ.get("GIT_OBJECT_DIRECTORY") or os.path.join(str(self._repo.common_dir), "objects")
            scans: dict[bytes, ScanResult] = {}
            for binsha in missing:
                scan = LineEndingScan()
                if stream_loose_blob(objects, binsha, scan) is not None:
                    scans[binsha] = scan.finish()
            rest = [binsha for binsha in missing if binsha not in scans]
            for binsha, scan, _size in stream_blobs(root, rest, LineEndingScan) if rest else ():
                scans[binsha] = scan.finish()
            for binsha, result in scans.items():
                flag = CRLF_NONE if result.lone_lf == 0 else CRLF_AUTO if result.auto_converts_to_crlf() else CRLF_TEXT
                self._crlf_known[binsha] = (result.crlf_md5, flag)
                if crlf_cache is not None:
                    crlf_cache.put(binsha.hex(), result.crlf_md5, flag)
        return {binsha: self._crlf_known[binsha] for binsha in blobs}

    def prefetch(self, paths: Iterable[str]) -> None:
        """Hash every blob behind ``paths`` that is not known yet, all at once (see ``_hash_blobs``)."""
        wanted: dict[bytes, None] = {}
        for path in paths:
            kind, target = self._follow(path, "")
            entry = self._entry(target) if kind is TargetKind.FILE and target is not None else None
            if entry is not None and self._lookup(entry[1]) is None:
                wanted[entry[1]] = None
        if wanted:
            self._hash_blobs(list(wanted))

    def _hash_blobs(self, blobs: list[bytes]) -> None:
        """Hash on every core: one ``git cat-file`` per worker thread, each taking every n-th blob (git
        inflates while Python hashes; hashlib and pipe reads release the GIL)."""
        root = str(self._repo.working_tree_dir)
        objects = os.environ.get("GIT_OBJECT_DIRECTORY") or os.path.join(str(self._repo.common_dir), "objects")

        def hash_share(share: list[bytes]) -> list[tuple[bytes, tuple[str, int]]]:
            found = [(binsha, hash_loose_blob(objects, binsha)) for binsha in share]
            done = [(binsha, result) for binsha, result in found if result is not None]
            rest = [binsha for binsha, result in found if result is None]
            return done + (list(hash_blobs(root, rest)) if rest else [])

        workers = min(len(blobs), os.cpu_count() or 1, MAX_HASH_WORKERS)
        if workers <= 1:
            results = hash_share(blobs)
        else:
            from concurrent.futures import ThreadPoolExecutor

            with ThreadPoolExecutor(workers) as pool:
                hashed = pool.map(hash_share, [blobs[n::workers] for n in range(workers)])
                results = [result for share in hashed for result in share]
        for binsha, (md5, size) in results:
            self._known[binsha] = (md5, size)
            if self.cache is not None:
                self.cache.put(binsha.hex(), md5, size)


class ChunkSink(Protocol):
    """What a blob's content is streamed into: an md5, or a line-ending scan."""

    def update(self, data: bytes, /) -> None: ...


Sink = TypeVar("Sink", bound=ChunkSink)


def hash_loose_blob(objects: str, binsha: bytes) -> tuple[str, int] | None:
    """md5 and size of a loose blob (see :func:`stream_loose_blob`)."""
    digest = new_md5()
    size = stream_loose_blob(objects, binsha, digest)
    return None if size is None else (digest.hexdigest(), size)


def stream_loose_blob(objects: str, binsha: bytes, sink: ChunkSink) -> int | None:
    """Feed a loose blob to ``sink``, inflated in 1 MiB steps, and return its size; None when it is not a
    readable loose blob (packed, in an alternate, corrupt), for ``git cat-file`` to answer (``sink`` is then
    spoilt). git inflates a loose object whole (a 300 MB file took 300 MB in ``git cat-file``), and gitdb's
    loose reader is slower still."""
    import zlib

    hexsha = binsha.hex()
    try:
        stream = open(os.path.join(objects, hexsha[:2], hexsha[2:]), "rb")  # noqa: SIM115 (closed below)
    except OSError:
        return None
    with stream:
        inflater = zlib.decompressobj()
        header = b""
        size: int | None = None
        seen = 0
        try:
            while True:
                compressed = inflater.unconsumed_tail or stream.read(CHUNK_SIZE)
                if not compressed:
                    break
                data = inflater.decompress(compressed, CHUNK_SIZE)
                if size is None:
                    header += data
                    end = header.find(b"\0")
                    if end < 0:
                        if len(header) > 64:
                            return None
                        continue
                    kind, _, length = header[:end].partition(b" ")
                    if kind != b"blob" or not length.isdigit():
                        return None
                    size, data = int(length), header[end + 1 :]
                sink.update(data)
                seen += len(data)
            tail = inflater.flush()
        except (OSError, zlib.error):
            return None
        sink.update(tail)
        seen += len(tail)
    if size is None or seen != size or not inflater.eof:
        return None
    return size


def hash_blobs(root: str, blobs: list[bytes]) -> Iterator[tuple[bytes, tuple[str, int]]]:
    """md5 and size of each blob (see :func:`stream_blobs`)."""
    for binsha, digest, size in stream_blobs(root, blobs, new_md5):
        yield binsha, (digest.hexdigest(), size)


def stream_blobs(root: str, blobs: list[bytes], new_sink: Callable[[], Sink]) -> Iterator[tuple[bytes, Sink, int]]:
    """Each blob fed to a new sink, with its size, streamed from one ``git cat-file --batch``: ids are
    written by a thread while the output is read in 1 MiB chunks, so this process never holds a blob
    whole. git itself may (it inflates loose objects whole, hence :func:`stream_loose_blob`); the low
    ``core.bigFileThreshold`` lets it stream the big undeltified objects of a pack."""
    import subprocess
    import threading

    command = ["git", "-C", root, "-c", "core.bigFileThreshold=1m", "cat-file", "--batch"]
    try:
        process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    except OSError as error:
        raise UserError(f"cannot run git: {error.strerror}") from None
    assert process.stdin is not None and process.stdout is not None
    requests = b"".join(binsha.hex().encode("ascii") + b"\n" for binsha in blobs)

    def feed() -> None:
        assert process.stdin is not None
        with contextlib.suppress(OSError):
            process.stdin.write(requests)
            process.stdin.close()

    feeder = threading.Thread(target=feed, daemon=True)
    feeder.start()
    try:
        for binsha in blobs:
            header = process.stdout.readline().split()
            if len(header) != 3 or header[1] != b"blob":
                raise UserError(f"cannot read git object {binsha.hex()}: {b' '.join(header).decode(errors='replace')}")
            size = remaining = int(header[2])
            sink = new_sink()
            while remaining:
                chunk = process.stdout.read(min(CHUNK_SIZE, remaining))
                if not chunk:
                    raise UserError(f"cannot read git object {binsha.hex()}: truncated")
                sink.update(chunk)
                remaining -= len(chunk)
            process.stdout.read(1)  # the newline after each object
            yield binsha, sink, size
    finally:
        process.stdout.close()
        if process.poll() is None:
            process.kill()
        process.wait()
        feeder.join()
