"""pip's requirements file format, read the way pip reads it, from any tree (index, revision, disk).

pip owns the file layer (continuations, comments, options, ``-r``/``-c`` includes, ``-e``, hashes,
URLs and paths); PEP 508 strings are handed to ``packaging``. Nothing is installed or fetched, and
bad input never raises: every line pip would reject becomes a :class:`LineProblem` with its file and
line, and parsing goes on (tests/test_requirements.py compares the result with pip's own parser).

Linear in the file's size: the option parser is built once and only asked about lines that hold
options, plain ``name==version`` lines skip ``packaging``, each file's parse is kept (by content) for
the rest of the run, and a file over :data:`MAX_FILE_BYTES` is one problem instead of a stall.
"""

from __future__ import annotations

import codecs
import functools
import hashlib
import optparse
import re
import shlex
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, NoReturn, Union

# pip's COMMENT_RE ``(^|\s+)#.*$``, with the whitespace run only tried from its start: the same leftmost
# match, without the quadratic retries along a long run of blanks.
COMMENT = re.compile(r"(?:^|(?<!\s)\s+)#.*$")
SCHEME = re.compile(r"^(http|https|file|ftp)://", re.IGNORECASE)
VCS = re.compile(r"^(git|hg|svn|bzr)\+", re.IGNORECASE)
EGG = re.compile(r"[#&]egg=([^&]+)")
WHEEL = re.compile(r"^([^-/]+)-([^-]+)(-[^-]+)?-[^-]+-[^-]+-[^-]+\.whl$", re.IGNORECASE)
ARCHIVES = (".whl", ".tar.gz", ".tgz", ".tar.bz2", ".tbz", ".tar.xz", ".txz", ".tar", ".zip")
HASH_ALGORITHMS = ("sha256", "sha384", "sha512")
CODING = re.compile(rb"coding[:=]\s*([-\w.]+)")
MAX_INCLUDE_DEPTH = 32
MAX_FILE_BYTES = 10_000_000  # far above any real requirements file; parsing beyond it only stalls a hook
QUOTED_CHARACTERS = 200  # a message quotes at most this much of a line
# ``name`` or ``name<op>version`` with a plain release number: packaging would accept it and give the same.
PLAIN_PIN = re.compile(
    r"([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)(?:[ \t]*(==|!=|>=|<=|>|<)[ \t]*([0-9]+(?:\.[0-9]+)*))?"
)

Reader = Callable[[str], "bytes | None"]  # tree path -> content, None when absent
Sizer = Callable[[str], "int | None"]  # tree path -> size in bytes, None when absent (asked before reading)


@dataclass(frozen=True)
class Requirement:
    """One declared requirement, as pip would take it."""

    text: str  # the requirement as written (joined, comment stripped)
    name: str | None  # as written; None when pip only learns it by building (a local path, a bare URL)
    key: str | None  # PEP 503 canonical name
    specifier: str = ""
    extras: tuple[str, ...] = ()  # PEP 685 normalised, sorted
    marker: str | None = None
    url: str | None = None
    hashes: tuple[str, ...] = ()
    editable: bool = False
    local: bool = False  # a local path or file: URL: the server cannot install it
    constraint: bool = False  # from a -c file: limits versions, declares nothing
    path: str = ""
    line: int = 0


@dataclass(frozen=True)
class LineProblem:
    path: str
    line: int
    message: str


@dataclass
class RequirementsFile:
    """Everything one requirements file (and what it includes) declares."""

    requirements: list[Requirement] = field(default_factory=list)
    problems: list[LineProblem] = field(default_factory=list)
    files: list[str] = field(default_factory=list)  # the file and every included file, in reading order
    unresolved: list[str] = field(default_factory=list)  # includes that cannot be read here (URLs)
    frozen: bool = False  # a lock file (pip-compile header, or every entry pinned with ==)
    too_big: bool = False  # a file was over MAX_FILE_BYTES and not read: what it declares is unknown

    @property
    def declared(self) -> list[Requirement]:
        return [requirement for requirement in self.requirements if not requirement.constraint]


def canonical_name(name: str) -> str:
    """PEP 503: runs of ``-_.`` become ``-``, lowercase."""
    return re.sub(r"[-_.]+", "-", name).lower()


class _ParseError(Exception):
    pass


class _OptionParser(optparse.OptionParser):
    """optparse that raises instead of printing and exiting."""

    def error(self, msg: str) -> NoReturn:
        raise _ParseError(msg)

    def exit(self, status: int = 0, msg: str | None = None) -> NoReturn:
        raise _ParseError((msg or "invalid option").strip())


_APPENDED = ("--extra-index-url", "-c", "-r", "-e", "-f", "--no-binary", "--only-binary", "--trusted-host",
             "--use-feature", "--global-option", "--config-settings", "--hash")  # fmt: skip
_FLAGS = ("--no-index", "--prefer-binary", "--require-hashes", "--pre")
_OPTIONS = (("-i", "--index-url", "--pypi-url"), ("--extra-index-url",), ("--no-index",), ("-c", "--constraint"),
            ("-r", "--requirement"), ("-e", "--editable"), ("-f", "--find-links"), ("--no-binary",),
            ("--only-binary",), ("--prefer-binary",), ("--require-hashes",), ("--pre",), ("--trusted-host",),
            ("--use-feature",), ("--global-option",), ("--config-settings",), ("--hash",))  # fmt: skip


@functools.cache
def _option_parser() -> optparse.OptionParser:
    """The options pip accepts in a requirements file (pip/_internal/req/req_file.py), built once.

    Appended options have no default list: optparse would share one list between parses.
    """
    parser = _OptionParser(add_help_option=False)
    for names in _OPTIONS:
        dest = names[-1].lstrip("-").replace("-", "_")
        if names[0] in _FLAGS:
            parser.add_option(*names, dest=dest, action="store_true")
        elif names[0] in _APPENDED:
            parser.add_option(*names, dest=dest, action="append")
        else:
            parser.add_option(*names, dest=dest)
    return parser


@dataclass(frozen=True)
class _LineOptions:
    """What a line's options ask for (only the ones that change what is declared)."""

    hashes: list[str] = field(default_factory=list)
    editable: list[str] = field(default_factory=list)
    requirement: list[str] = field(default_factory=list)
    constraint: list[str] = field(default_factory=list)


_NO_OPTIONS = _LineOptions()


def _line_options(text: str) -> _LineOptions:
    """The options part of a line (``-r base.txt``, ``--hash=...``); raises _ParseError or ValueError."""
    if not text:
        return _NO_OPTIONS
    options, _ = _option_parser().parse_args(shlex.split(text))
    return _LineOptions(options.hash or [], options.editable or [], options.requirement or [], options.constraint or [])


def decode(data: bytes) -> str:
    """pip's decoding: a BOM, else a PEP 263 coding line, else UTF-8 (raises UnicodeDecodeError)."""
    boms = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
            (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))  # fmt: skip
    for bom, encoding in boms:
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding)
    for line in data.split(b"\n", 2)[:2]:
        found = CODING.search(line) if line.lstrip().startswith(b"#") else None
        if found:
            try:
                return data.decode(found.group(1).decode("ascii"))
            except LookupError:
                break
    return data.decode("utf-8")


CREDENTIALS_IN_URL = re.compile(r"(?<=://)[^/@\s]+@")


def redact(text: str) -> str:
    """Hide the ``user:token@`` part of URLs, so quoting a requirements line never puts a secret in CI logs."""
    return CREDENTIALS_IN_URL.sub("***@", text)


def logical_lines(text: str) -> Iterator[tuple[int, str]]:
    """pip's preprocessing: join ``\\`` continuations (a comment line ends one), strip comments."""
    pending: list[str] = []
    first = 0
    joined: list[tuple[int, str]] = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.endswith("\\") or COMMENT.match(line):
            if COMMENT.match(line):
                line = " " + line
            if pending:
                pending.append(line)
                joined.append((first, "".join(pending)))
                pending = []
            else:
                joined.append((number, line))
        else:
            if not pending:
                first = number
            pending.append(line.strip("\\"))
    if pending:
        joined.append((first, "".join(pending)))
    for number, line in joined:
        stripped = COMMENT.sub("", line).strip()
        if stripped:
            yield number, stripped


def split_arguments(line: str) -> tuple[str, str]:
    """pip's ``break_args_options``: the requirement part ends at the first token starting with ``-``."""
    tokens = line.split(" ")
    for index, token in enumerate(tokens):
        if token.startswith("-"):
            return " ".join(tokens[:index]), " ".join(tokens[index:])
    return line, ""


def _hashes(values: list[str]) -> tuple[str, ...]:
    for value in values:
        algorithm, _, digest = value.partition(":")
        if algorithm not in HASH_ALGORITHMS or not digest:
            raise _ParseError(f"invalid --hash {value!r}: write <{'|'.join(HASH_ALGORITHMS)}>:<hex digest>")
    return tuple(sorted(values))


def _name_from_url(url: str) -> str | None:
    egg = EGG.search(url)
    if egg:
        return egg.group(1).split("[")[0]
    wheel = WHEEL.match(url.split("#")[0].split("?")[0].rsplit("/", 1)[-1])
    return wheel.group(1) if wheel else None


def _wheel_pin(url: str) -> str:
    """pip pins a wheel URL or path to the version in its file name."""
    if EGG.search(url):
        return ""
    wheel = WHEEL.match(url.split("#")[0].split("?")[0].rsplit("/", 1)[-1])
    return f"=={wheel.group(2)}" if wheel else ""


def _is_path(text: str) -> bool:
    return (
        text.startswith((".", "/", "~", "\\"))
        or "/" in text
        or "\\" in text
        or text.lower().endswith(ARCHIVES)
        or (len(text) > 1 and text[1] == ":")
    )


def _editable(text: str, base: dict[str, Any]) -> Requirement:
    if VCS.match(text) or SCHEME.match(text):
        local = text.lower().startswith("file:")
        name = _name_from_url(text)
        return Requirement(text, name, canonical_name(name) if name else None, url=text, editable=True,
                           local=local, **base)  # fmt: skip
    return Requirement(text, None, None, url=text, editable=True, local=True, **base)


def _requirement(text: str, base: dict[str, Any]) -> Requirement:
    """A requirement string pip would accept, or _ParseError with packaging's reason."""
    if VCS.match(text) or SCHEME.match(text):
        url, _, marker_text = text.partition("; ")
        marker = _marker(marker_text) if marker_text else None
        name = _name_from_url(url)
        local = url.lower().startswith("file:")
        return Requirement(text, name, canonical_name(name) if name else None, _wheel_pin(url.strip()), marker=marker,
                           url=url.strip(), local=local, **base)  # fmt: skip
    if _is_path(text) and "@" not in text.split(";")[0]:
        path, _, marker_text = text.partition("; ")
        name = _name_from_url(path)
        return Requirement(text, name, canonical_name(name) if name else None, _wheel_pin(path.strip()),
                           marker=_marker(marker_text) if marker_text else None, url=path.strip(), local=True,
                           **base)  # fmt: skip
    plain = PLAIN_PIN.fullmatch(text)
    if plain:  # most lines of a big file: what packaging would make of them, without packaging
        name, operator, version = plain.groups()
        return Requirement(text, name, canonical_name(name), f"{operator}{version}" if operator else "", **base)
    return pep508_requirement(text, base)


def pep508_requirement(text: str, base: dict[str, Any]) -> Requirement:
    """A PEP 508 string as ``packaging`` reads it, or _ParseError with its reason."""
    from packaging.requirements import InvalidRequirement
    from packaging.requirements import Requirement as Pep508

    try:
        parsed = Pep508(text)
    except InvalidRequirement as error:
        raise _ParseError(str(error).splitlines()[0]) from None
    link = parsed.url
    local = bool(link and (link.lower().startswith("file:") or (not SCHEME.match(link) and not VCS.match(link))))
    return Requirement(
        text,
        parsed.name,
        canonical_name(parsed.name),
        str(parsed.specifier),
        tuple(sorted(canonical_name(extra) for extra in parsed.extras)),
        str(parsed.marker) if parsed.marker is not None else None,
        link,
        local=local,
        **base,
    )


def _marker(text: str) -> str:
    from packaging.markers import InvalidMarker, Marker

    try:
        return str(Marker(text))
    except InvalidMarker as error:
        raise _ParseError(str(error).splitlines()[0]) from None


def _directory(path: str) -> str:
    return path.rpartition("/")[0]


def _normalise(path: str) -> str | None:
    """A tree path with ``.``/``..`` resolved, or None when it climbs out of the tree."""
    parts: list[str] = []
    for part in path.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if not parts:
                return None
            parts.pop()
        else:
            parts.append(part)
    return "/".join(parts)


def quoted(text: str) -> str:
    """``repr`` of a line for a message, credentials redacted first (a cut must not keep half a token),
    then cut to :data:`QUOTED_CHARACTERS` (a 50 MB line stays a short message)."""
    text = redact(text)
    if len(text) <= QUOTED_CHARACTERS:
        return repr(text)
    return f"{text[:QUOTED_CHARACTERS]!r}... ({len(text):,} characters)"


@dataclass(frozen=True)
class _Include:
    line: int
    target: str
    constraint: bool


_Entry = Union[Requirement, LineProblem, _Include]


@dataclass(frozen=True)
class _ParsedFile:
    """One file read on its own, in line order; includes are followed by the reader."""

    entries: tuple[_Entry, ...]
    compiled: bool  # a pip-compile / uv header or ``# via`` annotations


def _parse_line(path: str, number: int, line: str, constraint: bool) -> list[_Entry]:
    arguments, options_text = split_arguments(line)
    try:
        options = _line_options(options_text)
        base = {"constraint": constraint, "path": path, "line": number}
        if arguments:
            base["hashes"] = _hashes(options.hashes)
            return [_requirement(arguments, base)]
        if options.editable:
            return [_editable(options.editable[0], base)]
    except (_ParseError, ValueError) as error:
        return [LineProblem(path, number, redact(f"{quoted(line)}: {error}"))]
    if options.requirement:
        return [_Include(number, options.requirement[0], False)]
    return [_Include(number, target, True) for target in options.constraint[:1]]


def _too_big(path: str, size: int) -> LineProblem:
    message = (f"is {size / 1e6:.1f} MB, over the {MAX_FILE_BYTES // 1_000_000} MB limit for a requirements file: "
               "not read; split it, or check that it is the file you meant")  # fmt: skip
    return LineProblem(path, 1, message)


def _parse_text(path: str, constraint: bool, data: bytes) -> _ParsedFile:
    if len(data) > MAX_FILE_BYTES:
        return _ParsedFile((_too_big(path, len(data)),), False)
    try:
        text = decode(data)
    except UnicodeDecodeError as error:
        bad_line = data[: error.start].count(b"\n") + 1
        message = f"is not valid UTF-8 (byte offset {error.start}): pip would fail to read it"
        return _ParsedFile((LineProblem(path, bad_line, message),), False)
    except LookupError:
        message = "declares an encoding Python does not know: pip would fail to read it"
        return _ParsedFile((LineProblem(path, 1, message),), False)
    if "\x00" in text:
        nul_line = text[: text.index("\x00")].count("\n") + 1
        message = "holds a NUL byte (a binary or UTF-16 file?): pip would fail to read it"
        return _ParsedFile((LineProblem(path, nul_line, message),), False)
    entries: list[_Entry] = []
    for number, line in logical_lines(text):
        entries.extend(_parse_line(path, number, line, constraint))
    compiled = "autogenerated by pip-compile" in text or "# via" in text or "uv pip compile" in text
    return _ParsedFile(tuple(entries), compiled)


_PARSED: dict[tuple[str, bool, bytes], _ParsedFile] = {}
_PARSED_KEPT = 8


def parse_file(path: str, constraint: bool, data: bytes) -> _ParsedFile:
    """One file's entries, kept by content: the index, the work tree and the base hand the same bytes to
    several rules in one run (freshness, dependencies), and each content is parsed once."""
    digest = hashlib.sha1(data).digest() if len(data) <= MAX_FILE_BYTES else len(data).to_bytes(8, "big")
    key = (path, constraint, digest)
    parsed = _PARSED.get(key)
    if parsed is None:
        parsed = _PARSED[key] = _parse_text(path, constraint, data)
        while len(_PARSED) > _PARSED_KEPT:
            del _PARSED[next(iter(_PARSED))]
    return parsed


class _Reader:
    def __init__(self, read: Reader, within: str, size: Sizer | None) -> None:
        self.read = read
        self.size = size
        self.within = within
        self.result = RequirementsFile()
        self.compiled: list[bool] = []  # per file read, in reading order

    def problem(self, path: str, line: int, message: str) -> None:
        self.result.problems.append(LineProblem(path, line, redact(message)))

    def include(self, path: str, line: int, target: str, constraint: bool, stack: tuple[str, ...]) -> None:
        if SCHEME.match(target):
            self.result.unresolved.append(target)
            return
        joined = _normalise(f"{_directory(path)}/{target}" if _directory(path) else target)
        if joined is None or target.startswith("/") or (self.within and not joined.startswith(self.within + "/")):
            self.problem(path, line, f"includes {quoted(target)}, outside the app directory: Connect cannot read it")
            return
        if joined in stack:
            self.problem(path, line, f"includes {quoted(target)}, which includes this file again")
            return
        if len(stack) >= MAX_INCLUDE_DEPTH:
            self.problem(path, line, "includes nested too deeply")
            return
        if not self.file(joined, constraint, stack):
            self.problem(path, line, f"includes {quoted(target)}, which is not in the app")

    def file(self, path: str, constraint: bool, stack: tuple[str, ...] = ()) -> bool:
        size = self.size(path) if self.size is not None else None
        if size is not None and size > MAX_FILE_BYTES:  # not even read
            self.result.files.append(path)
            self.result.problems.append(_too_big(path, size))
            self.result.too_big = True
            return True
        data = self.read(path)
        if data is None:
            return False
        self.result.files.append(path)
        self.result.too_big |= len(data) > MAX_FILE_BYTES
        parsed = parse_file(path, constraint, data)
        del data  # a big file is not kept while its includes are read
        self.compiled.append(parsed.compiled)
        for entry in parsed.entries:
            if isinstance(entry, Requirement):
                self.result.requirements.append(entry)
            elif isinstance(entry, LineProblem):
                self.result.problems.append(entry)
            else:
                self.include(path, entry.line, entry.target, entry.constraint, (*stack, path))
        return True


def _is_frozen(compiled: bool, requirements: list[Requirement]) -> bool:
    if compiled:
        return True
    pinned = [requirement for requirement in requirements if not requirement.constraint]
    return bool(pinned) and all(requirement.specifier.startswith("==") for requirement in pinned)


def read_requirements(read: Reader, path: str, within: str = "", size: Sizer | None = None) -> RequirementsFile | None:
    """The requirements ``path`` declares, following ``-r``/``-c`` inside ``within``; None when absent.

    ``size``, when given, is asked first, so a file over :data:`MAX_FILE_BYTES` is never read.
    """
    reader = _Reader(read, within, size)
    if not reader.file(path, False):
        return None
    result = reader.result
    result.frozen = _is_frozen(bool(reader.compiled and reader.compiled[0]), result.requirements)
    return result
