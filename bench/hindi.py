"""Cleaner quality on the Hindi fixtures (tests/cases/hindi/pages.json, line-labelled).

usage: python bench/hindi.py [--misses]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from newsingest.clean.evaluate import score_pages

PAGES = Path(__file__).resolve().parents[1] / "tests" / "cases" / "hindi" / "pages.json"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--misses", action="store_true", help="list every line decided wrongly")
    args = ap.parse_args()
    s = score_pages(json.loads(PAGES.read_text(encoding="utf-8")))
    print(f"Hindi fixtures: {s.pages} pages, {s.body} body lines, {s.chrome} chrome lines\n")
    print("| measure | value | target |\n|---|---|---|")
    print(f"| body lines kept | {s.body_kept_rate:.3f} | ≥ .98 |")
    print(f"| chrome lines dropped | {s.chrome_dropped_rate:.3f} | ≥ .95 |")
    print(f"| title right | {s.title_accuracy:.3f} | |")
    print(f"| published date right | {s.date_accuracy:.3f} | |")
    if args.misses:
        print("\n" + "\n".join(s.misses))
    return 0


if __name__ == "__main__":
    sys.exit(main())
