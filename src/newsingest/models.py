"""Data models: the input unit, the article record, the reject, and cleaning decisions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

# 2: the learned cleaner; `removed` counts the model's and the sequence step's decisions.
SCHEMA_VERSION = 2


class RejectReason(StrEnum):
    """Why an input did not become a record. Stable snake_case codes."""

    BINARY = "binary"
    EMPTY = "empty"
    UNDECODABLE = "undecodable"
    TOO_LARGE = "too_large"
    TOO_SHORT = "too_short"
    NO_TEXT_AFTER_CLEANING = "no_text_after_cleaning"
    LANGUAGE = "language"
    DUPLICATE = "duplicate"
    ARCHIVE_LIMIT = "archive_limit"
    UNSAFE_NAME = "unsafe_name"
    UNREADABLE = "unreadable"
    NOT_A_FILE = "not_a_file"
    NO_VISIBLE_TEXT = "no_visible_text"
    TIMEOUT = "timeout"
    INTERNAL_ERROR = "internal_error"


REJECT_REASON_HELP: dict[RejectReason, str] = {
    RejectReason.BINARY: "the bytes are an image, archive, executable or other binary data",
    RejectReason.EMPTY: "the file has no bytes, or only whitespace",
    RejectReason.UNDECODABLE: "no text encoding fits the bytes with enough confidence",
    RejectReason.TOO_LARGE: "the file (or archive member) is larger than --max-bytes",
    RejectReason.TOO_SHORT: "the clean text is shorter than --min-chars",
    RejectReason.NO_TEXT_AFTER_CLEANING: "every line was site chrome; no body was left",
    RejectReason.LANGUAGE: "the article's language is not in --langs",
    RejectReason.DUPLICATE: "the clean text repeats an earlier article (--dedup-action drop)",
    RejectReason.ARCHIVE_LIMIT: "an archive, compressed file or bundle broke a count, size or "
    "compression-ratio limit",
    RejectReason.UNSAFE_NAME: "an archive member name is absolute, climbs out with '..' or is odd",
    RejectReason.UNREADABLE: "the file or folder could not be read (permissions, broken link, "
    "link loop)",
    RejectReason.NOT_A_FILE: "the path matched but is a directory, FIFO, socket or device, or a "
    "link to a folder read already",
    RejectReason.NO_VISIBLE_TEXT: "HTML saved as text renders to no visible text",
    RejectReason.TIMEOUT: "over the per-document budget: --doc-timeout, or a line too long",
    RejectReason.INTERNAL_ERROR: "a bug: an unexpected exception while processing this article",
}


class Source(BaseModel):
    """One input unit as found by the reader: where it came from and its raw bytes."""

    model_config = ConfigDict(frozen=True)

    source: str
    id: str
    seq: int | None
    data: bytes
    # k when the reader already cut this unit out of a bundle too big to read at once
    part: int | None = None


class Reject(BaseModel):
    """An input that did not become a record, with a reason from a fixed list."""

    model_config = ConfigDict(frozen=True)

    source: str = Field(description="the input as in a record's source (file, member, part)")
    id: str | None = Field(None, description="the id its record would have had, when known")
    stage: str = Field(description="the stage that turned it down: read, decode, clean, ...")
    reason: RejectReason = Field(description="why, one of the codes `newsingest reasons` lists")
    detail: str = Field(description="what exactly was wrong, for a person")
    bytes: int | None = Field(None, description="size of the input (or bundle part) in bytes")


class Article(BaseModel):
    """One clean article: a line of the JSONL output. Field order is the output key order."""

    model_config = ConfigDict(frozen=True)

    id: str = Field(description="16-hex id from a name NNN_<16hex>.txt, else hashed from the path")
    seq: int | None = Field(description="NNN from the file name as an integer, or null")
    source: str = Field(description="path as given, plus archive member (!) or bundle part (#k)")
    title: str | None = Field(description="the headline, or null when none was found")
    published: str | None = Field(description="ISO 8601 date the page says it was published")
    language: str = Field(description="ISO 639-1 code of the majority language, or 'und'")
    language_confidence: float = Field(
        ge=0.0, le=1.0, description="0-1: how sure the language tag is (see Language tags)"
    )
    languages: dict[str, float] = Field(description="share of the text per language")
    script: str = Field(description="ISO 15924 code of the majority script, or 'Zyyy'")
    text: str = Field(description="clean body; paragraphs separated by one blank line")
    chars: int = Field(description="length of text in characters")
    words: int = Field(description="whitespace-separated words in text")
    sha256: str = Field(description="sha256 of text encoded as UTF-8")
    encoding: str = Field(
        description="how the bytes were decoded (codec, plus decode step; +html when rendered)"
    )
    replaced: int = Field(0, description="bytes replaced by U+FFFD while decoding")
    repaired: bool = Field(False, description="mojibake was repaired by a verified round trip")
    removed: dict[str, int] = Field(description="lines dropped per cleaning rule id")
    duplicate_of: str | None = Field(
        None, description="id of the earlier article this one repeats (--dedup), else null"
    )
    schema_version: int = Field(SCHEMA_VERSION, description="version of this record layout")


@dataclass(frozen=True, slots=True)
class LineDecision:
    """What the cleaner decided about one input line (1-based `line`), and why: `rule` is the
    rule id that dropped it, or the reason it was kept."""

    line: int
    text: str
    keep: bool
    rule: str
    score: float | None = None  # the line model's P(body), when the model decided
    # The features that weighed most in the model's score, signed ("+sentence", "-rule").
    weighed: tuple[str, ...] = ()


@dataclass(frozen=True)
class CleanResult:
    """Output of the cleaner: the body, its title and date, and what was decided per line.
    Per-line decisions are kept as parallel sequences and only turned into LineDecision
    objects when asked for (explain, validate): parse needs just the counts."""

    text: str
    title: str | None
    title_line: int | None
    published: str | None
    published_line: int | None
    removed: dict[str, int]  # lines dropped per rule id, sorted by id
    line_numbers: Sequence[int] = ()
    line_texts: Sequence[str] = ()
    kept: Sequence[bool] = ()
    reasons: Sequence[str] = ()  # the rule that dropped a line, or why it was kept
    scores: Sequence[float] = ()  # the line model's P(body) per line (empty: rules engine)
    comments_line: int | None = None  # the line that opened the reader comments, if any
    features: Any = None  # the feature matrix the model scored (explain reads it)

    @property
    def lines(self) -> int:
        """Non-blank lines the cleaner saw."""
        return len(self.line_numbers)

    @property
    def decisions(self) -> tuple[LineDecision, ...]:
        return tuple(map(LineDecision, self.line_numbers, self.line_texts, self.kept, self.reasons))


Item = Article | Reject
