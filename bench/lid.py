"""Language identification: newsingest's tagger vs naive seeded langdetect, same items, one run.

usage: python bench/lid.py [--write-items] [--bench DIR] [--realdrops DIR] [--english-lines DIR]

Items are built from bench/lid/written.json (sentences written for this set), bench/lid/lines.json
(lines, stanzas and passages written for this set, by group), the Hindi stories of
tests/cases/hindi, the seeds, and, at run time only, the shared cleaning pages' gold bodies
labelled by the benchmark's index (never copied here). `--write-items` writes the self-made
part to bench/lid/items.jsonl so it can be read and reviewed.

When ../shared/bench/realdrops is there, each of its files is tagged as a whole (decoded as its
README says), then each of its lines, and the accuracy per drop is printed, with the Marathi and
Nepali files and lines tagged hi. `--english-lines ../shared/bench/cleaning-wceb` also tags every
line of its English gold pages alone (hard negatives: none may come out hi).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path

from langdetect import DetectorFactory, detect
from langdetect.lang_detect_exception import LangDetectException

from newsingest.langid import detect_language

ROOT = Path(__file__).resolve().parents[1]
HERE = ROOT / "bench" / "lid"
DEFAULT_BENCH = ROOT.parent / "shared" / "bench" / "cleaning"
DEFAULT_REALDROPS = ROOT.parent / "shared" / "bench" / "realdrops"
REPEATS = 3  # timings are the best of this many runs: the machine may be busy


def _item(text: str, lang: str, script: str, kind: str, origin: str) -> dict[str, str]:
    return {"text": text, "lang": lang, "script": script, "kind": kind, "origin": origin}


def line_items() -> list[dict[str, str]]:
    """bench/lid/lines.json: each line alone; lyric groups also as stanzas of N lines."""
    items = []
    for group in json.loads((HERE / "lines.json").read_text(encoding="utf-8")):
        lang, script, origin = group["lang"], group["script"], f"lines.json:{group['group']}"
        for line in group["lines"]:
            items.append(_item(line, lang, script, "line", origin))
        n = group["stanzas"]
        for k in range(0, len(group["lines"]) - n + 1, n) if n else ():
            stanza = "\n".join(group["lines"][k : k + n])
            items.append(_item(stanza, lang, script, "stanza", origin))
    return items


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
            if len(para.split()) < 4 or para.startswith(("- ", "• ")) or para[0].isdigit():
                continue  # list items (names, places, specs): no language to tell by
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
    return items + line_items()


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


def realdrops(root: Path) -> None:
    """Tag each realdrops file whole, then each of its lines of two words or more, and print
    the accuracy per drop (its truth `lang`) and how many were tagged hi."""
    truths = sorted(root.glob("*.truth.jsonl"))
    if not truths:
        return
    files: dict[str, Counter[str]] = {}
    lines: dict[str, Counter[str]] = {}
    want: dict[str, str] = {}
    for truth in truths:
        drop = truth.name.removesuffix(".truth.jsonl")
        files[drop], lines[drop] = Counter(), Counter()
        for row_text in truth.read_text(encoding="utf-8").splitlines():
            row = json.loads(row_text)
            want[drop] = row["lang"]
            raw = (root / drop / row["file"]).read_bytes()
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                text = raw.decode("cp1252")
            text = text.replace("\r\n", "\n")
            files[drop][detect_language(text).language] += 1
            for line in text.split("\n"):
                if len(line.split()) >= 2:
                    lines[drop][detect_language(line).language] += 1
    for title, tags in (("files", files), ("lines (two words or more)", lines)):
        print(f"\n| realdrops {title} | n | accuracy | tags | tagged hi |\n|---|---|---|---|---|")
        for drop, c in tags.items():
            n = sum(c.values())
            shown = ", ".join(f"{k} {v}" for k, v in c.most_common(5))
            print(f"| {drop} | {n} | {c[want[drop]] / n:.4f} | {shown} | {c['hi']} |")


def english_lines(root: Path) -> None:
    """Hard negatives: every line (two words or more) of the English gold pages of
    ../shared/bench/cleaning-wceb, tagged alone; how many come out hi."""
    index = root / "index.jsonl"
    if not index.exists():
        return
    tags: Counter[str] = Counter()
    for row_text in index.read_text(encoding="utf-8").splitlines():
        row = json.loads(row_text)
        if row["lang"] != "en":
            continue
        gold = (root / "gold" / row["file"]).read_text(encoding="utf-8", errors="replace")
        for line in gold.splitlines():
            if len(line.split()) >= 2:
                tags[detect_language(line).language] += 1
    n = sum(tags.values())
    print(
        f"\nEnglish gold lines of {root.name}: {n}, tagged en {tags['en'] / n:.4f}, "
        f"und {tags['und']}, hi {tags['hi']}"
    )


def best_time(fn: Callable[[str], object], texts: list[str]) -> float:
    best = float("inf")
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        for text in texts:
            fn(text)
        best = min(best, time.perf_counter() - t0)
    return best


def naive(text: str) -> str:
    try:
        return str(detect(text))
    except LangDetectException:
        return "und"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--write-items", action="store_true")
    ap.add_argument("--bench", type=Path, default=DEFAULT_BENCH)
    ap.add_argument("--realdrops", type=Path, default=DEFAULT_REALDROPS)
    ap.add_argument(
        "--english-lines",
        type=Path,
        metavar="DIR",
        help="also tag every line of DIR's English gold pages (e.g. ../shared/bench/cleaning-wceb)",
    )
    args = ap.parse_args()
    own = own_items() + seed_items()
    if args.write_items:
        with open(HERE / "items.jsonl", "w", encoding="utf-8") as fh:
            for it in own:
                fh.write(json.dumps(it, ensure_ascii=False) + "\n")
    items = own + bench_items(args.bench)
    DetectorFactory.seed = 0
    ours = [detect_language(it["text"]) for it in items]
    theirs = [naive(it["text"]) for it in items]
    texts = [it["text"] for it in items]
    t_ours, t_naive = best_time(detect_language, texts), best_time(naive, texts)
    # Speed on what a corpus builder runs it on: whole English and Hindi articles.
    articles = [
        it["text"] for it in items if it["kind"] == "article" and it["lang"] in ("en", "hi")
    ]
    a_ours, a_naive = best_time(detect_language, articles), best_time(naive, articles)
    per: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    confusion: Counter[tuple[str, str]] = Counter()
    buckets: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    groups: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    label_totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    tagged_en = [0, 0]  # items tagged en: how many, and how many of them are English
    for it, r, n in zip(items, ours, theirs, strict=True):
        label = "hi-Latn" if it["lang"] == "hi" and it["script"] == "Latn" else it["lang"]
        ok = r.language == it["lang"] and (it["lang"] != "hi" or r.script == it["script"])
        row = per[f"{label} {'article' if 'article' in it['kind'] else 'short'}"]
        row[0] += ok
        row[1] += n == it["lang"]
        row[2] += 1
        label_totals[label][0] += ok
        label_totals[label][1] += 1
        if r.language == "en":
            tagged_en[0] += 1
            tagged_en[1] += it["lang"] == "en"
        if it["origin"].startswith("lines.json:"):
            g = groups[f"{it['origin'].removeprefix('lines.json:')} ({it['lang']})"]
            g[0] += ok
            g[1] += n == it["lang"]
            g[2] += 1
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
    print("\n| lines.json group | items | newsingest | naive langdetect |\n|---|---|---|---|")
    for key in sorted(groups):
        ok, nv, total = groups[key]
        print(f"| {key} | {total} | {ok / total:.1%} | {nv / total:.1%} |")
    print()
    for label in ("hi-Latn", "en", "hi", "ur"):
        ok, total = label_totals[label]
        print(f"{label}: {ok}/{total} = {ok / total:.3f}")
    print(f"English precision (items tagged en that are en): {tagged_en[1]}/{tagged_en[0]}")
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
    realdrops(args.realdrops)
    if args.english_lines:
        english_lines(args.english_lines)
    return 0


if __name__ == "__main__":
    sys.exit(main())
