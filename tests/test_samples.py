"""samples/seeds.jsonl is exactly what parse writes today (regenerate on purpose, see README)."""

from __future__ import annotations

from pathlib import Path

from newsingest import Article, parse_paths, to_json


def test_samples_match_current_output(in_root: Path) -> None:
    expected = (in_root / "samples" / "seeds.jsonl").read_text(encoding="utf-8")
    got = "".join(to_json(a) + "\n" for a in parse_paths(["seeds/"]) if isinstance(a, Article))
    assert got == expected, (
        "output changed; if intended: newsingest parse seeds/ -o samples/seeds.jsonl"
    )
