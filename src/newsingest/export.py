"""Exporter: one JSON object per line, fixed key order, UTF-8; atomic files, optional gzip."""

from __future__ import annotations

import gzip
import io
import json
import os
import sys
import tempfile
from collections import Counter
from contextlib import AbstractContextManager
from types import TracebackType
from typing import IO, Protocol, Self

from pydantic import BaseModel

from .errors import NewsIngestError
from .models import Article, Item, Reject


def to_json(model: BaseModel) -> str:
    """One compact JSON line: model field order, no ASCII escaping, no trailing spaces."""
    return json.dumps(model.model_dump(mode="json"), ensure_ascii=False, separators=(",", ":"))


class JsonlWriter:
    """Writes lines to stdout ('-' or None) or to a file replaced atomically on success."""

    def __init__(self, path: str | None) -> None:
        self.path = None if path in (None, "-") else path
        self._tmp: str | None = None
        self._fh: IO[str]
        self._raw: IO[bytes] | None = None

    def __enter__(self) -> Self:
        if self.path is None:
            self._fh = sys.stdout
            return self
        folder = os.path.dirname(os.path.abspath(self.path))
        try:
            fd, self._tmp = tempfile.mkstemp(prefix=".newsingest-", dir=folder)
        except OSError as e:
            raise NewsIngestError(
                f"{self.path}: cannot write there ({e.strerror or e}); check the folder exists"
                " and is writable"
            ) from e
        raw = os.fdopen(fd, "wb")
        if self.path.endswith(".gz"):
            # mtime=0 and no file name in the header: the same records give the same bytes.
            self._raw = raw
            gz = gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0)
            self._fh = _text(gz)
        else:
            self._fh = _text(raw)
        return self

    def write(self, model: BaseModel) -> None:
        self._fh.write(to_json(model) + "\n")

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self.path is None:
            self._fh.flush()
            return
        assert self._tmp is not None
        try:
            self._fh.close()
            if self._raw is not None:
                self._raw.close()
            if exc_type is None:
                os.chmod(self._tmp, 0o644)
                os.replace(self._tmp, self.path)
        finally:
            if os.path.exists(self._tmp):
                os.unlink(self._tmp)


def _text(raw: IO[bytes] | gzip.GzipFile) -> IO[str]:
    return io.TextIOWrapper(raw, encoding="utf-8", newline="\n")


class Summary(BaseModel):
    """Counts of a run: records, rejects by reason, and which inputs were rejected."""

    records: int = 0
    rejects: int = 0
    by_reason: dict[str, int] = {}

    def add(self, item: Item) -> None:
        if isinstance(item, Article):
            self.records += 1
        else:
            self.rejects += 1
            self.by_reason[item.reason.value] = self.by_reason.get(item.reason.value, 0) + 1

    def line(self) -> str:
        if not self.rejects:
            return f"{self.records} records, 0 rejects"
        reasons = ", ".join(f"{k} {v}" for k, v in sorted(Counter(self.by_reason).items()))
        return f"{self.records} records, {self.rejects} rejects ({reasons})"


class RecordSink(Protocol):
    """Where records go: a JsonlWriter, or a ParquetWriter (newsingest.parquet)."""

    def write(self, model: BaseModel) -> None: ...


FORMATS = ("jsonl", "parquet")


def records_format(path: str | None, fmt: str | None = None) -> str:
    """The records format: the one asked for, else Parquet for a .parquet file, else JSONL."""
    if fmt is not None:
        if fmt not in FORMATS:
            raise NewsIngestError(f"unknown records format {fmt!r}; choose from {FORMATS}")
        return fmt
    return "parquet" if path is not None and path.endswith(".parquet") else "jsonl"


def open_records(path: str | None, fmt: str | None = None) -> AbstractContextManager[RecordSink]:
    """A writer for the records file in its format; '-' or None is stdout (JSONL only)."""
    if records_format(path, fmt) == "parquet":
        from .parquet import ParquetWriter

        return ParquetWriter(path or "-")
    return JsonlWriter(path)


def write_items(items: list[Item] | Item, records: RecordSink, rejects: RecordSink | None) -> None:
    """Route a record to the records stream and a reject to the rejects stream (if any)."""
    for item in items if isinstance(items, list) else [items]:
        if isinstance(item, Reject):
            if rejects is not None:
                rejects.write(item)
        else:
            records.write(item)
