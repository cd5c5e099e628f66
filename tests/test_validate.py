"""validate: a drop with one planted defect per check gives exactly those findings."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsingest import IngestConfig
from newsingest.cli import cli
from newsingest.decode import mojibake
from newsingest.validate import CODES, ValidateOptions, github_annotations, validate_paths

from .conftest import EN_PAGE

STORIES = json.loads(
    (Path(__file__).parent / "cases" / "hindi" / "stories.json").read_text(encoding="utf-8")
)
BOILERPLATE = (
    "जनता की आवाज़ एक स्वतंत्र समाचार वेबसाइट है जो देश और दुनिया की हर बड़ी खबर आप तक "
    "सबसे पहले पहुंचाने के लिए प्रतिबद्ध है।"
)
GERMAN = (
    "Neue Regeln für den Stadtverkehr\n\n2024-03-12\n\n"
    "Die Stadt hat am Mittwoch beschlossen, den Verkehr in der Innenstadt neu zu ordnen. Ab dem "
    "Sommer dürfen Autos nur noch am Rand der Altstadt parken, und Busse fahren häufiger.\n\n"
    "Der Bürgermeister sagte, die Änderungen seien nötig, weil die Luft in den engen Straßen zu "
    "schlecht geworden sei. Händler befürchten dagegen weniger Kunden in ihren Geschäften.\n"
)

HTML_PAGE = (
    "<!DOCTYPE html><html><head><title>Library | Town News</title></head><body>"
    "<nav><ul><li>Home</li><li>Local</li></ul></nav>"
    "<h1>Town library reopens after a year of repairs</h1><p>May 14, 2024</p>"
    "<p>The town library opened its doors again on Tuesday after a year of repairs to the roof "
    "and the heating, and hundreds of readers came on the first morning.</p>"
    "<p>The librarian said that the children's room had been moved to the ground floor, and "
    "that the reading room would now stay open until nine in the evening.</p>"
    "</body></html>"
)


def page(k: int, body: bool = True, head: bool = True) -> str:
    s = STORIES[k]
    top = [s["title"], s["date"]] if head else []
    return "\n\n".join(top + (s["body"] if body else [])) + "\n"


def build(drop: Path) -> dict[tuple[str, str], str]:
    """Write the drop; return {(code, file name): why} for every finding expected."""
    files: dict[str, bytes] = {
        "001_0000000000000001.txt": page(0).encode(),
        "002_0000000000000002.txt": (page(1) + "\n" + BOILERPLATE + "\n").encode(),
        "003_0000000000000003.txt": (page(2) + "\n" + BOILERPLATE + "\n").encode(),
        "004_0000000000000004.txt": (page(3) + "\n" + BOILERPLATE + "\n").encode(),
        "badname.txt": page(4).encode(),
        "006_00000000000000a1.txt": page(5).encode(),
        "006_00000000000000a2.txt": page(6).encode(),
        "007_00000000000000c1.txt": page(7).encode(),
        "008_00000000000000c1.txt": page(8).encode(),
        "009_0000000000000009.txt": EN_PAGE.replace("We have", "We’ve").encode("cp1252"),
        "010_0000000000000010.txt": mojibake(page(9)).encode(),
        "011_0000000000000011.txt": page(10).rstrip("\n").encode()[:-2],
        "012_0000000000000012.txt": b"\x89PNG\r\n\x1a\n" + bytes(300),
        "013_0000000000000013.txt": b"Home\nLeave a Reply\n0Shares\n",
        "014_0000000000000014.txt": page(11, head=False).encode(),
        "015_0000000000000015.txt": GERMAN.encode(),
        "016_0000000000000016.txt": (page(0) + "\n" + EN_PAGE.split("\n\n", 3)[-1]).encode(),
        "017_0000000000000017.txt": page(0).encode(),
        "018_0000000000000018.txt": page(0).replace("मंगलवार", "बुधवार").encode(),
        "019_0000000000000019.txt": HTML_PAGE.encode(),
        "notes.TXT": page(0).encode(),  # not *.txt: skipped by the glob, and said so
    }
    for name, data in files.items():
        (drop / name).write_bytes(data)
    return {
        ("NI015", "002_0000000000000002.txt"): "boilerplate kept in 3 files",
        ("NI015", "003_0000000000000003.txt"): "boilerplate kept in 3 files",
        ("NI015", "004_0000000000000004.txt"): "boilerplate kept in 3 files",
        ("NI001", "badname.txt"): "name",
        ("NI002", "006_00000000000000a2.txt"): "NNN 006 twice",
        ("NI003", "008_00000000000000c1.txt"): "id twice",
        ("NI004", "009_0000000000000009.txt"): "cp1252",
        ("NI005", "010_0000000000000010.txt"): "mojibake",
        ("NI006", "011_0000000000000011.txt"): "truncated",
        ("NI007", "012_0000000000000012.txt"): "binary",
        ("NI008", "013_0000000000000013.txt"): "chrome only",
        ("NI009", "014_0000000000000014.txt"): "no title",
        ("NI010", "014_0000000000000014.txt"): "no date",
        ("NI011", "015_0000000000000015.txt"): "German",
        ("NI012", "016_0000000000000016.txt"): "half Hindi, half English",
        ("NI013", "017_0000000000000017.txt"): "copy of 001",
        ("NI014", "018_0000000000000018.txt"): "001 with one word changed",
        ("NI016", "019_0000000000000019.txt"): "HTML saved as text",
        ("NI018", "notes.TXT"): "skipped by the glob",
    }


@pytest.fixture
def planted(tmp_path: Path) -> tuple[Path, dict[tuple[str, str], str]]:
    drop = tmp_path / "drop"
    drop.mkdir()
    return drop, build(drop)


def test_every_code_is_planted(planted: tuple[Path, dict[tuple[str, str], str]]) -> None:
    # NI017 is about a path with nothing in it: test_empty_and_misnamed_drops_fail.
    assert {code for code, _ in planted[1]} == set(CODES) - {"NI017"}


def test_library_finds_exactly_the_planted_defects(
    planted: tuple[Path, dict[tuple[str, str], str]],
) -> None:
    drop, expected = planted
    report = validate_paths([str(drop)], IngestConfig(), ValidateOptions(langs=("en", "hi")))
    got = {(f.code, Path(f.file).name) for f in report.findings}
    assert got == set(expected)
    assert report.errors == sum(1 for c, _ in expected if CODES[c][0].value == "error")
    line = next(f.line for f in report.findings if f.code == "NI015")
    assert line is not None and line > 1


def test_cli_formats_agree(
    planted: tuple[Path, dict[tuple[str, str], str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    drop, expected = planted
    monkeypatch.chdir(drop)
    runner = CliRunner()
    base = ["validate", ".", "--langs", "en,hi"]
    as_json = runner.invoke(cli, [*base, "--format", "json"])
    assert as_json.exit_code == 1
    report = json.loads(as_json.stdout)
    assert {(f["code"], Path(f["file"]).name) for f in report["findings"]} == set(expected)
    gh = runner.invoke(cli, [*base, "--format", "github"]).stdout.splitlines()
    pattern = re.compile(r"^::(error|warning) file=([^,:]+)(,line=\d+)?,title=(NI\d{3})::(.+)$")
    parsed = [pattern.match(x) for x in gh]
    assert all(parsed) and len(gh) == len(expected)
    assert {(m.group(4), Path(m.group(2)).name) for m in parsed if m} == set(expected)
    text = runner.invoke(cli, base).stdout
    assert all(code in text for code, _ in expected)
    assert text.strip().endswith(f"{report['errors']} errors, {report['warnings']} warnings")


def test_ignore_strict_and_pyproject(
    planted: tuple[Path, dict[tuple[str, str], str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    drop, _ = planted
    (drop / "pyproject.toml").write_text(
        '[tool.newsingest]\nignore = ["NI015"]\nlangs = ["en", "hi"]\n', encoding="utf-8"
    )
    monkeypatch.chdir(drop)
    runner = CliRunner()
    out = json.loads(
        runner.invoke(cli, ["validate", ".", "--format", "json", "--ignore", "NI014,NI012"]).stdout
    )
    codes = {f["code"] for f in out["findings"]}
    assert not codes & {"NI012", "NI014", "NI015"} and "NI011" in codes
    bad = runner.invoke(cli, ["validate", ".", "--ignore", "NI999"])
    assert bad.exit_code == 2 and "unknown check code" in bad.stderr


def test_seed_drop_validates_clean(in_root: Path) -> None:
    result = CliRunner().invoke(cli, ["validate", "seeds/", "--langs", "en,hi"])
    assert result.exit_code == 0, result.stdout
    strict = CliRunner().invoke(cli, ["validate", "seeds/", "--strict"])
    assert strict.exit_code == 1  # the seeds have warnings (Hindi pages without a date line)


def test_against_existing_corpus(in_root: Path, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.jsonl"
    CliRunner().invoke(cli, ["parse", "seeds/", "-o", str(corpus)])
    out = json.loads(
        CliRunner()
        .invoke(cli, ["validate", "seeds/", "--against", str(corpus), "--format", "json"])
        .stdout
    )
    codes = [f["code"] for f in out["findings"]]
    assert codes.count("NI003") == 5 and codes.count("NI013") == 5


def test_empty_and_misnamed_drops_fail(tmp_path: Path) -> None:
    runner = CliRunner()
    empty = tmp_path / "empty"
    empty.mkdir()
    result = runner.invoke(cli, ["validate", str(empty), "--format", "json"])
    assert result.exit_code == 1
    assert [f["code"] for f in json.loads(result.stdout)["findings"]] == ["NI017"]
    misnamed = tmp_path / "misnamed"
    misnamed.mkdir()
    for name in ("001_0000000000000001.TXT", "002_0000000000000002.text", "003.html"):
        (misnamed / name).write_text(EN_PAGE)
    report = validate_paths([str(misnamed)], IngestConfig(), ValidateOptions())
    assert [f.code for f in report.findings] == ["NI017", "NI018"]
    assert "3 file(s)" in report.findings[1].message and "003.html" in report.findings[1].message
    assert [Path(p).name for p in report.skipped] == [
        "001_0000000000000001.TXT",
        "002_0000000000000002.text",
        "003.html",
    ]
    strict = runner.invoke(cli, ["validate", str(misnamed), "--strict", "--ignore", "NI017"])
    assert strict.exit_code == 1 and "NI018" in strict.stdout


def test_github_annotations_keep_part_numbers_and_lines(tmp_path: Path) -> None:
    # Part 2 of a bundle has a damaged byte on its third body line: the annotation names the
    # part and points at the line of the file.
    damaged = EN_PAGE.replace("We have", "We’ve").encode().replace(b"Residents", b"Resid\xffents")
    data = page(0).encode() + b"=====\n" + damaged
    drop = tmp_path / "drop"
    drop.mkdir()
    (drop / "001_0000000000000001.txt").write_bytes(data)
    report = validate_paths([str(drop)], IngestConfig(), ValidateOptions())
    (ni006,) = [f for f in report.findings if f.code == "NI006"]  # part 1 is intact
    lines = data.split(b"\n")
    want = next(n for n, raw in enumerate(lines, 1) if b"\xff" in raw)
    assert ni006.file.endswith("#2") and ni006.line == want
    (gh,) = [x for x in github_annotations(report) if f",line={want},title=NI006" in x]
    assert "001_0000000000000001.txt#2: damaged bytes" in gh
