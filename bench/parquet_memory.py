"""Peak memory of Parquet output as the corpus grows: flat means rows are streamed.

    python bench/parquet_memory.py [10000,100000] [--records corpus.jsonl] [--chars N]

Each size runs in a child process that writes that many records (the seed articles, or the
first 10,000 records of a JSONL file such as `newsingest parse /tmp/corpus10k -o c.jsonl`
writes, each copy with its own id) through ParquetWriter, and reports its peak RSS; the
ratio of the largest to the smallest run is the figure to judge (1.0 = flat). --chars sets
the row group's text cap (ROW_GROUP_CHARS) to compare settings."""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def child(n: int, out: str, records: str, chars: int) -> None:
    from newsingest import Article, parse_paths
    from newsingest.parquet import ParquetWriter

    if records:
        with open(records, encoding="utf-8") as fh:
            lines = [line for _, line in zip(range(10_000), fh, strict=False)]
        seeds = [Article.model_validate_json(line) for line in lines]
        del lines
    else:
        seeds = [a for a in parse_paths(ROOT / "seeds") if isinstance(a, Article)]
    start = time.perf_counter()
    with ParquetWriter(out, row_group_chars=chars) as writer:
        for k in range(n):
            writer.write(seeds[k % len(seeds)].model_copy(update={"id": f"{k:016x}", "seq": k}))
    seconds = time.perf_counter() - start
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    size_mb = Path(out).stat().st_size / 1e6
    print(json.dumps({"n": n, "rss_mb": rss_mb, "seconds": seconds, "file_mb": size_mb}))


def main() -> None:
    from newsingest.parquet import ROW_GROUP_CHARS

    parser = argparse.ArgumentParser()
    parser.add_argument("sizes", nargs="?", default="10000,100000")
    parser.add_argument("--records", default="")
    parser.add_argument("--chars", type=int, default=ROW_GROUP_CHARS)
    args = parser.parse_args()
    sizes = [int(x) for x in args.sizes.split(",")]
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            out = str(Path(tmp) / f"{n}.parquet")
            cmd = [sys.executable, __file__, "--child", str(n), out, args.records, str(args.chars)]
            results.append(json.loads(subprocess.check_output(cmd, text=True)))
    base = results[0]["rss_mb"]
    print("| records | peak RSS | vs smallest | rows/s | file |")
    print("|---|---|---|---|---|")
    for r in results:
        print(
            f"| {r['n']:,} | {r['rss_mb']:.0f} MB | {r['rss_mb'] / base:.2f}× "
            f"| {r['n'] / r['seconds']:,.0f} | {r['file_mb']:.1f} MB |"
        )


if __name__ == "__main__":
    if len(sys.argv) == 6 and sys.argv[1] == "--child":
        child(int(sys.argv[2]), sys.argv[3], sys.argv[4], int(sys.argv[5]))
    else:
        main()
