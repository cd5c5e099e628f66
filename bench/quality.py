"""Cleaner quality on the shared dev split of real pages, beside the README's baselines.

usage: python bench/quality.py [--bench DIR] [--split dev] [--worst N] [--json]

Reads ../shared/bench/cleaning (never copied into this repository), cleans every page with the
library (the same code path as `newsingest parse`), scores the bodies with the benchmark's own
score.py, and prints the baselines table with newsingest's row added, per-language rows, and
milliseconds per page (cleaning only, measured in this process).
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType

from newsingest import Article, IngestConfig, Reject, RejectReason, detect_language, parse_text

DEFAULT_BENCH = Path(__file__).resolve().parents[2] / "shared" / "bench" / "cleaning"

BASELINES = [
    ("no cleaning", ".534", "1.000", ".696", ".648", ".676"),
    ("keep lines of >= 10 words", ".705", ".968", ".816", ".769", ".786"),
    ("jusText (default) on <p>-wrapped lines", ".754", ".873", ".809", ".692", ".780"),
    ("trafilatura on <p>-wrapped lines", ".587", ".997", ".739", ".682", ".705"),
    ("jusText on original HTML", ".842", ".874", ".857", ".739", ".815"),
    ("trafilatura on original HTML", ".950", ".973", ".962", ".957", ".959"),
    ("best possible line selection", ".932", ".999", ".965", ".952", ".947"),
]


def load_scorer(bench: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("aeb_score", bench / "score.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def clean_pages(bench: Path, names: list[str], out: Path) -> float:
    """Write each page's clean text to out/NAME; return seconds spent cleaning."""
    spent = 0.0
    # Warm up: rule compilation and langdetect's profiles load once per process.
    parse_text((bench / "corpus" / names[0]).read_text(encoding="utf-8"), names[0])
    detect_language("Der Rat hat am Montag beschlossen, die neue Bibliothek zu finanzieren.")
    for name in names:
        raw = (bench / "corpus" / name).read_bytes().decode("utf-8")
        t0 = time.perf_counter()
        # Each page is one article: the scorer compares whole pages, not bundle parts.
        items = parse_text(raw, name, IngestConfig(delimiter=None))
        spent += time.perf_counter() - t0
        for item in items:
            if isinstance(item, Reject) and item.reason is RejectReason.INTERNAL_ERROR:
                raise RuntimeError(f"{name}: {item.detail}")
        text = "\n\n".join(a.text for a in items if isinstance(a, Article))
        (out / name).write_text(text, encoding="utf-8")
    return spent


def corpus_hash(bench: Path, split: str = "dev") -> str:
    """sha256 over the split's names, pages and gold: a floor only holds for the same data."""
    h = hashlib.sha256()
    for name in (bench / f"{split}.txt").read_text(encoding="utf-8").split():
        h.update(name.encode())
        h.update((bench / "corpus" / name).read_bytes())
        h.update((bench / "gold" / name).read_bytes())
    return h.hexdigest()


def evaluate(bench: Path = DEFAULT_BENCH, split: str = "dev") -> dict[str, object]:
    """Scores for the whole split and per language, plus ms per page."""
    scorer = load_scorer(bench)
    names = scorer.load_split(bench, split)
    langs = {}
    for line in (bench / "index.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        langs[row["file"]] = row["lang"]
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        seconds = clean_pages(bench, names, out)
        total = scorer.score(out, split, bench)
        per_doc = {}
        for n in names:
            g = (bench / "gold" / n).read_text(encoding="utf-8")
            p = (out / n).read_text(encoding="utf-8")
            per_doc[n] = scorer.prf(*scorer.bow_counts(g, p))
    by_lang: dict[str, list[str]] = {}
    for n in names:
        by_lang.setdefault(langs.get(n, "?"), []).append(n)
    return {
        "split": split,
        "pages": len(names),
        "ms_per_page": 1000 * seconds / max(len(names), 1),
        "bow_micro": total["bow_micro"],
        "bow_macro": total["bow_macro"],
        "aeb": total["aeb_shingle4"],
        "per_lang": {
            lang: {
                "pages": len(ns),
                "macro_f1": sum(per_doc[n][2] for n in ns) / len(ns),
            }
            for lang, ns in sorted(by_lang.items())
        },
        "per_doc": per_doc,
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--bench", type=Path, default=DEFAULT_BENCH)
    ap.add_argument("--split", default="dev")
    ap.add_argument("--worst", type=int, default=0, help="also list the N worst pages")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--save", type=Path, help="write per-page F1 to this JSON file")
    ap.add_argument("--compare", type=Path, help="show pages whose F1 moved since --save")
    args = ap.parse_args()
    if not (args.bench / "score.py").exists():
        print(f"no benchmark at {args.bench}", file=sys.stderr)
        return 2
    r = evaluate(args.bench, args.split)
    if args.json:
        r.pop("per_doc")
        print(json.dumps(r, indent=2))
        return 0
    mi, ma, ae = r["bow_micro"], r["bow_macro"], r["aeb"]
    assert isinstance(mi, dict) and isinstance(ma, dict) and isinstance(ae, dict)
    print(f"Cleaning benchmark, {r['split']} split, {r['pages']} pages (text input)\n")
    print("| system | µP | µR | µF1 | macro F1 | AEB F1 |")
    print("|---|---|---|---|---|---|")
    for row in BASELINES:
        print("| " + " | ".join(row) + " |")
    print(
        f"| **newsingest** | {mi['p']:.3f} | {mi['r']:.3f} | **{mi['f1']:.3f}** | "
        f"**{ma['f1']:.3f}** | {ae['f1']:.3f} |"
    )
    print(f"\nnewsingest: {r['ms_per_page']:.2f} ms per page (cleaning + tagging, one core)")
    per_lang = r["per_lang"]
    assert isinstance(per_lang, dict)
    print("\n| language | pages | macro F1 |\n|---|---|---|")
    for lang, row in per_lang.items():
        print(f"| {lang} | {row['pages']} | {row['macro_f1']:.3f} |")
    per_doc_f1 = {n: v[2] for n, v in r["per_doc"].items()}  # type: ignore[attr-defined]
    if args.compare and args.compare.exists():
        before = json.loads(args.compare.read_text())
        moved = sorted(
            ((per_doc_f1[n] - before.get(n, 0.0), n) for n in per_doc_f1), key=lambda x: x[0]
        )
        print("\npages that moved (ΔF1):")
        for delta, n in moved:
            if abs(delta) >= 0.005:
                print(f"  {n}  {before.get(n, 0):.3f} -> {per_doc_f1[n]:.3f}  ({delta:+.3f})")
    if args.save:
        args.save.write_text(json.dumps(per_doc_f1, indent=1))
    if args.worst:
        per_doc = r["per_doc"]
        assert isinstance(per_doc, dict)
        print("\nworst pages (bag-of-words P / R / F1):")
        for n, (p, rec, f) in sorted(per_doc.items(), key=lambda kv: kv[1][2])[: args.worst]:
            print(f"  {n}  {p:.2f} {rec:.2f} {f:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
