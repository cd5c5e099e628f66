"""Reader: turn the user's paths into Source units (files, stdin, compressed files, archive
members)."""

from __future__ import annotations

import hashlib
import io
import os
import re
import stat
import sys
import tarfile
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from fnmatch import fnmatch
from functools import partial
from itertools import chain
from typing import IO

from .bundles import CHUNK_BYTES, Oversized, stream_parts
from .config import IngestConfig
from .errors import InputNotFoundError
from .models import Reject, RejectReason, Source
from .unpack import (
    MAGIC_BYTES,
    STREAM_ERRORS,
    STREAM_SUFFIXES,
    Readable,
    archive_kind,
    is_archive_name,
    open_stream,
    stream_kind,
    strip_stream_suffix,
)

STAGE = "read"
NAME_RE = re.compile(r"^(\d+)_([0-9a-f]{16})\.[A-Za-z0-9]+$")
# Archives in archives and compressed streams in streams are opened this deep, no deeper.
MAX_DEPTH = 4
# A file over --max-bytes is only streamed as a bundle if these first bytes hold no NUL.
SNIFF_BYTES = 1 << 16
# Member names must be plain relative paths of printable characters.
UNSAFE_MEMBER_RE = re.compile(r"(^/|^[A-Za-z]:|\\|(^|/)\.\.(/|$)|[\x00-\x1f\x7f])")


def ids_for(source: str, name: str) -> tuple[str, int | None]:
    """Id and seq from a file name NNN_<16hex>.txt, else a stable id hashed from the source."""
    m = NAME_RE.match(strip_stream_suffix(name))
    if m:
        return m.group(2), int(m.group(1))
    return hashlib.sha256(source.encode("utf-8", "surrogateescape")).hexdigest()[:16], None


def _reject(source: str, reason: RejectReason, detail: str, size: int | None = None) -> Reject:
    return Reject(source=source, stage=STAGE, reason=reason, detail=detail, bytes=size)


def _source(source: str, name: str, data: bytes) -> Source:
    ident, seq = ids_for(source, name)
    return Source(source=source, id=ident, seq=seq, data=data)


def _wanted(name: str, glob: str) -> bool:
    """Whether a file found while recursing is an input: it matches, is an archive, or is a
    compressed file whose name matches without its .gz, .bz2 or .xz."""
    return fnmatch(name, glob) or is_archive_name(name) or fnmatch(strip_stream_suffix(name), glob)


def _read_limited(fh: Readable, limit: int) -> bytes | None:
    """Read at most limit bytes; None when there is more (the caller rejects too_large)."""
    data = fh.read(limit + 1)
    return None if len(data) > limit else data


@dataclass
class _Budget:
    """Members and uncompressed bytes read so far from one file, nested archives included."""

    members: int = 0
    total: int = 0


# Temp files our own writers leave beside their target while they write (export.py).
OWN_TEMP_PREFIX = ".newsingest-"


def _excluded(path: str, name: str, exclude: frozenset[str]) -> bool:
    """Our own files: a writer's temp file, or this run's output (--glob '*' with -o inside
    the input folder would otherwise read it, on the next run the old output)."""
    return name.startswith(OWN_TEMP_PREFIX) or (bool(exclude) and os.path.realpath(path) in exclude)


def _folder_key(path: str) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def _walk(root: str, glob: str, exclude: frozenset[str]) -> tuple[list[str], list[str]]:
    """Every wanted path below root, sorted by relative path so order never depends on the FS,
    and the files the glob left out. A folder that cannot be listed, and a symbolic link to a
    folder read already (a loop, or a second name for it), stay in the list as entries that
    read as rejects; a link to a folder outside the tree is followed, once."""
    found: list[str] = []
    skipped: list[str] = []
    real_root = os.path.realpath(root)
    seen: set[tuple[int, int]] = set()

    def unlistable(e: OSError) -> None:
        found.append(str(e.filename) if e.filename is not None else root)

    for dirpath, dirnames, filenames in os.walk(root, onerror=unlistable, followlinks=True):
        if (key := _folder_key(dirpath)) is not None:
            seen.add(key)
        dirnames.sort()
        keep: list[str] = []
        for d in dirnames:
            sub = os.path.join(dirpath, d)
            key = _folder_key(sub)
            again = key in seen or (
                os.path.islink(sub) and _inside(os.path.realpath(sub), real_root)
            )
            if exclude and os.path.realpath(sub) in exclude:
                continue  # this run's output folder (Dask shards)
            if again:
                found.append(sub)  # reads as a not_a_file reject naming the target
            else:
                keep.append(d)
                if key is not None:
                    seen.add(key)  # a sibling link to the same folder is a second name
        dirnames[:] = keep
        for f in filenames:
            path = os.path.join(dirpath, f)
            if _excluded(path, f, exclude):
                continue
            (found if _wanted(f, glob) else skipped).append(path)
    rel = {p: os.path.relpath(p, root).replace(os.sep, "/") for p in found + skipped}
    return sorted(found, key=rel.__getitem__), sorted(skipped, key=rel.__getitem__)


def _folder_reject(path: str) -> Reject:
    """Why a folder is an entry of its own: it cannot be listed, or it was read already."""
    try:
        with os.scandir(path) as entries:
            next(entries, None)
    except OSError as e:
        return _reject(path, RejectReason.UNREADABLE, f"cannot list folder: {e.strerror or e}")
    if os.path.islink(path):
        detail = (
            f"symbolic link to {os.path.realpath(path)}, a folder read under another name "
            "or one of its parents (a loop): not read twice"
        )
        return _reject(path, RejectReason.NOT_A_FILE, detail)
    return _reject(path, RejectReason.NOT_A_FILE, "a directory")


class ArchiveLimitError(Exception):
    """A compressed stream or a bundle broke a ratio, size or count limit; reading stops."""


# Below this much inflated data a stream is not checked for its ratio: tiny, highly
# repetitive texts keep their own reasons (empty, no text), and nothing is at stake.
RATIO_FLOOR = 1 << 20


class _Metered:
    """A decompressed stream that stops as soon as it inflates past the ratio limit (over its
    packed size, known before reading) or past the total for one input file."""

    def __init__(self, inner: Readable, packed: int, budget: _Budget, config: IngestConfig):
        self.inner, self.packed, self.budget, self.config = inner, packed, budget, config
        self.out = 0

    def read(self, size: int = -1, /) -> bytes:
        data = self.inner.read(size)
        self.out += len(data)
        self.budget.total += len(data)
        limit = self.config.max_ratio * max(self.packed, 1)
        if self.out > RATIO_FLOOR and self.out > limit:
            raise ArchiveLimitError(
                f"{self.packed} compressed bytes inflate to over {self.out} bytes: compression "
                f"ratio over {self.config.max_ratio:.0f} (a compression bomb?)"
            )
        if self.budget.total > self.config.max_total_bytes:
            raise ArchiveLimitError(
                f"uncompressed size exceeds {self.config.max_total_bytes} bytes"
            )
        return data


def _read_file(path: str, config: IngestConfig) -> Iterator[Source | Reject]:
    name = os.path.basename(path)
    try:
        st = os.stat(path)
    except FileNotFoundError:
        yield _reject(path, RejectReason.UNREADABLE, "broken symbolic link or file vanished")
        return
    except OSError as e:
        yield _reject(path, RejectReason.UNREADABLE, f"cannot stat: {e.strerror or e}")
        return
    if stat.S_ISDIR(st.st_mode):
        yield _folder_reject(path)
        return
    if not stat.S_ISREG(st.st_mode):
        yield _reject(path, RejectReason.NOT_A_FILE, "not a regular file (FIFO/device)")
        return
    budget = _Budget()
    if is_archive_name(name):
        # Archives are bigger than --max-bytes as a rule: read in place, member by member.
        yield from _archive(path, path, archive_kind(b"", name) or "tar", config, budget, 1)
        return
    stream: str | None = None
    try:
        with open(path, "rb") as fh:
            # A compressed file is known by its first bytes, whatever its name says.
            stream = stream_kind(fh.read(MAGIC_BYTES)) or STREAM_SUFFIXES.get(
                os.path.splitext(name)[1].lower()
            )
            fh.seek(0)
            if stream is None:
                if st.st_size > config.max_bytes:
                    detail = f"{st.st_size} bytes > --max-bytes {config.max_bytes}"
                    yield from _read_big(path, name, fh, b"", detail, st.st_size, config)
                    return
                data = fh.read(config.max_bytes + 1)
            else:
                with open_stream(stream, fh) as raw:
                    unpacked = _Metered(raw, st.st_size, budget, config)
                    data = unpacked.read(config.max_bytes + 1)
                    if len(data) > config.max_bytes:
                        detail = f"decompressed size > --max-bytes {config.max_bytes}"
                        yield from _read_big(path, name, unpacked, data, detail, st.st_size, config)
                        return
    except ArchiveLimitError as e:
        yield _reject(path, RejectReason.ARCHIVE_LIMIT, str(e), st.st_size)
        return
    except STREAM_ERRORS as e:
        reason = RejectReason.BINARY if stream else RejectReason.UNREADABLE
        yield _reject(path, reason, f"cannot read: {e}", st.st_size)
        return
    yield from _unwrap(path, name, data, config, budget, 1 if stream else 0)


def _read_big(
    path: str,
    name: str,
    fh: Readable,
    head: bytes,
    detail: str,
    size: int,
    config: IngestConfig,
) -> Iterator[Source | Reject]:
    """A file over --max-bytes: a bundle of text is streamed and cut into its articles, each
    held in memory on its own; anything else (no delimiter line within the first --max-bytes
    bytes, UTF-16/32 or binary data, --no-split) is too_large. A bundle of more parts than
    --max-members, or whose stream breaks a compression limit, stops there (archive_limit)."""
    first = head or fh.read(CHUNK_BYTES)
    if config.delimiter is None or b"\x00" in first[:SNIFF_BYTES] or stream_kind(first):
        yield _reject(path, RejectReason.TOO_LARGE, detail, size)
        return
    chunks = chain([first], iter(partial(fh.read, CHUNK_BYTES), b""))
    parts = stream_parts(chunks, config.delimiter, config.max_bytes)
    held = next(parts, None)
    if held is None or isinstance(held, Oversized):
        detail += "; no delimiter line within the first --max-bytes bytes"
        yield _reject(path, RejectReason.TOO_LARGE, detail, size)
        return
    ident, seq = ids_for(path, name)
    k = 1
    while True:
        stop: str | None = None
        try:
            item = next(parts, None)
        except ArchiveLimitError as e:
            item, stop = None, f"{e}; parts from {k + 1} on not read"
        if item is None and stop is None and k == 1 and isinstance(held, bytes):
            yield _source(path, name, held)  # one article after all
            return
        if isinstance(held, Oversized):
            part_detail = f"bundle part of {held.size} bytes > --max-bytes {config.max_bytes}"
            yield _reject(f"{path}#{k}", RejectReason.TOO_LARGE, part_detail, held.size)
        else:
            yield Source(source=path, id=ident, seq=seq, data=held, part=k)
        if stop is not None:
            yield _reject(f"{path}#{k + 1}", RejectReason.ARCHIVE_LIMIT, stop)
            return
        if item is None:
            return
        k += 1
        if k > config.max_members:
            stop = f"a bundle of more than {config.max_members} parts; parts from {k} on not read"
            yield _reject(f"{path}#{k}", RejectReason.ARCHIVE_LIMIT, stop)
            return
        held = item


def _unwrap(
    label: str, name: str, data: bytes, config: IngestConfig, budget: _Budget, depth: int
) -> Iterator[Source | Reject]:
    """data as an input unit, or what it holds when it is compressed or an archive."""
    stream = stream_kind(data[:MAGIC_BYTES])
    archive = None if stream else archive_kind(data[:512], name)
    if stream is None and archive is None:
        yield _source(label, name, data)
        return
    if depth >= MAX_DEPTH:
        detail = f"archives or compressed data nested more than {MAX_DEPTH} deep"
        yield _reject(label, RejectReason.ARCHIVE_LIMIT, detail, len(data))
        return
    if archive is not None:
        yield from _archive(label, io.BytesIO(data), archive, config, budget, depth + 1)
        return
    assert stream is not None
    try:
        with open_stream(stream, io.BytesIO(data)) as raw:
            inner = _read_limited(_Metered(raw, len(data), budget, config), config.max_bytes)
    except ArchiveLimitError as e:
        yield _reject(label, RejectReason.ARCHIVE_LIMIT, str(e), len(data))
        return
    except STREAM_ERRORS as e:
        yield _reject(label, RejectReason.BINARY, f"cannot read {stream} data: {e}", len(data))
        return
    if inner is None:
        detail = f"decompressed size > --max-bytes {config.max_bytes}"
        yield _reject(label, RejectReason.TOO_LARGE, detail, len(data))
        return
    yield from _unwrap(label, name, inner, config, budget, depth + 1)


def _member_checks(
    label: str, name: str, size: int, packed: int, budget: _Budget, config: IngestConfig
) -> Reject | None:
    if UNSAFE_MEMBER_RE.search(name):
        return _reject(label, RejectReason.UNSAFE_NAME, f"member name {name!r} not used as a path")
    if budget.members > config.max_members:
        return _reject(label, RejectReason.ARCHIVE_LIMIT, f"over {config.max_members} members")
    if size > config.max_bytes:
        return _reject(
            label, RejectReason.TOO_LARGE, f"{size} bytes > --max-bytes {config.max_bytes}", size
        )
    if budget.total > config.max_total_bytes:
        return _reject(
            label,
            RejectReason.ARCHIVE_LIMIT,
            f"archive total uncompressed size exceeds {config.max_total_bytes} bytes",
            size,
        )
    if packed > 0 and size / packed > config.max_ratio:
        return _reject(
            label,
            RejectReason.ARCHIVE_LIMIT,
            f"compression ratio {size / packed:.0f} > {config.max_ratio:.0f} (zip bomb?)",
            size,
        )
    return None


def _archive(
    label: str,
    where: str | IO[bytes],
    kind: str,
    config: IngestConfig,
    budget: _Budget,
    depth: int,
) -> Iterator[Source | Reject]:
    """Members in archive order, read in memory one at a time; never extracted to disk."""
    read = _read_zip if kind == "zip" else _read_tar
    try:
        with open(where, "rb") if isinstance(where, str) else nullcontext(where) as fh:
            yield from read(label, fh, config, budget, depth)
    except (*STREAM_ERRORS, zipfile.BadZipFile, tarfile.TarError) as e:
        yield _reject(label, RejectReason.UNREADABLE, f"broken archive: {e}")


def _read_zip(
    label: str, where: IO[bytes], config: IngestConfig, budget: _Budget, depth: int
) -> Iterator[Source | Reject]:
    with zipfile.ZipFile(where) as zf:
        for info in zf.infolist():
            base = os.path.basename(info.filename)
            if info.is_dir() or not _wanted(base, config.glob):
                continue
            budget.members += 1
            budget.total += info.file_size
            member = f"{label}!{info.filename}"
            bad = _member_checks(
                member, info.filename, info.file_size, info.compress_size, budget, config
            )
            if bad is not None:
                yield bad
                continue
            with zf.open(info) as fh:
                # The header's size can lie; the limited read is what protects memory.
                data = _read_limited(fh, config.max_bytes)
            if data is None:
                yield _reject(member, RejectReason.TOO_LARGE, "member larger than its header says")
                continue
            yield from _unwrap(member, base, data, config, budget, depth)


def _read_tar(
    label: str, where: IO[bytes], config: IngestConfig, budget: _Budget, depth: int
) -> Iterator[Source | Reject]:
    packed = where.seek(0, os.SEEK_END)
    where.seek(0)
    with tarfile.open(fileobj=where, mode="r|*") as tf:
        for member in tf:
            base = os.path.basename(member.name)
            if member.isdir() or not _wanted(base, config.glob):
                continue
            budget.members += 1
            entry = f"{label}!{member.name}"
            if not member.isfile():
                yield _reject(entry, RejectReason.NOT_A_FILE, "link or special member in archive")
                continue
            budget.total += member.size
            # A tar has no per-member packed size; the ratio check uses the whole archive.
            bad = _member_checks(entry, member.name, member.size, 0, budget, config)
            ratio = budget.total / max(packed, 1)
            if bad is None and budget.total > config.max_bytes and ratio > config.max_ratio:
                detail = f"archive compression ratio {ratio:.0f} too high"
                bad = _reject(entry, RejectReason.ARCHIVE_LIMIT, detail)
            if bad is not None:
                yield bad
                continue
            fh = tf.extractfile(member)
            data = _read_limited(fh, config.max_bytes) if fh is not None else None
            if data is None:
                yield _reject(entry, RejectReason.UNREADABLE, "member could not be read")
                continue
            yield from _unwrap(entry, base, data, config, budget, depth)


def _read_stdin(config: IngestConfig) -> Iterator[Source | Reject]:
    data = _read_limited(sys.stdin.buffer, config.max_bytes)
    if data is None:
        detail = f"stdin exceeds --max-bytes {config.max_bytes}"
        yield _reject("-", RejectReason.TOO_LARGE, detail)
        return
    content_id = hashlib.sha256(data).hexdigest()[:16]
    for item in _unwrap("-", "-", data, config, _Budget(), 0):
        if isinstance(item, Source) and item.source == "-":
            # stdin has no name to hash: the id comes from the content, so two articles
            # piped in (two runs whose outputs are merged) never share one.
            item = item.model_copy(update={"id": content_id})
        yield item


# What the library's entry points take as paths: one path, or several.
Paths = str | os.PathLike[str] | Iterable[str | os.PathLike[str]]


def as_paths(paths: Paths) -> list[str]:
    """A list of path strings. A single str or Path is one path: a str is also an iterable of
    characters, and reading "seeds" as the paths "s", "e", "e", … is never what was meant."""
    if isinstance(paths, str | os.PathLike):
        return [os.fspath(paths)]
    out = [os.fspath(p) for p in paths]
    bad = [p for p in out if not isinstance(p, str)]
    if bad:
        raise TypeError(f"paths must be str or os.PathLike[str], got {bad[0]!r}")
    return out


def check_paths(paths: Sequence[str]) -> None:
    """Raise before any work when a path the user named does not exist."""
    for p in paths:
        if p != "-" and not os.path.lexists(p):
            raise InputNotFoundError(f"{p}: no such file or directory")


@dataclass(frozen=True)
class Inputs:
    """What the user's paths stand for. `entries` are read in this order (files, '-', and
    folders that read as rejects); `skipped` are files under the folders that the glob did not
    take; `empty` are the paths that stand for no entry at all."""

    entries: tuple[str, ...]
    skipped: tuple[str, ...] = ()
    empty: tuple[str, ...] = ()

    def warnings(self, glob: str, names: int = 5) -> list[str]:
        """What a user should hear about: paths that yield nothing, files the glob left out."""
        out = [f"{p}: no input matching --glob {glob!r} (nothing read)" for p in self.empty]
        if self.skipped:
            shown = ", ".join(self.skipped[:names])
            more = f" and {len(self.skipped) - names} more" if len(self.skipped) > names else ""
            out.append(
                f"{len(self.skipped)} file(s) not matching --glob {glob!r} were skipped: "
                f"{shown}{more}"
            )
        return out


def scan_inputs(paths: Paths, config: IngestConfig) -> Inputs:
    """Walk the paths once: what to read, and what was left out (for warnings)."""
    paths = as_paths(paths)
    check_paths(paths)
    entries: list[str] = []
    skipped: list[str] = []
    empty: list[str] = []
    for p in paths:
        if p != "-" and os.path.isdir(p):
            found, left = _walk(p, config.glob, config.exclude)
            entries.extend(found)
            skipped.extend(left)
            if not found:
                empty.append(p)
        else:
            entries.append(p)
    return Inputs(tuple(entries), tuple(skipped), tuple(empty))


def input_files(paths: Paths, config: IngestConfig) -> list[str]:
    """The files (and archives) the paths stand for, in reading order; '-' stays '-'.
    Reading these with read_entries gives exactly what reading the paths gives."""
    return list(scan_inputs(paths, config).entries)


def read_entry(entry: str, config: IngestConfig) -> Iterator[Source | Reject]:
    """The units (or rejects) of one entry of scan_inputs, never walking it again."""
    if entry == "-":
        yield from _read_stdin(config)
    else:
        yield from _read_file(entry, config)


def read_entries(entries: Sequence[str], config: IngestConfig) -> Iterator[Source | Reject]:
    """The units of entries listed by scan_inputs or input_files (a Dask partition)."""
    for entry in entries:
        yield from read_entry(entry, config)


def read_sources(paths: Paths | Inputs, config: IngestConfig) -> Iterator[Source | Reject]:
    """Every input unit under paths, in a deterministic order, or a reject saying why not."""
    inputs = paths if isinstance(paths, Inputs) else scan_inputs(paths, config)
    yield from read_entries(inputs.entries, config)
