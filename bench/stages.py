"""Where the time goes: milliseconds per article in each stage of the pipeline, one process.

usage: python bench/stages.py CORPUS_DIR [--limit N]

Runs the library's stages one by one on each file of a corpus (e.g. from bench/make_corpus.py)
and adds up the wall-clock time of each: read, decode, normalize, split bundles, clean, tag the
language, build the record, JSON. Shares are the figures to read; absolute numbers depend on
the machine. Rule compilation and langdetect's profiles are loaded before timing starts.
"""

from __future__ import annotations

import argparse
import gzip
import sys
import time
from pathlib import Path

from newsingest.clean.engine import get_cleaner
from newsingest.config import DEFAULT_DELIMITER
from newsingest.decode import Decoded, decode_bytes
from newsingest.export import to_json
from newsingest.langid import detect_language
from newsingest.models import Source
from newsingest.normalize import normalize_text
from newsingest.pipeline import build_article, split_bundle


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--limit", type=int, default=2000, help="use only the first N files")
    args = ap.parse_args()
    files = sorted(p for p in args.corpus.rglob("*") if p.is_file())[: args.limit]
    cleaner = get_cleaner()
    detect_language("Der Rat hat am Montag beschlossen, die neue Bibliothek zu finanzieren.")
    spent: dict[str, float] = {}
    articles = 0

    def lap(stage: str, since: float) -> float:
        now = time.perf_counter()
        spent[stage] = spent.get(stage, 0.0) + now - since
        return now

    for path in files:
        t = time.perf_counter()
        data = path.read_bytes()
        if path.suffix == ".gz":
            data = gzip.decompress(data)
        t = lap("read", t)
        decoded = decode_bytes(data)
        t = lap("decode", t)
        if not isinstance(decoded, Decoded):
            continue
        text = normalize_text(decoded.text)
        t = lap("normalize", t)
        parts = split_bundle(text, DEFAULT_DELIMITER)
        t = lap("split bundles", t)
        for part in parts:
            cleaned = cleaner.clean(part)
            t = lap("clean", t)
            if not cleaned.text.strip():
                continue
            detect_language(cleaned.text)
            t = lap("language", t)
            src = Source(source=str(path), id="0" * 16, seq=None, data=data)
            record = build_article(src, src.id, src.source, cleaned, decoded.encoding, 0, False)
            t = lap("record (tags again)", t)
            to_json(record)
            t = lap("JSON", t)
            articles += 1
    # build_article tags the language itself: take that second tagging out of its row.
    spent["record (tags again)"] -= spent["language"]
    spent["record"] = spent.pop("record (tags again)")
    total = sum(spent.values())
    print(f"{articles} articles from {len(files)} files of {args.corpus}\n")
    print("| stage | ms per article | share |")
    print("|---|---|---|")
    for stage, seconds in spent.items():
        print(f"| {stage} | {1000 * seconds / articles:.3f} | {seconds / total:.0%} |")
    print(f"| **all** | **{1000 * total / articles:.2f}** | |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
