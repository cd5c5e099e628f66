"""Progress on stderr: plain lines at a steady rate when stderr is not a terminal (CI logs)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from rich.console import Console

from newsingest import parse_paths
from newsingest.cli import cli
from newsingest.progress import Progress, progress_mode

from .conftest import write_drop

runner = CliRunner()


@pytest.fixture
def drop(tmp_path: Path) -> Path:
    return write_drop(tmp_path / "drop", 4, bundle_and_empty=True)


def test_mode_follows_the_flag_and_the_terminal() -> None:
    assert progress_mode(None, True) == "live" and progress_mode(None, False) is None
    assert progress_mode(True, False) == "lines" and progress_mode(False, True) is None


def test_lines_come_at_a_steady_rate_with_counts_rate_and_eta(drop: Path) -> None:
    now = [0.0]
    buf = io.StringIO()
    inputs = sorted(str(p) for p in drop.iterdir())
    items = list(parse_paths([str(drop)]))  # 7 items from 6 inputs (one is a bundle of two)
    with Progress(Console(file=buf, width=200), "lines", inputs, clock=lambda: now[0]) as p:
        for item in items:
            now[0] += 4.0  # an item every 4 s: a line every 10 s, not one per item
            p.item(item)
    lines = buf.getvalue().splitlines()
    assert lines == [
        "newsingest: parsing at 2/6 inputs (33%), 3 records, 0 rejects, 0.2 articles/s,"
        " 0:00:12 elapsed, ETA 0:00:24",
        "newsingest: parsing at 4/6 inputs (66%), 6 records, 0 rejects, 0.2 articles/s,"
        " 0:00:24 elapsed, ETA 0:00:12",
        "newsingest: parsing done 6/6 inputs (100%), 6 records, 1 rejects, 0.2 articles/s,"
        " 0:00:28 elapsed",
    ]


@pytest.mark.parametrize("command", ["parse", "validate"])
def test_progress_flag_prints_lines_when_stderr_is_not_a_terminal(drop: Path, command: str) -> None:
    res = runner.invoke(cli, [command, str(drop), "--progress", "-j", "2"])
    verb = "parsing" if command == "parse" else "validating"
    done = [x for x in res.stderr.splitlines() if x.startswith(f"newsingest: {verb} done")]
    assert done and done[0].startswith(
        f"newsingest: {verb} done 6/6 inputs (100%), 6 records, 1 rejects,"
    ), res.stderr
    quiet = runner.invoke(cli, [command, str(drop), "-j", "1"])
    assert f"newsingest: {verb}" not in quiet.stderr


def test_validate_jobs_gives_the_same_report(drop: Path) -> None:
    reports = []
    for jobs in ("1", "3"):
        res = runner.invoke(cli, ["validate", str(drop), "--format", "json", "--jobs", jobs])
        assert res.exit_code == 1, res.output
        reports.append(json.loads(res.stdout))
    assert reports[0] == reports[1] and reports[0]["files"] == 6
