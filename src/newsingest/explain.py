"""Explain: the cleaner's decision for every line of one input, for debugging a new site."""

from __future__ import annotations

import dataclasses

from pydantic import BaseModel, ConfigDict
from rich.console import Console
from rich.table import Table

from .clean.engine import get_cleaner
from .config import IngestConfig
from .models import CleanResult, LineDecision, Reject
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
    comments_line: int | None = None  # the line that opened the reader comments


# Features shown per model decision.
TOP_FEATURES = 3


def weighed_decisions(c: CleanResult, config: IngestConfig) -> tuple[LineDecision, ...]:
    """The decisions with the model's score and the features that weighed most on it (a hard
    drop shows them too: what the model thought of a line its rule settled)."""
    if not c.scores or c.features is None:
        return c.decisions
    model = get_cleaner(config.rules_file, "model").model
    assert model is not None
    scores = model.scores(c.features)  # parse scores only the lines it had to decide
    out = []
    for i, d in enumerate(c.decisions):
        contrib = model.contributions(c.features[i])
        top = sorted(contrib.items(), key=lambda kv: (-abs(kv[1]), kv[0]))[:TOP_FEATURES]
        weighed = tuple(f"{'+' if v >= 0 else '-'}{name}" for name, v in top)
        out.append(dataclasses.replace(d, score=round(float(scores[i]), 3), weighed=weighed))
    return tuple(out)


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
                    decisions=weighed_decisions(c, config),
                    comments_line=c.comments_line,
                )
            )
    return out


def _pick(what: str, line: int | None, value: str | None) -> str:
    """'title (line 3): …', or 'title: none found' rather than a line None and a None."""
    if value is None:
        return f"{what}: none found"
    return f"{what} (line {line}): {value}" if line is not None else f"{what}: {value}"


def render(exp: Explanation, console: Console, width: int = 100) -> None:
    """A rich table: line number, keep or drop, the rule or reason, the line."""
    table = Table(
        title=exp.source,
        caption=(
            f"{_pick('title', exp.title_line, exp.title and repr(exp.title))}   "
            f"{_pick('published', exp.published_line, exp.published)}   "
            f"encoding: {exp.encoding}"
            + (f"   comments from line {exp.comments_line}" if exp.comments_line else "")
        ),
        show_lines=False,
        expand=False,
    )
    table.add_column("line", justify="right")
    table.add_column("", width=4)
    table.add_column("rule", no_wrap=True)
    table.add_column("p", justify="right", no_wrap=True)
    table.add_column("weighed most", no_wrap=True)
    table.add_column("text", overflow="ellipsis", no_wrap=True, max_width=width)
    for d in exp.decisions:
        mark = "[green]keep[/]" if d.keep else "[red]drop[/]"
        score = f"{d.score:.2f}" if d.score is not None else ""
        table.add_row(str(d.line), mark, d.rule, score, " ".join(d.weighed), d.text)
    console.print(table)
