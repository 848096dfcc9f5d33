"""Read one article file: bytes → decoded, repaired text + detected format + optional YAML front matter.

Nothing here splits questions; :mod:`index.split` does that from the :class:`Source` returned here.
Every refusal is an :class:`index.model.ArticleError` naming the file and the reason.
"""

from __future__ import annotations

import datetime as _dt
import errno
import os
import re
import stat
import unicodedata
from dataclasses import dataclass, field

import ftfy
import ftfy.badness
import ftfy.chardata
import yaml

from index.model import ArticleError

MAX_BYTES = 10 * 1024 * 1024
"""Largest article file accepted, in bytes (10 MB); bigger files are refused, not truncated."""

FORMATS = ("text", "markdown", "html")

_EXTENSION_FORMAT = {
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
}

# ftfy's defaults also straighten curly quotes and fold full-width characters; articles keep their
# typography, so only the encoding repairs are switched on.
_FTFY_CONFIG = ftfy.TextFixerConfig(
    unescape_html=False,
    uncurl_quotes=False,
    fix_character_width=False,
    fix_latin_ligatures=False,
    explain=False,
)

_HTML_SNIFF = re.compile(
    r"<!doctype\s+html|<html[\s>]|<body[\s>]|<(?:p|div|h[1-6]|article|section|strong|br)[\s>/]",
    re.IGNORECASE,
)
_MD_HEADING = re.compile(r"^#{1,6}(?:[ \t]|[^#\s])", re.MULTILINE)
_MD_BOLD_PARA = re.compile(r"^\*\*[^*\n]+\*\*", re.MULTILINE)
# A bold span opening line after line, perhaps after a timestamp: speaker labels of a transcript
# ("0:00:13.8 **Adam Garrett-Harris** Welcome …"), bold only as Markdown writes it.
_MD_BOLD_LINE = re.compile(
    r"^(?:\[?\d{1,2}(?::\d\d){1,2}(?:\.\d{1,3})?\]?[ \t]+)?\*\*[^*\n]{1,80}\*\*", re.MULTILINE
)
_MD_REF_DEF = re.compile(r"^\[[^\]\n]{1,200}\]:[ \t]*\S", re.MULTILINE)
_MD_LINK = re.compile(r"\[[^\]\n]{1,300}\]\((?:https?:|/|#)")


class NotARegularFile(OSError):
    """The path names a FIFO, device, socket or folder: never read as an article (it could block for
    ever, as a FIFO does, or never end, as ``/dev/zero`` does)."""


_FILE_KINDS = {stat.S_IFIFO: "a FIFO", stat.S_IFCHR: "a character device", stat.S_IFBLK: "a block device",
               stat.S_IFSOCK: "a socket", stat.S_IFDIR: "a folder"}


def open_regular(path: str | os.PathLike) -> int:
    """A read-only descriptor of the regular file at ``path`` (a link is followed); the caller closes it.

    Raises :class:`NotARegularFile` for anything else. The open does not block (``O_NONBLOCK``: a FIFO
    would otherwise wait for a writer), and the check is ``fstat`` on the opened descriptor, so the file
    cannot be swapped for another between the check and the read.
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            kind = _FILE_KINDS.get(stat.S_IFMT(mode), "not a file")
            raise NotARegularFile(errno.EINVAL, f"not a regular file ({kind})", os.fspath(path))
        os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    return fd


def read_limited(path: str | os.PathLike, max_bytes: int = MAX_BYTES) -> bytes:
    """The bytes of the regular file at ``path``; :class:`ArticleError` naming the reason otherwise.

    The size limit is checked before reading and enforced while reading (a file that reports size 0,
    as ``/proc`` files do, or that grows meanwhile, stops at ``max_bytes`` + 1 bytes and is refused).
    """
    path = os.fspath(path)
    try:
        fd = open_regular(path)
    except OSError as exc:
        raise ArticleError(path, _os_reason(exc)) from exc
    with os.fdopen(fd, "rb") as fh:
        size = os.fstat(fd).st_size
        if size > max_bytes:
            raise ArticleError(path, _too_big(size, max_bytes))
        try:
            data = fh.read(max_bytes + 1)
        except OSError as exc:
            raise ArticleError(path, _os_reason(exc)) from exc
    if len(data) > max_bytes:
        raise ArticleError(path, f"file grew past the {max_bytes / 1_048_576:.0f} MB limit while being read")
    return data


def _os_reason(exc: OSError) -> str:
    if isinstance(exc, NotARegularFile):
        return exc.strerror
    return f"cannot read file ({exc.strerror or exc})"


def _too_big(size: int, max_bytes: int) -> str:
    return f"file is {size / 1_048_576:.1f} MB, over the {max_bytes / 1_048_576:.0f} MB limit"


@dataclass
class Source:
    """A decoded article file, before splitting.

    ``text`` is the body (front matter removed) with line endings normalised to ``\\n``; ``format`` is
    what the content looks like ("text", "markdown" or "html"), not just what the extension says;
    ``encoding`` is the codec the bytes were decoded with.
    """

    path: str
    text: str
    format: str
    front_matter: dict = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    encoding: str = "utf-8"


def read_source(path: str | os.PathLike, max_bytes: int = MAX_BYTES) -> Source:
    """Read ``path`` into a :class:`Source`; raise :class:`ArticleError` for unusable files.

    ``max_bytes`` (default 10 MB) bounds the file size. Refused: missing/unreadable files, anything but
    a regular file (FIFO, device, socket), empty files, binary files (NUL bytes or mostly control
    characters), bytes no supported encoding can decode. See :func:`read_limited`.
    """
    path = os.fspath(path)
    return source_from_bytes(read_limited(path, max_bytes), path)


def source_from_bytes(data: bytes, path: str = "<bytes>") -> Source:
    """Decode ``data`` (the content of ``path``, whose extension hints at the format) into a Source."""
    warnings: list[str] = []
    if not data.strip():
        raise ArticleError(path, "empty file")
    text, encoding = _decode(data, path)
    if encoding not in ("utf-8", "utf-8-sig", "utf-16", "utf-32"):
        warnings.append(f"not UTF-8; decoded as {encoding}")
    _refuse_binary(text, path)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _repair(text, warnings)
    if not text.strip():
        raise ArticleError(path, "empty file (only whitespace)")
    front, body, fm_warning = split_front_matter(text)
    if fm_warning:
        warnings.append(fm_warning)
    fmt = detect_format(body, path, has_front_matter=bool(front))
    return Source(path=path, text=body, format=fmt, front_matter=front, warnings=warnings, encoding=encoding)


def _decode(data: bytes, path: str) -> tuple[str, str]:
    """Decode by byte-order mark, else UTF-8, else cp1252, else latin-1 (which never fails)."""
    boms = (
        (b"\xef\xbb\xbf", "utf-8-sig", "utf-8-sig"),
        (b"\xff\xfe\x00\x00", "utf-32-le", "utf-32"),
        (b"\x00\x00\xfe\xff", "utf-32-be", "utf-32"),
        (b"\xff\xfe", "utf-16-le", "utf-16"),
        (b"\xfe\xff", "utf-16-be", "utf-16"),
    )
    for bom, codec, name in boms:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(codec), name
            except UnicodeDecodeError as exc:
                raise ArticleError(
                    path, f"undecodable: starts with a {name} byte-order mark but byte {exc.start} is invalid"
                ) from exc
    if b"\x00" in data[:4096] or data.count(b"\x00") > len(data) // 100:
        raise ArticleError(path, "binary file (contains NUL bytes), not a text article")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


_PLAIN_ASCII = re.compile(r"[\t\n\x20-\x7e]*")


def _ftfy_triggers() -> re.Pattern:
    """The characters one of which a line must hold for ftfy (as :func:`_repair` calls it) to change it,
    NFC normalisation aside: the mojibake characters of ``ftfy.badness`` (every sequence its badness
    test looks for holds one, "common" ones such as ’ – … only beside another: checked against the
    installed ftfy's own pattern in ``tests/test_read.py``), control characters, line separators,
    surrogates and the escape that starts a terminal code."""
    categories = ftfy.badness.MOJIBAKE_CATEGORIES
    common = set(categories["common"])
    literal = sorted({c for c in ftfy.badness.BADNESS_RE.pattern if ord(c) > 127} - common)
    controls = "".join(map(chr, sorted(ftfy.chardata.CONTROL_CHARS)))
    parts = [v for k, v in categories.items() if k != "common"]
    others = "\x1b\x85\u2028\u2029\ud800-\udfff"
    return re.compile("[" + "".join(parts) + re.escape("".join(literal) + controls) + others + "]")


_FTFY_TRIGGERS = _ftfy_triggers()


def _repair(text: str, warnings: list[str]) -> str:
    """ftfy's encoding repairs, line by line as ftfy works, skipping lines it would leave as they are.

    ftfy costs tens of microseconds per line even when it changes nothing, which made a 1 MB file of
    short lines take 10+ seconds: lines of plain printable ASCII, and NFC-normalised lines without any
    of :data:`_FTFY_TRIGGERS`, have nothing it could repair."""
    if _PLAIN_ASCII.fullmatch(text):
        return text
    lines = text.split("\n")
    mojibake = False
    for i, line in enumerate(lines):
        if _PLAIN_ASCII.fullmatch(line) or (
            not _FTFY_TRIGGERS.search(line) and unicodedata.is_normalized("NFC", line)
        ):
            continue  # nothing ftfy would change (most lines with curly quotes and dashes)
        fixed = lines[i] = ftfy.fix_text(line, _FTFY_CONFIG)
        # fix_text includes fix_encoding, so a line it leaves alone has no mojibake: the separate
        # check (as dear as the fix) runs only on lines that changed
        if not mojibake and fixed != line and ftfy.fix_encoding(line) != line:
            mojibake = True
    if mojibake:
        warnings.append("repaired mis-decoded characters (mojibake)")
    return "\n".join(lines)


# Control characters other than tab, newline, carriage return and form feed; DEL; replacement marks.
_BINARY_CHAR = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f\ufffd]")


def _refuse_binary(text: str, path: str) -> None:
    """Refuse text that is mostly control characters or replacement marks: a binary file by another name."""
    sample = text[:65536]
    bad = len(_BINARY_CHAR.findall(sample))  # in C: a Python loop over the characters cost a tenth of reading
    if bad > max(8, len(sample) // 20):
        raise ArticleError(
            path,
            f"binary or undecodable content ({bad} control characters in the first "
            f"{len(sample)} characters), not a text article",
        )


def split_front_matter(text: str) -> tuple[dict, str, str]:
    """Split optional YAML front matter off ``text``: returns (front matter, body, warning or "").

    Front matter starts with a ``---`` line at the very top and ends at the next ``---`` (or ``...``)
    line. When the closing line is missing, the leading run of ``key: value`` lines up to the first
    blank line is taken instead, with a warning. Malformed YAML is a warning, never an error.
    """
    if not text.startswith("---"):
        return {}, text, ""
    lines = text.split("\n")
    if lines[0].strip() != "---":
        return {}, text, ""
    end = None
    for i in range(1, min(len(lines), 500)):
        if lines[i].rstrip() in ("---", "..."):
            end = i
            break
    warning = ""
    if end is None:
        # No closing line: take the YAML-looking lines up to the first blank line.
        end = 1
        while end < len(lines) and lines[end].strip() and re.match(r"[\w-]+:|\s+\S|- ", lines[end]):
            end += 1
        if end == 1:
            return {}, text, ""
        yaml_text, body = "\n".join(lines[1:end]), "\n".join(lines[end:])
        warning = "front matter has no closing '---' line; read it up to the first blank line"
    else:
        yaml_text, body = "\n".join(lines[1:end]), "\n".join(lines[end + 1 :])
    try:
        data = _load_yaml(yaml_text) if yaml_text.strip() else {}
        if not isinstance(data, dict):
            return {}, body, "front matter is not a mapping of keys to values; ignored it"
        return {str(k).lower(): _plain(v) for k, v in data.items()}, body, warning
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 2})" if mark is not None else ""
        return {}, body, f"front matter is not valid YAML{where}; ignored it"
    except RecursionError:
        return {}, body, "front matter is nested too deeply; ignored it"


def _load_yaml(yaml_text: str):
    """``yaml_text`` loaded by libyaml when it can hold no alias and parses, else by the Python loader.

    libyaml is about ten times cheaper (front matter was a tenth of reading a Markdown article), but
    its composer is C, so :class:`_FrontMatterLoader`'s refusal of aliases cannot hook into it: text
    with a ``*`` (an alias needs one) and text libyaml refuses go to the Python loader, which gives the
    same values and the errors and messages the warnings quote."""
    if _FastFrontMatterLoader is not None and "*" not in yaml_text:
        try:
            return yaml.load(yaml_text, Loader=_FastFrontMatterLoader)
        except (yaml.YAMLError, RecursionError):
            pass
    return yaml.load(yaml_text, Loader=_FrontMatterLoader)


class _FrontMatterLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` without aliases: nine nested ``*refs`` ("billion laughs") expand to 9^9 values
    in :func:`_plain`, and article front matter never needs them."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark
            raise yaml.composer.ComposerError(None, None, "aliases (*name) are not allowed", mark)
        return super().compose_node(parent, index)


def _timestamp_or_text(loader, node):
    """A date YAML cannot make a date of (``2022-15-17``) stays text instead of failing the file."""
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_timestamp(loader, node)
    except ValueError:
        return loader.construct_scalar(node)


_FrontMatterLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_or_text)

if getattr(yaml, "CSafeLoader", None) is not None:

    class _FastFrontMatterLoader(yaml.CSafeLoader):
        """libyaml's parser with :class:`_FrontMatterLoader`'s constructors (used by :func:`_load_yaml`)."""

    _FastFrontMatterLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_or_text)
else:  # PyYAML built without libyaml
    _FastFrontMatterLoader = None


def _plain(value):
    """YAML values as JSON-friendly plain data: dates become ISO strings."""
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()[:10]
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def detect_format(text: str, path: str = "", has_front_matter: bool = False) -> str:
    """Say whether ``text`` is "html", "markdown" or "text", by content first and extension second.

    A ``.txt`` holding a saved web page is HTML; one with front matter, ``#`` headings, reference-link
    definitions, inline links or bold spans opening three or more lines is Markdown. An ``.html`` file
    is HTML and a ``.md`` file Markdown whatever they hold: Markdown may contain HTML elements, which the
    Markdown reader understands.
    """
    ext = os.path.splitext(path)[1].lower()
    by_name = _EXTENSION_FORMAT.get(ext, "text")
    head = text[:20000]
    if by_name == "html" or (by_name != "markdown" and _looks_html(head)):
        return "html"
    if by_name == "markdown" or has_front_matter:
        return "markdown"
    # Each test runs only where it can match: a line-start pattern needs its first character after a
    # line break (or at the start), found in C; most plain text has none (detection 0.28 → 0.05 CPU-s
    # for 1,429 files of the bench corpus). Two signals decide, so the tests stop there.
    signals = 0
    if _at_line_start("#", head) and _MD_HEADING.search(head):
        return "markdown"  # two signals
    if _at_line_start("**", head) and _MD_BOLD_PARA.search(head):
        signals += 1
    if "**" in head and len(_MD_BOLD_LINE.findall(head, 0, 20000)) >= 3:
        return "markdown"
    if _at_line_start("[", text) and _MD_REF_DEF.search(text):
        return "markdown"
    if "](" in head and _MD_LINK.search(head):
        signals += 1
    return "markdown" if signals >= 2 else "text"


def _at_line_start(prefix: str, text: str) -> bool:
    """Whether ``text`` holds ``prefix`` at its start or right after a line break (where a
    ``re.MULTILINE`` pattern's ``^`` can match)."""
    return text.startswith(prefix) or "\n" + prefix in text


def _looks_html(head: str) -> bool:
    stripped = head.lstrip()
    if stripped[:15].lower().startswith(("<!doctype html", "<html")):
        return True
    return len(_HTML_SNIFF.findall(head)) >= 3
