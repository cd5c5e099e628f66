"""Parquet output: the JSON record's fields as typed columns, streamed in row groups.

The Arrow schema is derived from the pydantic record model, never from the data, so a null or
an empty map in a later batch cannot fail the write after the work is done. pyarrow comes with
the optional `parquet` extra and is imported only when Parquet is asked for.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
import types
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, Union, get_args, get_origin

from pydantic import BaseModel

from .errors import NewsIngestError, OutputError
from .export import CommitOnExit, _umask, output_target, publish, temp_beside
from .models import Article

if TYPE_CHECKING:
    import pyarrow as pa
    import pyarrow.parquet as pq

INSTALL_HINT = "Parquet output needs the parquet extra: pip install 'newsingest[parquet]'"

# Rows per row group: big enough for good compression and fast scans, small enough that the
# buffered rows (a few kB each) keep memory flat whatever the corpus size.
ROW_GROUP_ROWS = 10_000
# ...and a cap on the buffered text, for corpora of very long articles.
ROW_GROUP_CHARS = 16_000_000


class ParquetUnavailableError(NewsIngestError):
    """pyarrow is not installed: the message names the extra to install."""


def require_pyarrow() -> None:
    """Raise ParquetUnavailableError, naming the extra, when pyarrow cannot be imported."""
    try:
        import pyarrow
        import pyarrow.parquet  # noqa: F401
    except ImportError as e:
        raise ParquetUnavailableError(INSTALL_HINT) from e


def _arrow_type(annotation: Any) -> tuple[pa.DataType, bool]:
    """Arrow type of a field's annotation, and whether it may be null."""
    import pyarrow as pa

    origin = get_origin(annotation)
    if origin in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        if len(args) != 1:
            raise TypeError(f"no Parquet column type for {annotation!r}")
        return _arrow_type(args[0])[0], True
    if origin is dict:
        key, value = get_args(annotation)
        item = pa.field("value", _arrow_type(value)[0], nullable=False)
        return pa.map_(_arrow_type(key)[0], item), False
    scalars: dict[Any, pa.DataType] = {
        str: pa.string(),
        int: pa.int64(),
        float: pa.float64(),
        bool: pa.bool_(),
    }
    if annotation in scalars:
        return scalars[annotation], False
    raise TypeError(f"no Parquet column type for {annotation!r}")


def arrow_schema(model: type[BaseModel] = Article) -> pa.Schema:
    """One column per model field, in the model's (the JSON record's) order: str, int, float
    and bool as such, `X | None` as a nullable X, dict[str, V] as a map. The schema version
    travels in the file's metadata."""
    import pyarrow as pa

    require_pyarrow()
    fields = []
    for name, info in model.model_fields.items():
        arrow, nullable = _arrow_type(info.annotation)
        fields.append(pa.field(name, arrow, nullable=nullable))
    meta = {"newsingest.model": model.__name__}
    if "schema_version" in model.model_fields:
        meta["newsingest.schema_version"] = json.dumps(model.model_fields["schema_version"].default)
    return pa.schema(fields, metadata=meta)


class ParquetWriter(CommitOnExit):
    """Writes records to a Parquet file, a row group at a time; like JsonlWriter, the file
    appears (atomically renamed) only when the run ends without an exception."""

    def __init__(
        self,
        path: str,
        model: type[BaseModel] = Article,
        row_group_rows: int = ROW_GROUP_ROWS,
        row_group_chars: int = ROW_GROUP_CHARS,
        metadata: Mapping[str, str] | None = None,
    ) -> None:
        require_pyarrow()
        if path in ("", "-"):
            raise NewsIngestError("Parquet output needs a file: give -o FILE.parquet")
        self.path = path
        self.model = model
        self.row_group_rows = row_group_rows
        self.row_group_chars = row_group_chars
        self.schema = arrow_schema(model)
        if metadata:
            self.schema = self.schema.with_metadata({**self.schema.metadata, **metadata})
        self._columns: dict[str, list[Any]] = {name: [] for name in self.schema.names}
        self._rows = 0
        self._chars = 0
        self._tmp: str | None = None
        self._target: str | None = None
        self._mode = 0o644
        self._writer: pq.ParquetWriter | None = None

    def open(self) -> Self:
        """Check the target and start the temp file beside it, before any work: the same
        checks, errors and temp-file names as JsonlWriter's (see export)."""
        import pyarrow.parquet as pq

        target, st = output_target(self.path)
        self._mode = 0o666 & ~_umask() if st is None else stat.S_IMODE(st.st_mode)
        fd, self._tmp = temp_beside(self.path, target)
        os.close(fd)
        self._target = target
        self._writer = pq.ParquetWriter(self._tmp, self.schema, compression="zstd")
        return self

    def write(self, model: BaseModel) -> None:
        row = model.model_dump(mode="json")
        for name, column in self._columns.items():
            column.append(row[name])
        self._rows += 1
        text = row.get("text")
        self._chars += len(text) if isinstance(text, str) else 0
        if self._rows >= self.row_group_rows or self._chars >= self.row_group_chars:
            try:
                self._flush()
            except OSError as e:  # a full disk: the run ends, like a JSONL file's would
                raise OutputError(f"{self.path}: cannot write ({e.strerror or e})") from None

    def _flush(self) -> None:
        import pyarrow as pa

        if not self._rows:
            return
        assert self._writer is not None
        batch = pa.RecordBatch.from_pydict(self._columns, schema=self.schema)
        self._writer.write_batch(batch)
        self._columns = {name: [] for name in self.schema.names}
        self._rows = 0
        self._chars = 0

    def commit(self) -> None:
        """Write the last row group and the footer, rename over the target. Raises
        OutputError (the temp file is removed)."""
        assert self._tmp is not None and self._writer is not None and self._target is not None
        try:
            self._flush()
            self._writer.close()
            self._writer = None
            publish(self._tmp, self._target, self._mode)
            self._tmp = None
        except OSError as e:
            self.discard()
            raise OutputError(f"{self.path}: cannot write ({e.strerror or e})") from None

    def discard(self) -> None:
        """Drop what was written: the temp file goes, the target is untouched."""
        if self._writer is not None:
            with contextlib.suppress(Exception):
                self._writer.close()
            self._writer = None
        if self._tmp is not None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self._tmp)
            self._tmp = None


def read_records(path: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """The records of a Parquet file as the JSON records' dicts (maps back to dicts), for
    comparing with JSONL. Reads the whole file: for checks and small files."""
    import pyarrow.parquet as pq

    require_pyarrow()
    table = pq.read_table(path)
    maps = [f.name for f in table.schema if str(f.type).startswith("map<")]
    rows: list[dict[str, Any]] = table.to_pylist()
    for row in rows:
        for name in maps:
            row[name] = dict(row[name]) if row[name] is not None else None
    return rows
