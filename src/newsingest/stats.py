"""Stats: what a JSONL corpus holds, by language, script, size, cleaning rule and reject."""

from __future__ import annotations

import gzip
import json
from collections import Counter
from pathlib import Path
from typing import IO

from pydantic import BaseModel
from rich.console import Console
from rich.table import Table

from .errors import NewsIngestError

SIZE_BUCKETS = (0, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000)


class CorpusStats(BaseModel):
    """Counts over records (and rejects, when given); `newsingest stats --json` prints this."""

    records: int = 0
    by_language: dict[str, int] = {}
    by_script: dict[str, int] = {}
    chars_histogram: dict[str, int] = {}
    words_total: int = 0
    chars_total: int = 0
    removed_by_rule: dict[str, int] = {}
    duplicates: int = 0
    rejects: int = 0
    rejects_by_reason: dict[str, int] = {}


def _open(path: Path) -> IO[str]:
    if path.suffix == ".gz":
        return gzip.open(path, "rt", encoding="utf-8")
    return open(path, encoding="utf-8")


def _bucket(chars: int) -> str:
    lower = max(b for b in SIZE_BUCKETS if b <= chars)
    upper = next((b for b in SIZE_BUCKETS if b > chars), None)
    return f"{lower}-{upper - 1}" if upper is not None else f"{lower}+"


def corpus_stats(records: Path, rejects: Path | None = None) -> CorpusStats:
    """Read a records file (and a rejects file) and count."""
    langs: Counter[str] = Counter()
    scripts: Counter[str] = Counter()
    sizes: Counter[str] = Counter()
    removed: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    s = CorpusStats()
    try:
        with _open(records) as fh:
            for raw in fh:
                if not raw.strip():
                    continue
                r = json.loads(raw)
                s.records += 1
                langs[r["language"]] += 1
                scripts[r.get("script", "Zyyy")] += 1
                sizes[_bucket(r["chars"])] += 1
                s.chars_total += r["chars"]
                s.words_total += r["words"]
                removed.update(r.get("removed", {}))
                s.duplicates += r.get("duplicate_of") is not None
        if rejects is not None:
            with _open(rejects) as fh:
                for raw in fh:
                    if raw.strip():
                        reasons[json.loads(raw)["reason"]] += 1
    except (OSError, ValueError, KeyError) as e:
        raise NewsIngestError(f"cannot read newsingest JSONL: {e}") from e
    order = {_bucket(b): k for k, b in enumerate(SIZE_BUCKETS)}
    s.by_language = dict(langs.most_common())
    s.by_script = dict(scripts.most_common())
    s.chars_histogram = dict(sorted(sizes.items(), key=lambda kv: order[kv[0]]))
    s.removed_by_rule = dict(removed.most_common())
    s.rejects = sum(reasons.values())
    s.rejects_by_reason = dict(reasons.most_common())
    return s


def _counts(title: str, key: str, counts: dict[str, int], unit: str = "records") -> Table:
    table = Table(title=title)
    table.add_column(key)
    table.add_column(unit, justify="right")
    for name, n in counts.items():
        table.add_row(name, str(n))
    return table


def render_stats(s: CorpusStats, console: Console) -> None:
    """Rich tables and a histogram of article sizes."""
    title = f"{s.records} records, {s.words_total} words, {s.duplicates} duplicates"
    console.print(_counts(title, "language", s.by_language))
    console.print(_counts("scripts", "script", s.by_script))
    top = max(s.chars_histogram.values(), default=1)
    hist = Table(title="characters per article")
    hist.add_column("chars", justify="right")
    hist.add_column("records", justify="right")
    hist.add_column("")
    for bucket, n in s.chars_histogram.items():
        hist.add_row(bucket, str(n), "█" * max(1, round(30 * n / top)))
    console.print(hist)
    top_rules = dict(list(s.removed_by_rule.items())[:15])
    console.print(_counts("lines removed, top rules", "rule", top_rules, "lines"))
    if s.rejects:
        console.print(_counts(f"{s.rejects} rejects", "reason", s.rejects_by_reason, "inputs"))
