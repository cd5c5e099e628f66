"""Cleaner quality, per dataset: the plain dev score and the leave-sites-out CV score.

usage: python bench/quality.py [--cleaner model|rules] [--sets aeb,wceb,realdrops,hindi]
                               [--worst N] [--json]

Reads ../shared/bench (never copied into this repository):
- `cleaning` (AEB dev) and `cleaning-wceb` (four datasets): every page is cleaned with the
  library (the code path of `newsingest parse`) and scored with the benchmark's own scorer,
  per dataset, micro and macro bag-of-words F1. The plain dev score is measured here; the CV
  score (group k-fold by site: each page cleaned by a model that never saw its site) is the one
  bench/train_cleaner.py measured when it wrote the shipped model, read from the model file.
- `realdrops`: `newsingest parse` on each drop, scored by the drop's own score.py (body chars
  kept, titles, language).
- our Hindi fixtures (tests/cases/hindi): body lines kept, chrome dropped, title, date.
The plain dev score includes pages the model was trained on: it is context; CV decides.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from cleandata import (
    AEB,
    REALDROP_NAMES,
    REALDROPS,
    WCEB,
    BenchPage,
    aeb_pages,
    load_scorer,
    wceb_pages,
)
from newsingest import Article, IngestConfig, Reject, RejectReason, parse_text
from newsingest.clean.evaluate import score_pages
from newsingest.clean.model import packaged_model

# Baselines from the benchmarks' READMEs (µF1 / macro F1).
BASELINES = {
    "aeb": {"trafilatura (HTML)": (".962", ".957"), "best line selection": (".965", ".952")},
    "wceb": {"trafilatura (HTML)": (".923", ".927"), "best line selection": (".976", ".973")},
}
WCEB_SETS = ("dragnet", "l3s-gn1", "readability", "cleanportaleval")
HINDI = Path(__file__).resolve().parents[1] / "tests" / "cases" / "hindi" / "pages.json"


def clean_page(page: BenchPage, config: IngestConfig) -> str:
    """The record text(s) of one page, as `newsingest parse` would write them."""
    items = parse_text(page.text, page.name, config)
    for item in items:
        if isinstance(item, Reject) and item.reason is RejectReason.INTERNAL_ERROR:
            raise RuntimeError(f"{page.name}: {item.detail}")
    return "\n\n".join(a.text for a in items if isinstance(a, Article))


def score_sets(pages: list[BenchPage], config: IngestConfig) -> dict[str, Any]:
    """Micro/macro bag-of-words F1 per dataset (and WCEB as a whole), ms per page."""
    scorer = load_scorer(AEB)
    counts: dict[str, list[tuple[int, int, int]]] = defaultdict(list)
    per_doc: dict[str, float] = {}
    spent = 0.0
    for p in pages:
        t0 = time.perf_counter()
        text = clean_page(p, config)
        spent += time.perf_counter() - t0
        assert p.gold is not None
        c = scorer.bow_counts(p.gold, text)
        counts[p.dataset].append(c)
        per_doc[f"{p.dataset}/{p.name}"] = scorer.prf(*c)[2]
    wceb = [c for ds in WCEB_SETS for c in counts.get(ds, [])]
    if wceb:
        counts["wceb"] = wceb
    out: dict[str, Any] = {}
    for ds, rows in counts.items():
        tp, fp, fn = (sum(r[k] for r in rows) for k in range(3))
        out[ds] = {
            "pages": len(rows),
            "micro_f1": scorer.prf(tp, fp, fn)[2],
            "macro_f1": sum(scorer.prf(*r)[2] for r in rows) / len(rows),
        }
    return {"sets": out, "ms_per_page": 1000 * spent / max(len(pages), 1), "per_doc": per_doc}


def realdrops(cleaner: str) -> list[str]:
    """`newsingest parse` on each drop, scored by the drop's score.py: its summary lines."""
    lines = []
    with tempfile.TemporaryDirectory() as tmp:
        for drop in REALDROP_NAMES:
            out, rej = Path(tmp, f"{drop}.jsonl"), Path(tmp, f"{drop}.rejects.jsonl")
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "newsingest",
                    "parse",
                    str(REALDROPS / drop),
                    "-o",
                    str(out),
                    "--rejects",
                    str(rej),
                    "--cleaner",
                    cleaner,
                    "-q",
                ],
                check=False,
                capture_output=True,
            )
            res = subprocess.run(
                [sys.executable, str(REALDROPS / "score.py"), str(out), str(rej), str(REALDROPS)],
                check=True,
                capture_output=True,
                text=True,
            )
            lines.append(res.stdout.strip().splitlines()[-1])
    return lines


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--cleaner", choices=("model", "rules"), default="model")
    ap.add_argument("--sets", default="aeb,wceb,realdrops,hindi")
    ap.add_argument("--worst", type=int, default=0, help="also list the N worst pages")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    sets = set(args.sets.split(","))
    config = IngestConfig(delimiter=None, cleaner=args.cleaner)
    report: dict[str, Any] = {"cleaner": args.cleaner}
    pages: list[BenchPage] = []
    if "aeb" in sets and (AEB / "score.py").exists():
        pages.extend(aeb_pages())
    if "wceb" in sets and (WCEB / "score.py").exists():
        pages.extend(wceb_pages())
    if pages:
        scored = score_sets(pages, config)
        report.update(scored)
    cv = packaged_model().doc.get("training", {}).get("cv_scores", {})
    if "realdrops" in sets and REALDROPS.exists():
        report["realdrops"] = realdrops(args.cleaner)
    if "hindi" in sets:
        s = score_pages(json.loads(HINDI.read_text(encoding="utf-8")), cleaner=args.cleaner)
        report["hindi"] = {
            "pages": s.pages,
            "body_kept": s.body_kept_rate,
            "chrome_dropped": s.chrome_dropped_rate,
            "title": s.title_accuracy,
            "date": s.date_accuracy,
        }
    if args.json:
        report.pop("per_doc", None)
        report["cv"] = cv
        print(json.dumps(report, indent=1))
        return 0
    if pages:
        print(f"Cleaner `{args.cleaner}`, bag-of-words F1 per dataset (µ / macro)\n")
        print("| dataset | pages | dev µF1 | dev macro | CV µF1 | CV macro |")
        print("|---|---|---|---|---|---|")
        for ds, row in report["sets"].items():
            c = cv.get(ds, {}) if args.cleaner == "model" else {}
            cv_cells = f"{c['micro_f1']:.3f} | {c['macro_f1']:.3f}" if c else "– | –"
            print(
                f"| {ds} | {row['pages']} | {row['micro_f1']:.3f} | {row['macro_f1']:.3f} | "
                f"{cv_cells} |"
            )
        for ds, rows in BASELINES.items():
            for name, (mi, ma) in rows.items():
                print(f"| {ds}: {name} | | {mi} | {ma} | | |")
        print(f"\n{report['ms_per_page']:.2f} ms per page (parse_text, one core)")
    if "realdrops" in report:
        print("\nrealdrops (dev half), the drop's own score.py:")
        for line in report["realdrops"]:
            print("  " + line)
    if "hindi" in report:
        h = report["hindi"]
        print(
            f"\nHindi fixtures ({h['pages']} pages): body kept {h['body_kept']:.3f}, "
            f"chrome dropped {h['chrome_dropped']:.3f}, title {h['title']:.3f}, "
            f"date {h['date']:.3f}"
        )
    if args.worst and pages:
        print("\nworst pages (F1):")
        for name, f in sorted(report["per_doc"].items(), key=lambda kv: kv[1])[: args.worst]:
            print(f"  {name}  {f:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
