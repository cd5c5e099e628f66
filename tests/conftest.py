"""Shared fixtures: project paths and small drops built in tmp dirs."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SHARED = ROOT.parent / "shared"


@pytest.fixture
def in_root(monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run with the project root as working directory (sources read 'seeds/...')."""
    monkeypatch.chdir(ROOT)
    return ROOT


EN_PAGE = """Monday, March 4, 2024
Home > World > Europe
Daily Planet
Rivers rise across the valley as spring storms arrive early

By Jane Doe
March 3, 2024

Heavy rain fell for a third day on Sunday, and the river rose above its banks in several towns along the valley, officials said.

Residents were told to move their cars to higher ground before the evening, when the water is expected to peak.

Emergency crews
The county opened two shelters at schools in the north of the valley, and volunteers brought food and blankets for the families who came.

"We have seen floods before, but never this early in the year," said the mayor, who has lived in the town for forty years.

Share this article
12 Comments
Leave a Reply
Your email address will not be published. Required fields are marked *
Related articles
Storm warning issued for the coast
"""


@pytest.fixture
def en_page() -> str:
    return EN_PAGE


def write_drop(folder: Path, pages: int, *, bundle_and_empty: bool = False) -> Path:
    """A drop of `pages` articles, each a little different (NNN_<16 hex>.txt); with
    `bundle_and_empty`, then a two-article bundle and an empty file (a reject)."""
    folder.mkdir(exist_ok=True)
    for k in range(pages):
        (folder / f"{k:03d}_{k:016x}.txt").write_text(EN_PAGE.replace("third", f"{k}th"))
    if bundle_and_empty:
        (folder / f"{pages:03d}_{pages:016x}.txt").write_text(EN_PAGE + "\n=====\n" + EN_PAGE)
        (folder / f"{pages + 1:03d}_{pages + 1:016x}.txt").write_bytes(b"")
    return folder


def rules_file(folder: Path, rule_id: str, phrase: str, why: str) -> Path:
    """A user's rules file (--rules) with one line rule dropping `phrase`."""
    path = folder / f"{rule_id}.toml"
    path.write_text(
        f'[[rules]]\nid = "{rule_id}"\ngroup = "site"\npattern = "{phrase.lower()}"\n'
        f'why = "{why}"\nexample = "{phrase}"\n',
        encoding="utf-8",
    )
    return path
