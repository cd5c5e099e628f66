"""Run settings: one frozen object, varied with model_copy(update=...)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

DEFAULT_DELIMITER = r"(?:={3,}|\f)"


class IngestConfig(BaseModel):
    """Every knob of a run. Defaults are the documented CLI defaults."""

    model_config = ConfigDict(frozen=True)

    glob: str = Field("*.txt", description="file pattern used when recursing into directories")
    max_bytes: int = Field(
        10_000_000, gt=0, description="larger files and articles are too_large; bundles stream"
    )
    delimiter: str | None = Field(
        DEFAULT_DELIMITER,
        description="regex a whole line must match to split a bundle file; None disables",
    )
    langs: tuple[str, ...] | None = Field(None, description="keep only these languages")
    min_chars: int | None = Field(None, description="clean text shorter than this is too_short")
    rules_file: Path | None = Field(None, description="extra cleaning rules layered on defaults")
    cleaner: Literal["model", "rules", "off"] = Field(
        "model",
        description="model: learned line decisions; rules: the rule-and-region engine of 0.1; "
        "off: keep every line (corpora that are already clean)",
    )
    max_members: int = Field(100_000, gt=0, description="archive member count limit")
    max_total_bytes: int = Field(2_000_000_000, gt=0, description="archive uncompressed limit")
    exclude: frozenset[str] = Field(
        frozenset(),
        description="real paths never read when found in a folder: this run's own outputs",
    )
    max_ratio: float = Field(200.0, gt=1.0, description="archive member compression ratio limit")
    doc_timeout: float | None = Field(
        30.0,
        ge=0,
        description="CPU seconds one document may take before it is a timeout reject; 0 or "
        "None: no limit",
    )
    max_line_chars: int = Field(
        200_000, gt=0, description="a document with a longer line is a timeout reject"
    )
    drop_wide: bool = Field(
        False, description="drop lines that repeat across 3+ articles of the run (two passes)"
    )
    drop_wide_min_files: int = Field(3, ge=2, description="articles a line must repeat in")
    repeated_lines: frozenset[int] = Field(
        frozenset(), description="set by the first --drop-wide pass: digests of repeated lines"
    )
    dedup: Literal["off", "exact", "near"] = Field(
        "off", description="mark or drop articles repeating an earlier one in input order"
    )
    dedup_action: Literal["mark", "drop"] = Field(
        "mark", description="mark: keep with duplicate_of; drop: reject as duplicate"
    )
