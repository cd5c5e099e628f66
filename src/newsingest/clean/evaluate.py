"""Score the cleaner on line-labelled pages: body kept, chrome dropped, title and date right."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..normalize import normalize_line, normalize_text
from .engine import CleanerKind, clean_text


@dataclass
class LabelledScore:
    """Counts over a set of pages whose lines are labelled body / title / date / chrome."""

    pages: int = 0
    body: int = 0
    body_kept: int = 0
    chrome: int = 0
    chrome_dropped: int = 0
    titles: int = 0
    titles_right: int = 0
    dates: int = 0
    dates_right: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def body_kept_rate(self) -> float:
        return self.body_kept / self.body if self.body else 1.0

    @property
    def chrome_dropped_rate(self) -> float:
        return self.chrome_dropped / self.chrome if self.chrome else 1.0

    @property
    def title_accuracy(self) -> float:
        return self.titles_right / self.titles if self.titles else 1.0

    @property
    def date_accuracy(self) -> float:
        return self.dates_right / self.dates if self.dates else 1.0


def page_text(lines: Sequence[Sequence[str]], blank_lines: bool) -> str:
    """A labelled page as the text file a scraper would have saved."""
    return ("\n\n" if blank_lines else "\n").join(text for _, text in lines)


def score_pages(pages: Iterable[dict[str, Any]], cleaner: CleanerKind = "model") -> LabelledScore:
    """Run the cleaner on each page and count line decisions against the labels."""
    s = LabelledScore()
    for p in pages:
        s.pages += 1
        text = normalize_text(page_text(p["lines"], p.get("blank_lines", True)))
        result = clean_text(text, kind=cleaner)
        kept = {normalize_line(line) for line in result.text.split("\n")}
        for label, text in p["lines"]:
            inside = normalize_line(normalize_text(text)) in kept
            if label == "body":
                s.body += 1
                s.body_kept += inside
                if not inside:
                    s.misses.append(f"{p['label']}: body lost: {text[:60]}")
            else:
                s.chrome += 1
                s.chrome_dropped += not inside
                if inside:
                    s.misses.append(f"{p['label']}: {label} kept: {text[:60]}")
        if "title" in p:
            s.titles += 1
            s.titles_right += result.title == p["title"]
            if result.title != p["title"]:
                s.misses.append(f"{p['label']}: title {result.title!r}")
        if "published" in p:
            s.dates += 1
            s.dates_right += result.published == p["published"]
            if result.published != p["published"]:
                s.misses.append(f"{p['label']}: published {result.published!r}")
    return s
