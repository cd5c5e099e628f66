"""Explain: the cleaner's decision for every line of one input, for debugging a new site."""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict
from rich.console import Console
from rich.table import Table

from .clean import clean_text
from .config import IngestConfig
from .decode import DecodeFailure, decode_bytes
from .models import LineDecision, Reject
from .normalize import normalize_text
from .pipeline import split_bundle
from .reader import read_sources


class Explanation(BaseModel):
    """One article's decisions, as `newsingest explain --json` prints them."""

    model_config = ConfigDict(frozen=True)

    source: str
    encoding: str
    title: str | None
    title_line: int | None
    published: str | None
    published_line: int | None
    decisions: tuple[LineDecision, ...]


def explain_paths(paths: Sequence[str], config: IngestConfig) -> list[Explanation | Reject]:
    """Decisions for each article in the inputs (the same code path as parse)."""
    out: list[Explanation | Reject] = []
    for src in read_sources(paths, config):
        if isinstance(src, Reject):
            out.append(src)
            continue
        decoded = decode_bytes(src.data)
        if isinstance(decoded, DecodeFailure):
            out.append(
                Reject(
                    source=src.source,
                    id=src.id,
                    stage="decode",
                    reason=decoded.reason,
                    detail=decoded.detail,
                    bytes=len(src.data),
                )
            )
            continue
        parts = split_bundle(normalize_text(decoded.text), config.delimiter)
        for k, part in enumerate(parts, 1):
            cleaned = clean_text(part, config.rules_file)
            out.append(
                Explanation(
                    source=src.source if len(parts) == 1 else f"{src.source}#{k}",
                    encoding=decoded.encoding,
                    title=cleaned.title,
                    title_line=cleaned.title_line,
                    published=cleaned.published,
                    published_line=cleaned.published_line,
                    decisions=cleaned.decisions,
                )
            )
    return out


def render(exp: Explanation, console: Console, width: int = 100) -> None:
    """A rich table: line number, keep or drop, the rule or reason, the line."""
    table = Table(
        title=exp.source,
        caption=(
            f"title (line {exp.title_line}): {exp.title!r}   "
            f"published (line {exp.published_line}): {exp.published}   encoding: {exp.encoding}"
        ),
        show_lines=False,
        expand=False,
    )
    table.add_column("line", justify="right")
    table.add_column("", width=4)
    table.add_column("rule")
    table.add_column("text", overflow="ellipsis", no_wrap=True, max_width=width)
    for d in exp.decisions:
        mark = "[green]keep[/]" if d.keep else "[red]drop[/]"
        table.add_row(str(d.line), mark, d.rule, d.text)
    console.print(table)
