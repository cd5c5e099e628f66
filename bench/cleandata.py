"""The labelled pages the cleaner is trained and measured on, read from ../shared (never copied
into this repository) and from our own Hindi fixtures.

Each page comes with its dataset, its site (the unit of leave-sites-out cross-validation), the
normalized text the cleaner sees, and either a gold body (bag-of-words scoring, labels aligned
to lines) or a label per line.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path
from types import ModuleType
from urllib.parse import urlsplit

from newsingest.normalize import normalize_text

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "bench"
AEB = SHARED / "cleaning"
WCEB = SHARED / "cleaning-wceb"
REALDROPS = SHARED / "realdrops"
HINDI = REPO / "tests" / "cases" / "hindi" / "pages.json"
CASES = (REPO / "tests" / "cases" / "en.json", REPO / "tests" / "cases" / "hi.json")
REALDROP_NAMES = ("bbc_en", "bbc_hindi", "marathi", "nepali")
# Shortest run of tokens, in order in page and gold, that aligns a line to the gold.
MIN_RUN = 3


@dataclass
class BenchPage:
    name: str
    dataset: str
    site: str
    text: str  # normalized, as the cleaner sees it
    gold: str | None = None  # gold body text (bag-of-words scoring)
    # Labels of the non-blank lines, by 1-based line number: body, title, chrome, lead...
    labels: dict[int, str] = field(default_factory=dict)
    title: str | None = None


def load_scorer(bench: Path = AEB) -> ModuleType:
    """The benchmark's own score.py (its tokenizer and P/R/F1)."""
    spec = importlib.util.spec_from_file_location("bench_score", bench / "score.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _host(url: str) -> str:
    host = urlsplit(url).netloc.lower()
    return host[4:] if host.startswith("www.") else host


def aeb_pages(split: str = "dev") -> Iterator[BenchPage]:
    index = {}
    for line in (AEB / "index.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        index[row["file"]] = row
    for name in (AEB / f"{split}.txt").read_text(encoding="utf-8").split():
        row = index.get(name, {})
        yield BenchPage(
            name=name,
            dataset="aeb",
            site=_host(row.get("url", "")) or name,
            text=normalize_text((AEB / "corpus" / name).read_text(encoding="utf-8")),
            gold=(AEB / "gold" / name).read_text(encoding="utf-8"),
        )


def wceb_pages(split: str = "dev") -> Iterator[BenchPage]:
    for line in (WCEB / "index.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if row["split"] != split:
            continue
        name = row["file"]
        yield BenchPage(
            name=name,
            dataset=row["dataset"],
            site=row.get("site") or f"page:{name}",
            text=normalize_text((WCEB / "corpus" / name).read_text(encoding="utf-8")),
            gold=(WCEB / "gold" / name).read_text(encoding="utf-8"),
        )


def _decoded(raw: bytes) -> str:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    return text.replace("\r\n", "\n")


def realdrop_pages(drop: str, limit: int | None = None) -> Iterator[BenchPage]:
    """Pages of one realdrops drop with their line truth (the first `limit` in file order)."""
    rows = [
        json.loads(line)
        for line in (REALDROPS / f"{drop}.truth.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    rows.sort(key=lambda r: r["file"])
    for row in rows[:limit]:
        text = _decoded((REALDROPS / drop / row["file"]).read_bytes())
        labels = {int(k): v for k, v in row["lines"].items()}
        lines = text.split("\n")
        gold = "\n".join(lines[k - 1] for k, v in sorted(labels.items()) if v == "body")
        yield BenchPage(
            name=f"{drop}/{row['file']}",
            dataset=f"realdrops-{drop}",
            site=f"realdrops-{drop}",
            text=normalize_text(text),
            gold=gold,
            labels=labels,
            title=row.get("title"),
        )


def hindi_pages() -> Iterator[BenchPage]:
    """Our own line-labelled Hindi fixtures; the site is the page template."""
    for k, p in enumerate(json.loads(HINDI.read_text(encoding="utf-8"))):
        sep = "\n\n" if p.get("blank_lines", True) else "\n"
        text = sep.join(t for _, t in p["lines"])
        labels = {}
        for no, (label, _) in enumerate(p["lines"]):
            labels[no * len(sep) + 1] = "body" if label == "body" else label
        gold = "\n".join(t for label, t in p["lines"] if label == "body")
        yield BenchPage(
            name=f"hindi/{k:03d}",
            dataset="hindi-fixtures",
            site="hindi:" + p["label"].split(":", 1)[0],
            text=normalize_text(text),
            gold=gold,
            labels=labels,
            title=p.get("title"),
        )


def case_pages() -> Iterator[BenchPage]:
    """Our own cleaning cases (tests/cases/*.json): lines to keep are body, lines to drop are
    chrome, the rest are not scored."""
    for path in CASES:
        for k, case in enumerate(json.loads(path.read_text(encoding="utf-8"))):
            keep, drop = set(case["keep"]), set(case["drop"])
            labels = {}
            for no, line in enumerate(case["lines"]):
                labels[2 * no + 1] = (
                    "body" if line in keep else "chrome" if line in drop else "unscored"
                )
            yield BenchPage(
                name=f"{path.stem}/{k:03d}",
                dataset="cases",
                site=f"case:{path.stem}:{k}",
                text=normalize_text("\n\n".join(case["lines"])),
                gold="\n".join(line for line in case["lines"] if line in keep),
                labels=labels,
                title=case.get("title"),
            )


def all_pages(realdrop_limit: int = 150) -> list[BenchPage]:
    """Every page the cleaner model trains on, in a fixed order."""
    pages = [*aeb_pages(), *wceb_pages()]
    if REALDROPS.exists():
        for drop in REALDROP_NAMES:
            pages.extend(realdrop_pages(drop, realdrop_limit))
    pages.extend(hindi_pages())
    pages.extend(case_pages())
    return pages


def aligned_labels(scorer: ModuleType, gold: str, lines: list[str]) -> list[bool]:
    """Body or not per line, by aligning the page's tokens to the gold's in order (difflib's
    matching blocks over the token sequences): a line is body when at least half its tokens
    fall in runs of MIN_RUN or more tokens that page and gold share in the same order.

    A bag-of-words test labels menu items ("Log In", "India") and other stories' headlines as
    body whenever their words occur somewhere in the article, and comments that reuse the
    article's words too; in-order runs do not."""
    toks = [scorer.tokens(line) for line in lines]
    flat = [t for ts in toks for t in ts]
    owner = [i for i, ts in enumerate(toks) for _ in ts]
    matcher = SequenceMatcher(None, flat, scorer.tokens(gold), autojunk=False)
    hit = [0] * len(lines)
    for a, _, size in matcher.get_matching_blocks():
        if size >= MIN_RUN or (size and size == len(flat)):
            for k in range(a, a + size):
                hit[owner[k]] += 1
    return [bool(ts) and 2 * hit[i] >= len(ts) for i, ts in enumerate(toks)]


def data_hash(pages: list[BenchPage]) -> str:
    h = hashlib.sha256()
    for p in pages:
        h.update(p.name.encode())
        h.update(p.text.encode())
        h.update((p.gold or "").encode())
        h.update(json.dumps(sorted(p.labels.items())).encode())
    return h.hexdigest()[:16]
