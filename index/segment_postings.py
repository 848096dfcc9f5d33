"""Per-segment numpy postings of frequent words, written once when a segment is committed and
memory-mapped by every process that searches it.

Whoosh 2.7 keeps a word's postings in zlib-compressed pickled blocks of up to 128 passages. Decoding
them with numpy (:mod:`index.whoosh_internals`) is fast enough for most words, but the first search for
a frequent word still inflates and walks thousands of blocks: at 1M passages a phrase of two frequent
words read about 7,700 blocks of positions (600–700 ms before its answer), a common word's postings
over 200 ms. Segments never change once written (deletions are applied at query time), so the words
worth it — those in at least :data:`MIN_POSTINGS` passages of a segment — are decoded once, at commit,
and kept beside the segment as plain arrays::

    <generation>/postings/<segment id>/
        meta.json       format version, passage count, and per field each frequent word (its bytes as
                        Latin-1 text) → [its first posting, its number of postings, its first position]
        ids.bin         int32 per posting: the segment-local passage number (deleted passages included)
        counts.bin      uint8 per posting: how many times the word is in that passage's field
        positions.bin   uint16: the word positions, ascending per posting

Only fields with positions are kept (what phrases and free text search), and in them only words whose
weights are their counts (no index-time boosts), never more than 255 times in a passage nor past its
65,535th word: the rest stay in Whoosh's blocks. That is 5 bytes a posting and 2 a position. A word's
arrays are what the decoders of :mod:`index.whoosh_internals` return for it, the passage numbers and
positions as read-only memory maps: the kernel keeps one copy in its page cache for every worker.
:func:`write_postings` writes the folders a commit's new segments lack (the store calls it after each
commit, under the writer lock) and deletes those of segments merged away; a segment without its folder
(an index built before this existed) is decoded from Whoosh's blocks as before, and gets its folder at
the next update.
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from pathlib import Path

import numpy as np

from index.whoosh_columns import write_segment_folders
from index.whoosh_internals import decode_postings, frequent_terms, segment_key

POSTINGS_DIR = "postings"
FORMAT_VERSION = 1
"""Bumped when the files change; folders of another version are ignored and rewritten."""
MIN_POSTINGS = 4096
"""A word gets its arrays when it is in at least this many passages of the segment (32 of Whoosh's
blocks): below that, decoding its blocks at query time costs about a millisecond or less."""
_FILES = (("ids", np.int32), ("counts", np.uint8), ("positions", np.uint16))


class SegmentPostings:
    """One segment's frequent words' postings (arrays as described in the module docstring)."""

    def __init__(self, size: int, terms: dict[tuple[str, bytes], tuple[int, int, int]],
                 ids: np.ndarray, counts: np.ndarray, positions: np.ndarray):
        self.size = size
        self.terms = terms
        self.ids, self.counts, self.positions = ids, counts, positions

    def postings(self, fieldname: str, btext: bytes) -> tuple[np.ndarray, np.ndarray] | None:
        """(passage numbers, weights) of a word, as :func:`decode` returns them; None if not kept here."""
        found = self.terms.get((fieldname, btext))
        if found is None:
            return None
        first, count, _ = found
        return self.ids[first:first + count], self.counts[first:first + count].astype(np.float32)

    def with_positions(self, fieldname: str, btext: bytes) -> tuple[np.ndarray, ...] | None:
        """(passage numbers, bounds, positions) of a word, as :func:`decode_positions` returns them;
        None if not kept here."""
        found = self.terms.get((fieldname, btext))
        if found is None:
            return None
        first, count, start = found
        bounds = np.zeros(count + 1, dtype=np.int64)
        np.cumsum(self.counts[first:first + count], out=bounds[1:])
        return self.ids[first:first + count], bounds, \
            self.positions[start:start + int(bounds[-1])].astype(np.int32)


# --- computing from a Whoosh segment ---------------------------------------------------------------

def _keepable(leaf, fieldname: str, btext: bytes) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """A word's (ids, counts, positions) in the files' types, or None when they cannot hold it."""
    ids, weights, bounds, positions = decode_postings(leaf, fieldname, btext)
    counts = np.diff(bounds)
    if not len(ids) or counts.max() > 255 or positions.max() > 65535 or counts.min() < 1:
        return None
    if not np.array_equal(weights, counts):
        return None  # weighted at index time: its weights are not its counts
    return ids.astype(np.int32), counts.astype(np.uint8), positions.astype(np.uint16)


def _write(leaf, folder: Path, min_postings: int) -> None:
    """Decode the segment's frequent words into ``folder``'s files, one word at a time (the writer's
    memory holds one word's arrays, not the segment's)."""
    terms: dict[str, dict[str, list[int]]] = {}
    postings = placed = 0
    files = {name: open(folder / f"{name}.bin", "wb") for name, _ in _FILES}  # noqa: SIM115
    try:
        for fieldname in sorted(leaf.indexed_field_names()):
            fmt = leaf.schema[fieldname].format
            if fmt is None or not fmt.supports("positions"):
                continue
            for btext in frequent_terms(leaf, fieldname, min_postings):
                found = _keepable(leaf, fieldname, btext)
                if found is None:
                    continue
                for (name, _), array in zip(_FILES, found, strict=True):
                    array.tofile(files[name])
                terms.setdefault(fieldname, {})[btext.decode("latin-1")] = [postings, len(found[0]), placed]
                postings += len(found[0])
                placed += len(found[2])
    finally:
        for file in files.values():
            file.close()
    meta = {"version": FORMAT_VERSION, "size": leaf.doc_count_all(), "fields": terms}
    (folder / "meta.json").write_text(json.dumps(meta), encoding="utf-8")


# --- files -----------------------------------------------------------------------------------------

def postings_folder(gen: str | os.PathLike, segment_id: str) -> Path:
    return Path(gen) / POSTINGS_DIR / segment_id


def _save(leaf, folder: Path, min_postings: int) -> None:
    """Write a segment's folder atomically: a temporary folder renamed into place."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = folder.parent / f".{folder.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp"
    tmp.mkdir()
    try:
        _write(leaf, tmp, min_postings)
        try:
            os.rename(tmp, folder)
        except OSError:
            if load_postings(folder) is not None:
                return  # another process wrote the same segment's folder first: theirs is identical
            old = folder.parent / f".{folder.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.old"
            os.rename(folder, old)  # a folder of another version: moved aside, then replaced
            shutil.rmtree(old, ignore_errors=True)
            os.rename(tmp, folder)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def load_postings(folder: str | os.PathLike) -> SegmentPostings | None:
    """The arrays in ``folder``, memory-mapped; None when it is missing, partial or of another version."""
    folder = Path(folder)
    try:
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        if meta.get("version") != FORMAT_VERSION:
            return None
        terms = {(fieldname, text.encode("latin-1")): tuple(span)
                 for fieldname, words in meta["fields"].items() for text, span in words.items()}
        arrays = []
        for name, dtype in _FILES:
            path = folder / f"{name}.bin"
            # np.memmap cannot map an empty file: an empty array then.
            arrays.append(np.memmap(path, dtype=dtype, mode="r") if path.stat().st_size
                          else np.zeros(0, dtype))
        return SegmentPostings(meta["size"], terms, *arrays)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def segment_postings(gen: str | os.PathLike, leaf) -> SegmentPostings | None:
    """One segment's frequent words' arrays from its folder in ``gen``, or None when it has none (the
    words are then decoded from Whoosh's blocks)."""
    seg = segment_key(leaf)
    if seg is None:
        return None
    found = load_postings(postings_folder(gen, seg))
    return found if found is not None and found.size == leaf.doc_count_all() else None


def write_postings(gen: str | os.PathLike, reader, min_postings: int = MIN_POSTINGS) -> None:
    """Write the folders that the segments of ``reader`` (an index's latest commit) lack, and delete the
    folders of segments no longer in it. Call with the writer lock held. ``min_postings``: see
    :data:`MIN_POSTINGS`."""
    write_segment_folders(Path(gen) / POSTINGS_DIR, reader,
                          lambda leaf, folder: segment_postings(gen, leaf) is not None,
                          lambda leaf, folder: _save(leaf, folder, min_postings))
