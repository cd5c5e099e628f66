"""Compressed streams and archives, known by their first bytes as well as by their names."""

from __future__ import annotations

import bz2
import gzip
import lzma
import zlib
from typing import IO, Protocol

# Stream formats of the standard library, by magic number.
STREAMS: tuple[tuple[str, bytes], ...] = (
    ("gzip", b"\x1f\x8b"),
    ("bzip2", b"BZh"),
    ("xz", b"\xfd7zXZ\x00"),
)
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")  # a zip's first member, or an empty zip
STREAM_SUFFIXES = {".gz": "gzip", ".bz2": "bzip2", ".xz": "xz"}
ARCHIVE_SUFFIXES: tuple[str, ...] = (".zip", ".tar", ".tgz", ".tbz", ".tbz2", ".txz")
ARCHIVE_SUFFIXES += tuple(".tar" + suffix for suffix in STREAM_SUFFIXES)
# Errors a broken or truncated stream raises while it is read.
STREAM_ERRORS = (OSError, EOFError, zlib.error, lzma.LZMAError, ValueError)
MAGIC_BYTES = max(len(magic) for _, magic in STREAMS)


class Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


def stream_kind(head: bytes) -> str | None:
    """The compression format whose magic number head starts with, if any."""
    for name, magic in STREAMS:
        if head.startswith(magic):
            return name
    return None


def open_stream(kind: str, fh: IO[bytes]) -> gzip.GzipFile | bz2.BZ2File | lzma.LZMAFile:
    """A reader of fh's decompressed bytes."""
    if kind == "gzip":
        return gzip.GzipFile(fileobj=fh, mode="rb")
    if kind == "bzip2":
        return bz2.BZ2File(fh, "rb")
    if kind == "xz":
        return lzma.LZMAFile(fh, "rb")
    raise ValueError(f"unknown stream format {kind!r}")


def archive_kind(head: bytes, name: str) -> str | None:
    """'zip' or 'tar' when the name or the first bytes say the data is such an archive."""
    low = name.lower()
    if low.endswith(".zip") or head.startswith(ZIP_MAGIC):
        return "zip"
    if low.endswith(ARCHIVE_SUFFIXES) or head[257:262] == b"ustar":
        return "tar"
    return None


def strip_stream_suffix(name: str) -> str:
    """NAME.txt for NAME.txt.gz, .bz2 or .xz; other names as they are."""
    for suffix in STREAM_SUFFIXES:
        if name.lower().endswith(suffix):
            return name[: -len(suffix)]
    return name


def is_archive_name(name: str) -> bool:
    return name.lower().endswith(ARCHIVE_SUFFIXES)
