"""Title and date picks on the shared dev pages, judged against each page's URL.

usage: python bench/titles.py [--bench DIR] [--show]

The dev split has no gold titles or dates, but most news URLs carry the headline as a slug and
many the date ("/2019/11/19/unpredictable-sondland-faces-questions"). A title counts as right
when it shares two content words with the slug, and a third of the shorter side's (pages whose
slug has fewer than 3 words are left out); a date counts as right within a day of the URL's
(time zones), for pages whose URL has a full date. Only a yardstick: the cleaner never sees
URLs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
import unicodedata
from pathlib import Path

from newsingest import Article, IngestConfig, parse_text

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_BENCH = ROOT.parent / "shared" / "bench" / "cleaning"
WORD = re.compile(r"[^\W_]+")
MIN_SLUG_WORDS = 3
AGREE = 1 / 3
FUNCTION_WORDS = frozenset(
    {"a", "an", "the", "of", "to", "in", "on", "for", "and", "or", "is", "are", "was", "be"}
    | {"by", "with", "at", "from", "as", "it", "its", "this", "that"}
)
NO_SPLIT = IngestConfig(delimiter=None)


def words(s: str) -> list[str]:
    s = unicodedata.normalize("NFKD", s.lower())
    s = "".join(c for c in s if not unicodedata.combining(c))
    return [w for w in WORD.findall(s) if not w.isdigit()]


def slug_words(url: str) -> set[str]:
    path = url.split("://", 1)[-1].split("/", 1)[-1].split("?")[0]
    # The longest path segment with dashes or underscores is the slug.
    segs = [s for s in re.split(r"/", path) if re.search(r"[-_]", s)]
    if not segs:
        return set()
    slug = max(segs, key=len)
    slug = re.sub(r"\.(html?|php|aspx?)$", "", slug)
    return set(words(slug.replace("-", " ").replace("_", " ")))


URL_DATE = re.compile(r"/(20\d\d)[/-](\d\d)[/-](\d\d)(?:/|-|$)")


def url_date(url: str) -> dt.date | None:
    m = URL_DATE.search(url)
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3])) if m else None
    except ValueError:
        return None


def agrees(title: str | None, slug: set[str]) -> bool:
    """Two content words in common, and a third of the title's or of the slug's."""
    if not title:
        return False
    tw = {w for w in words(title) if w not in FUNCTION_WORDS}
    shared = len(tw & slug)
    return shared >= 2 and shared >= AGREE * min(len(tw), len(slug - FUNCTION_WORDS))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--bench", type=Path, default=DEFAULT_BENCH)
    ap.add_argument("--show", action="store_true", help="list every judged page and its pick")
    args = ap.parse_args()
    index = [json.loads(line) for line in (args.bench / "index.jsonl").open(encoding="utf-8")]
    judged = right = dated = dates_right = dates_none = 0
    for row in index:
        if row.get("split", "dev") != "dev" or not row.get("url"):
            continue  # the other half, or a page without a known URL (some WCEB pages)
        text = (args.bench / "corpus" / row["file"]).read_text(encoding="utf-8")
        items = parse_text(text, row["file"], NO_SPLIT)
        article = items[0] if items and isinstance(items[0], Article) else None
        if (want := url_date(row["url"])) is not None:
            dated += 1
            got = article.published if article else None
            dates_none += got is None
            near = got is not None and abs(dt.date.fromisoformat(got) - want).days <= 1
            dates_right += near
            if args.show and not near:
                print(f"DATE {row['file'][:3]} {got} (URL {want})")
        slug = slug_words(row["url"])
        if len(slug) < MIN_SLUG_WORDS:
            continue
        title = article.title if article else None
        ok = agrees(title, slug)
        judged += 1
        right += ok
        if args.show:
            print(f"{'ok ' if ok else 'BAD'} {row['file'][:3]} {title!s:.70}")
    print(f"titles agreeing with the URL slug: {right}/{judged} ({right / max(judged, 1):.1%})")
    print(
        f"dates within a day of the URL's: {dates_right}/{dated} "
        f"({dates_right / max(dated, 1):.1%}; {dates_none} with no date picked)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
