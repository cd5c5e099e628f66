"""Quality gates: the dev split of real pages (when ../shared is there) and the Hindi fixtures."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

import pytest

from newsingest.clean.evaluate import score_pages

from .conftest import ROOT, SHARED

BENCH = SHARED / "bench" / "cleaning"
FLOOR = json.loads((Path(__file__).parent / "quality_floor.json").read_text())


def _quality() -> ModuleType:
    spec = importlib.util.spec_from_file_location("quality", ROOT / "bench" / "quality.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(not (BENCH / "score.py").exists(), reason="../shared/bench is not beside")
def test_dev_split_does_not_regress() -> None:
    quality = _quality()
    if quality.corpus_hash(BENCH) != FLOOR["corpus_sha256"]:
        pytest.skip("the shared dev split changed; re-measure and re-pin tests/quality_floor.json")
    r = quality.evaluate(BENCH, "dev")
    assert r["bow_micro"]["f1"] >= FLOOR["bow_micro_f1"]
    assert r["bow_macro"]["f1"] >= FLOOR["bow_macro_f1"]


def test_hindi_fixtures() -> None:
    pages = json.loads((Path(__file__).parent / "cases" / "hindi" / "pages.json").read_text())
    assert len(pages) >= 30
    s = score_pages(pages)
    assert s.body_kept_rate >= 0.98, s.misses
    assert s.chrome_dropped_rate >= 0.95, s.misses
    assert s.title_accuracy >= 0.9, s.misses
    assert s.date_accuracy >= 0.9, s.misses


def test_hindi_fixtures_are_built_from_their_parts(tmp_path: Path) -> None:
    """pages.json is exactly what build.py makes of stories.json and templates.json."""
    spec = importlib.util.spec_from_file_location(
        "build", Path(__file__).parent / "cases" / "hindi" / "build.py"
    )
    assert spec is not None and spec.loader is not None
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    stories = json.loads((build.HERE / "stories.json").read_text(encoding="utf-8"))
    templates = json.loads((build.HERE / "templates.json").read_text(encoding="utf-8"))
    rebuilt = [
        build.page(story, templates[(i + j) % len(templates)])
        for i, story in enumerate(stories)
        for j in range(build.PAGES_PER_STORY)
    ]
    assert rebuilt == json.loads((build.HERE / "pages.json").read_text(encoding="utf-8"))
