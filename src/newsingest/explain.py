"""Explain: the cleaner's decision for every line of one input, for debugging a new site."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict
from rich.console import Console
from rich.table import Table

from .config import IngestConfig
from .models import LineDecision, Reject
from .pipeline import analyse_source, check_config
from .reader import Paths, read_sources


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


def explain_paths(paths: Paths, config: IngestConfig | None = None) -> list[Explanation | Reject]:
    """Decisions for each article in the inputs: the very code path of parse."""
    out: list[Explanation | Reject] = []
    config = config or IngestConfig()
    check_config(config)
    for src in read_sources(paths, config):
        if isinstance(src, Reject):
            out.append(src)
            continue
        for a in analyse_source(src, config):
            if a.cleaned is None:
                assert isinstance(a.item, Reject)
                out.append(a.item)
                continue
            c = a.cleaned
            out.append(
                Explanation(
                    source=a.item.source,
                    encoding=a.encoding or "",
                    title=c.title,
                    title_line=c.title_line,
                    published=c.published,
                    published_line=c.published_line,
                    decisions=c.decisions,
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
