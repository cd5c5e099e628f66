"""Reader: turn the user's paths into Source units (files, stdin, .gz, zip and tar members)."""

from __future__ import annotations

import gzip
import hashlib
import os
import re
import stat
import sys
import tarfile
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from fnmatch import fnmatch
from typing import IO

from .config import IngestConfig
from .errors import InputNotFoundError
from .models import Reject, RejectReason, Source

STAGE = "read"
NAME_RE = re.compile(r"^(\d+)_([0-9a-f]{16})\.[A-Za-z0-9]+$")
ARCHIVE_SUFFIXES = (".zip", ".tar", ".tar.gz", ".tgz")
# Member names must be plain relative paths of printable characters.
UNSAFE_MEMBER_RE = re.compile(r"(^/|^[A-Za-z]:|\\|(^|/)\.\.(/|$)|[\x00-\x1f\x7f])")


def ids_for(source: str, name: str) -> tuple[str, int | None]:
    """Id and seq from a file name NNN_<16hex>.txt, else a stable id hashed from the source."""
    base = name[:-3] if name.endswith(".gz") else name
    m = NAME_RE.match(base)
    if m:
        return m.group(2), int(m.group(1))
    return hashlib.sha256(source.encode("utf-8", "surrogateescape")).hexdigest()[:16], None


def _reject(source: str, reason: RejectReason, detail: str, size: int | None = None) -> Reject:
    return Reject(source=source, stage=STAGE, reason=reason, detail=detail, bytes=size)


def _source(source: str, name: str, data: bytes) -> Source:
    ident, seq = ids_for(source, name)
    return Source(source=source, id=ident, seq=seq, data=data)


def is_archive(name: str) -> bool:
    return name.lower().endswith(ARCHIVE_SUFFIXES)


def _wanted(name: str, glob: str) -> bool:
    """Whether a file found while recursing is an input: it matches, or is an archive of them."""
    if fnmatch(name, glob) or is_archive(name):
        return True
    return name.endswith(".gz") and fnmatch(name[:-3], glob)


def _read_limited(fh: IO[bytes] | gzip.GzipFile, limit: int) -> bytes | None:
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
    if is_archive(name):
        yield from _read_archive(path, config)
        return
    compressed = name.endswith(".gz")
    if not compressed and st.st_size > config.max_bytes:
        yield _reject(
            path,
            RejectReason.TOO_LARGE,
            f"{st.st_size} bytes > --max-bytes {config.max_bytes}",
            st.st_size,
        )
        return
    try:
        with gzip.open(path, "rb") if compressed else open(path, "rb") as fh:
            data = _read_limited(fh, config.max_bytes)
    except (OSError, EOFError, zlib.error) as e:
        reason = RejectReason.BINARY if compressed else RejectReason.UNREADABLE
        yield _reject(path, reason, f"cannot read: {e}", st.st_size)
        return
    if data is None:
        yield _reject(
            path,
            RejectReason.TOO_LARGE,
            f"decompressed size > --max-bytes {config.max_bytes}",
            st.st_size,
        )
        return
    yield _source(path, name, data)


def _member_checks(
    label: str, name: str, size: int, packed: int, total: int, count: int, config: IngestConfig
) -> Reject | None:
    if UNSAFE_MEMBER_RE.search(name):
        return _reject(label, RejectReason.UNSAFE_NAME, f"member name {name!r} not used as a path")
    if count > config.max_members:
        return _reject(label, RejectReason.ARCHIVE_LIMIT, f"over {config.max_members} members")
    if size > config.max_bytes:
        return _reject(
            label, RejectReason.TOO_LARGE, f"{size} bytes > --max-bytes {config.max_bytes}", size
        )
    if total > config.max_total_bytes:
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


def _read_archive(path: str, config: IngestConfig) -> Iterator[Source | Reject]:
    """Members in archive order, read in memory one at a time; never extracted to disk."""
    try:
        if path.lower().endswith(".zip"):
            yield from _read_zip(path, config)
        else:
            yield from _read_tar(path, config)
    except (OSError, EOFError, zipfile.BadZipFile, tarfile.TarError, zlib.error) as e:
        yield _reject(path, RejectReason.UNREADABLE, f"broken archive: {e}")


def _read_zip(path: str, config: IngestConfig) -> Iterator[Source | Reject]:
    total = count = 0
    with zipfile.ZipFile(path) as zf:
        for info in zf.infolist():
            if info.is_dir() or not fnmatch(os.path.basename(info.filename), config.glob):
                continue
            count += 1
            total += info.file_size
            label = f"{path}!{info.filename}"
            bad = _member_checks(
                label, info.filename, info.file_size, info.compress_size, total, count, config
            )
            if bad is not None:
                yield bad
                continue
            with zf.open(info) as fh:
                # The header's size can lie; the limited read is what protects memory.
                data = _read_limited(fh, config.max_bytes)
            if data is None:
                yield _reject(label, RejectReason.TOO_LARGE, "member larger than its header says")
                continue
            yield _source(label, os.path.basename(info.filename), data)


def _read_tar(path: str, config: IngestConfig) -> Iterator[Source | Reject]:
    total = count = 0
    packed = os.path.getsize(path)
    with tarfile.open(path, mode="r|*") as tf:
        for member in tf:
            if member.isdir() or not fnmatch(os.path.basename(member.name), config.glob):
                continue
            count += 1
            label = f"{path}!{member.name}"
            if not member.isfile():
                yield _reject(label, RejectReason.NOT_A_FILE, "link or special member in archive")
                continue
            total += member.size
            # A tar has no per-member packed size; the ratio check uses the whole archive.
            bad = _member_checks(label, member.name, member.size, 0, total, count, config)
            ratio = total / max(packed, 1)
            if bad is None and total > config.max_bytes and ratio > config.max_ratio:
                detail = f"archive compression ratio {ratio:.0f} too high"
                bad = _reject(label, RejectReason.ARCHIVE_LIMIT, detail)
            if bad is not None:
                yield bad
                continue
            fh = tf.extractfile(member)
            data = _read_limited(fh, config.max_bytes) if fh is not None else None
            if data is None:
                yield _reject(label, RejectReason.UNREADABLE, "member could not be read")
                continue
            yield _source(label, os.path.basename(member.name), data)


def _read_stdin(config: IngestConfig) -> Iterator[Source | Reject]:
    data = _read_limited(sys.stdin.buffer, config.max_bytes)
    if data is None:
        detail = f"stdin exceeds --max-bytes {config.max_bytes}"
        yield _reject("-", RejectReason.TOO_LARGE, detail)
    else:
        yield _source("-", "-", data)


def check_paths(paths: Sequence[str]) -> None:
    """Raise before any work when a path the user named does not exist."""
    for p in paths:
        if p != "-" and not os.path.lexists(p):
            raise InputNotFoundError(f"{p}: no such file or directory")


def input_files(paths: Sequence[str], config: IngestConfig) -> list[str]:
    """The files (and archives) the paths stand for, in reading order; '-' stays '-'.
    Reading these one by one gives exactly what reading the paths gives."""
    check_paths(paths)
    out: list[str] = []
    for p in paths:
        out.extend(_walk(p, config.glob) if p != "-" and os.path.isdir(p) else [p])
    return out


def read_sources(paths: Sequence[str], config: IngestConfig) -> Iterator[Source | Reject]:
    """Every input unit under paths, in a deterministic order, or a reject saying why not."""
    for p in input_files(paths, config):
        if p == "-":
            yield from _read_stdin(config)
        else:
            yield from _read_file(p, config)
