"""Peak memory of Parquet output as the corpus grows: flat means rows are streamed.

    python bench/parquet_memory.py [10000,100000]

Each size runs in a child process that writes that many records (the seed articles, each
with its own id) through ParquetWriter, and reports its peak RSS; the ratio of the largest to
the smallest run is the figure to judge (1.0 = flat)."""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def child(n: int, out: str) -> None:
    from newsingest import Article, parse_paths
    from newsingest.parquet import ParquetWriter

    seeds = [a for a in parse_paths(ROOT / "seeds") if isinstance(a, Article)]
    start = time.perf_counter()
    with ParquetWriter(out) as writer:
        for k in range(n):
            writer.write(seeds[k % len(seeds)].model_copy(update={"id": f"{k:016x}", "seq": k}))
    seconds = time.perf_counter() - start
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    size_mb = Path(out).stat().st_size / 1e6
    print(json.dumps({"n": n, "rss_mb": rss_mb, "seconds": seconds, "file_mb": size_mb}))


def main() -> None:
    sizes = [int(x) for x in (sys.argv[1] if len(sys.argv) > 1 else "10000,100000").split(",")]
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            out = str(Path(tmp) / f"{n}.parquet")
            cmd = [sys.executable, __file__, "--child", str(n), out]
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
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        child(int(sys.argv[2]), sys.argv[3])
    else:
        main()
