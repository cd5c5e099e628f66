"""The seed drop against ../shared/acceptance/seeds-gold.json (skipped when shared/ is absent)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import SHARED

CHECK = SHARED / "acceptance" / "check_seeds.py"


@pytest.mark.skipif(not CHECK.exists(), reason="../shared/acceptance is not beside the project")
def test_seed_gold_all_checks_pass(in_root: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    subprocess.run(
        [sys.executable, "-m", "newsingest", "parse", "seeds/", "-o", str(out)],
        check=True,
        capture_output=True,
    )
    result = subprocess.run([sys.executable, str(CHECK), str(out)], capture_output=True, text=True)
    last = result.stdout.strip().splitlines()[-1]
    n, m = last.split()[0].split("/")
    assert n == m and result.returncode == 0, result.stdout
