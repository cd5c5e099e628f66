"""samples/ holds inputs a user can run and outputs equal to what the tool writes today
(regenerate on purpose, see samples/README.md)."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from newsingest import Article, parse_paths, to_json
from newsingest.cli import cli


def test_samples_match_current_output(in_root: Path) -> None:
    expected = (in_root / "samples" / "seeds.jsonl").read_text(encoding="utf-8")
    got = "".join(to_json(a) + "\n" for a in parse_paths(["seeds/"]) if isinstance(a, Article))
    assert got == expected, (
        "output changed; if intended: newsingest parse seeds/ -o samples/seeds.jsonl"
    )


def test_saved_explain_table_matches_current_output(in_root: Path) -> None:
    expected = (in_root / "samples" / "explain-001.out").read_text(encoding="utf-8")
    result = CliRunner().invoke(cli, ["explain", "seeds/001_cf74399b35aeebb3.txt"])
    assert result.exit_code == 0
    assert result.stdout == expected, (
        "output changed; if intended: newsingest explain seeds/001_cf74399b35aeebb3.txt"
        " > samples/explain-001.out"
    )


def test_parse_samples_reads_only_the_inputs(in_root: Path) -> None:
    sources = [item.source for item in parse_paths("samples/")]
    assert sources == ["samples/bundle.txt#1", "samples/bundle.txt#2"]
