"""Generate a realistic drop of N articles for throughput runs, deterministic from a seed.

usage: python bench/make_corpus.py [N] OUT [--seed 7] [--bench DIR]

Pages come from the seeds, the shared cleaning pages (read from ../shared, never copied into
the repository) and the Hindi fixtures. Each article is one page, lengthened or shortened to a
size drawn between 1 and 20 kB, with its numbers changed so no two articles are identical.
About 1 in 40 files is a bundle of three articles, 1 in 20 is gzipped, and 1 in 250 is a reject
(empty, binary or chrome only). N counts articles, not files.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_BENCH = ROOT.parent / "shared" / "bench" / "cleaning"
DIGITS = re.compile(r"\d+")


def load_pages(bench: Path) -> list[str]:
    pages = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]
    if (bench / "corpus").exists():
        pages += [p.read_text(encoding="utf-8") for p in sorted((bench / "corpus").glob("*.txt"))]
    hindi = json.loads((ROOT / "tests" / "cases" / "hindi" / "pages.json").read_text("utf-8"))
    pages += ["\n\n".join(text for _, text in p["lines"]) for p in hindi]
    return pages


def article(rng: random.Random, pages: list[str]) -> str:
    page = rng.choice(pages)
    size = rng.randint(1_000, 20_000)
    while len(page.encode()) < size:
        page += "\n\n" + rng.choice(pages)
    page = page[: size * 2] if len(page.encode()) > size * 3 else page
    return DIGITS.sub(lambda m: str(rng.randint(0, 10 ** len(m.group()))), page)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("n", nargs="?", type=int, default=100_000)
    ap.add_argument("out", type=Path)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--bench", type=Path, default=DEFAULT_BENCH)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    pages = load_pages(args.bench)
    args.out.mkdir(parents=True, exist_ok=True)
    made = files = 0
    while made < args.n:
        folder = args.out / f"{files // 1000:03d}"
        folder.mkdir(exist_ok=True)
        name = f"{files % 1000:03d}_{rng.getrandbits(64):016x}.txt"
        roll = rng.random()
        if roll < 0.004:
            data = rng.choice([b"", b"\x89PNG\r\n\x1a\n" + rng.randbytes(2000), b"Home\nMenu\n"])
        elif roll < 0.029:
            data = "\n=====\n".join(article(rng, pages) for _ in range(3)).encode()
            made += 3
        else:
            data = article(rng, pages).encode()
            made += 1
        if rng.random() < 0.05:
            (folder / (name + ".gz")).write_bytes(gzip.compress(data, mtime=0))
        else:
            (folder / name).write_bytes(data)
        files += 1
    print(f"{made} articles in {files} files -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
