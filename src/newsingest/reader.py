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


def _walk(root: str, glob: str) -> list[str]:
    """Every wanted path below root, sorted by relative path so order never depends on the FS."""
    found: list[str] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        # os.walk lists symlinks to directories among dirnames but does not follow them, so a
        # link loop cannot hang the walk; a link to a file shows up in filenames and is read.
        found.extend(os.path.join(dirpath, f) for f in filenames if _wanted(f, glob))
    rel = {p: os.path.relpath(p, root) for p in found}
    return sorted(found, key=lambda p: rel[p].replace(os.sep, "/"))


@dataclass
class _Budget:
    """Members and uncompressed bytes read so far from one file, nested archives included."""

    members: int = 0
    total: int = 0


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
    if not stat.S_ISREG(st.st_mode):
        kind = "a directory" if stat.S_ISDIR(st.st_mode) else "not a regular file (FIFO/device)"
        yield _reject(path, RejectReason.NOT_A_FILE, kind)
        return
    if is_archive_name(name):
        # Archives are bigger than --max-bytes as a rule: read in place, member by member.
        yield from _archive(path, path, archive_kind(b"", name) or "tar", config, _Budget(), 1)
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
                with open_stream(stream, fh) as unpacked:
                    data = unpacked.read(config.max_bytes + 1)
                    if len(data) > config.max_bytes:
                        detail = f"decompressed size > --max-bytes {config.max_bytes}"
                        yield from _read_big(path, name, unpacked, data, detail, st.st_size, config)
                        return
    except STREAM_ERRORS as e:
        reason = RejectReason.BINARY if stream else RejectReason.UNREADABLE
        yield _reject(path, reason, f"cannot read: {e}", st.st_size)
        return
    yield from _unwrap(path, name, data, config, _Budget(), 1 if stream else 0)


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
    bytes, UTF-16/32 or binary data, --no-split) is too_large."""
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
    for k, item in enumerate(chain(parts, [None]), 1):
        if item is None and k == 1 and isinstance(held, bytes):  # one article after all
            yield _source(path, name, held)
            return
        if isinstance(held, Oversized):
            detail = f"bundle part of {held.size} bytes > --max-bytes {config.max_bytes}"
            yield _reject(f"{path}#{k}", RejectReason.TOO_LARGE, detail, held.size)
        elif held is not None:
            yield Source(source=path, id=ident, seq=seq, data=held, part=k)
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
        with open_stream(stream, io.BytesIO(data)) as unpacked:
            inner = _read_limited(unpacked, config.max_bytes)
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
    else:
        yield from _unwrap("-", "-", data, config, _Budget(), 0)


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


def input_files(paths: Paths, config: IngestConfig) -> list[str]:
    """The files (and archives) the paths stand for, in reading order; '-' stays '-'.
    Reading these one by one gives exactly what reading the paths gives."""
    paths = as_paths(paths)
    check_paths(paths)
    out: list[str] = []
    for p in paths:
        out.extend(_walk(p, config.glob) if p != "-" and os.path.isdir(p) else [p])
    return out


def read_sources(paths: Paths, config: IngestConfig) -> Iterator[Source | Reject]:
    """Every input unit under paths, in a deterministic order, or a reject saying why not."""
    for p in input_files(paths, config):
        if p == "-":
            yield from _read_stdin(config)
        else:
            yield from _read_file(p, config)
