"""Language identification: newsingest's tagger vs naive seeded langdetect, same items, one run.

usage: python bench/lid.py [--write-items] [--bench DIR]

Items are built from bench/lid/written.json (sentences written for this set), the Hindi
stories of tests/cases/hindi, the seeds, and, at run time only, the shared cleaning pages'
gold bodies labelled by the benchmark's index (never copied here). `--write-items` writes the
self-made part to bench/lid/items.jsonl so it can be read and reviewed.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

from langdetect import DetectorFactory, detect
from langdetect.lang_detect_exception import LangDetectException

from newsingest.langid import detect_language

ROOT = Path(__file__).resolve().parents[1]
HERE = ROOT / "bench" / "lid"
DEFAULT_BENCH = ROOT.parent / "shared" / "bench" / "cleaning"


def _item(text: str, lang: str, script: str, kind: str, origin: str) -> dict[str, str]:
    return {"text": text, "lang": lang, "script": script, "kind": kind, "origin": origin}


def own_items() -> list[dict[str, str]]:
    """The labelled set made from this repository's own texts."""
    items = []
    written = json.loads((HERE / "written.json").read_text(encoding="utf-8"))
    scripts = {
        "mr": "Deva",
        "ne": "Deva",
        "ur": "Arab",
        "bn": "Beng",
        "en": "Latn",
        "hinglish": "Latn",
    }
    for key, sentences in written.items():
        lang = "hi" if key == "hinglish" else key
        n = len(sentences)
        for k, s in enumerate(sentences):
            items.append(_item(s, lang, scripts[key], "sentence", f"written.json:{key}"))
            pair = s + " " + sentences[(k + 1) % n]
            items.append(_item(pair, lang, scripts[key], "pair", f"written.json:{key}"))
            article = "\n\n".join(sentences[(k + j) % n] for j in range(5))
            items.append(_item(article, lang, scripts[key], "article", f"written.json:{key}"))
    stories = json.loads(
        (ROOT / "tests" / "cases" / "hindi" / "stories.json").read_text(encoding="utf-8")
    )
    for st in stories:
        items.append(_item("\n\n".join(st["body"]), "hi", "Deva", "article", "hindi stories"))
        for para in st["body"]:
            kind = "sentence" if len(para.split()) < 12 else "paragraph"
            items.append(_item(para, "hi", "Deva", kind, "hindi stories"))
            sentences = [x.strip() + "।" for x in para.split("।") if len(x.split()) >= 4]
            if len(sentences) > 1:
                for x in sentences:
                    items.append(_item(x, "hi", "Deva", "sentence", "hindi stories"))
    # A Hindi report quoting an English tweet: Hindi by majority, both in the shares.
    for st in stories[:6]:
        mixed = "\n\n".join([*st["body"], written["en"][0]])
        items.append(_item(mixed, "hi", "Deva", "mixed article", "hindi stories + written en"))
    for text in ["ok", "12:30", "!!!", "—", "A B"]:
        items.append(_item(text, "und", "Zyyy", "too short", "written"))
    return items


def seed_items() -> list[dict[str, str]]:
    from newsingest import Article, parse_paths

    out = []
    for a in parse_paths([str(ROOT / "seeds")]):
        if isinstance(a, Article):
            lang = "en" if a.script == "Latn" else "hi"
            out.append(_item(a.text, lang, a.script, "article", f"seeds/{a.id}"))
    return out


def bench_items(bench: Path) -> list[dict[str, str]]:
    index = bench / "index.jsonl"
    if not index.exists():
        return []
    out = []
    for line in index.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        text = (bench / "gold" / row["file"]).read_text(encoding="utf-8")
        if len(text.split()) >= 20:
            script = "Latn" if row["lang"] in ("en", "pt", "it", "id", "de") else "?"
            out.append(_item(text, row["lang"], script, "article", f"shared bench {row['file']}"))
    return out


def naive(text: str) -> str:
    try:
        return str(detect(text))
    except LangDetectException:
        return "und"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--write-items", action="store_true")
    ap.add_argument("--bench", type=Path, default=DEFAULT_BENCH)
    args = ap.parse_args()
    own = own_items() + seed_items()
    if args.write_items:
        with open(HERE / "items.jsonl", "w", encoding="utf-8") as fh:
            for it in own:
                fh.write(json.dumps(it, ensure_ascii=False) + "\n")
    items = own + bench_items(args.bench)
    DetectorFactory.seed = 0
    t0 = time.perf_counter()
    ours = [detect_language(it["text"]) for it in items]
    t_ours = time.perf_counter() - t0
    t0 = time.perf_counter()
    theirs = [naive(it["text"]) for it in items]
    t_naive = time.perf_counter() - t0
    # Speed on what a corpus builder runs it on: whole English and Hindi articles.
    articles = [
        it["text"] for it in items if it["kind"] == "article" and it["lang"] in ("en", "hi")
    ]
    t0 = time.perf_counter()
    for text in articles:
        detect_language(text)
    a_ours = time.perf_counter() - t0
    t0 = time.perf_counter()
    for text in articles:
        naive(text)
    a_naive = time.perf_counter() - t0
    per: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    confusion: Counter[tuple[str, str]] = Counter()
    buckets: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for it, r, n in zip(items, ours, theirs, strict=True):
        label = "hi-Latn" if it["lang"] == "hi" and it["script"] == "Latn" else it["lang"]
        ok = r.language == it["lang"] and (it["lang"] != "hi" or r.script == it["script"])
        row = per[f"{label} {'article' if 'article' in it['kind'] else 'short'}"]
        row[0] += ok
        row[1] += n == it["lang"]
        row[2] += 1
        if it["lang"] in ("mr", "ne") and r.language == "hi":
            confusion[(it["lang"], "hi")] += 1
        b = f"{min(int(r.confidence * 10), 9) / 10:.1f}"
        buckets[b][0] += ok
        buckets[b][1] += 1
    print(f"{len(items)} items ({len(own)} own, {len(items) - len(own)} from the shared pages)\n")
    print("| language | items | newsingest | naive langdetect |\n|---|---|---|---|")
    for key in sorted(per):
        ok, nv, total = per[key]
        print(f"| {key} | {total} | {ok / total:.1%} | {nv / total:.1%} |")
    print(f"\nmr/ne tagged hi: {dict(confusion) or 'none'}")
    print("\n| confidence | items | accuracy |\n|---|---|---|")
    for b in sorted(buckets):
        ok, total = buckets[b]
        print(f"| {b}–{float(b) + 0.1:.1f} | {total} | {ok / total:.1%} |")
    print(
        f"\nspeed, all items: newsingest {len(items) / t_ours:.0f}/s, naive "
        f"{len(items) / t_naive:.0f}/s ({t_naive / t_ours:.1f}x)"
    )
    print(
        f"speed, {len(articles)} en/hi articles: newsingest {len(articles) / a_ours:.0f}/s, "
        f"naive {len(articles) / a_naive:.0f}/s ({a_naive / a_ours:.1f}x)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
