"""The Python API: what the package exports, how its entry points take paths, validate's
settings layered as the CLI layers them."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

import newsingest
from newsingest import (
    Article,
    Decoded,
    DecodeFailure,
    IngestConfig,
    LangResult,
    SettingsError,
    ValidateOptions,
    decode_bytes,
    detect_language,
    explain_paths,
    load_options,
    parse_paths,
    read_sources,
    validate_paths,
)
from newsingest.cli import cli


def test_every_exported_name_exists() -> None:
    missing = [name for name in newsingest.__all__ if not hasattr(newsingest, name)]
    assert missing == []


def test_exported_functions_return_exported_types() -> None:
    assert isinstance(decode_bytes("नमस्ते दुनिया".encode()), Decoded)
    failure = decode_bytes(b"%PDF-1.7\n" + bytes(200))
    assert isinstance(failure, DecodeFailure) and failure.reason.value == "binary"
    lang = detect_language("The river rose above its banks in several towns, officials said.")
    assert isinstance(lang, LangResult) and lang.language == "en"


@pytest.mark.parametrize("one", ["seeds", "seeds/", Path("seeds")])
def test_parse_paths_takes_a_single_path(in_root: Path, one: str | Path) -> None:
    expected = [a.id for a in parse_paths(["seeds"])]
    assert len(expected) == 5
    assert [a.id for a in parse_paths(one)] == expected


def test_single_path_everywhere(in_root: Path) -> None:
    seed = "seeds/001_cf74399b35aeebb3.txt"
    assert [s.source for s in read_sources(seed, IngestConfig())] == [seed]
    explained = explain_paths(Path(seed))
    assert [e.source for e in explained] == [seed]
    report = validate_paths("seeds")
    assert report.files == 5 and report.articles == 5


def test_a_list_of_paths_may_hold_path_objects(in_root: Path) -> None:
    items = list(
        parse_paths([Path("seeds/000_9762a967d44d9ea8.txt"), "seeds/002_458f42a79fcff1b8.txt"])
    )
    assert [a.id for a in items] == ["9762a967d44d9ea8", "458f42a79fcff1b8"]
    with pytest.raises(TypeError, match="paths must be str"):
        list(parse_paths([b"seeds"]))  # type: ignore[list-item]


def test_missing_path_raises_when_called_not_when_iterated(tmp_path: Path) -> None:
    with pytest.raises(newsingest.InputNotFoundError, match="nope"):
        parse_paths(str(tmp_path / "nope"))


def test_validate_paths_defaults_match_the_cli(in_root: Path) -> None:
    report = validate_paths(["seeds/"], IngestConfig(), ValidateOptions())
    assert validate_paths("seeds/") == report
    cli_json = CliRunner().invoke(cli, ["validate", "seeds/", "--format", "json"]).stdout
    assert report.model_dump_json(indent=2) == cli_json.strip()


def write_pyproject(folder: Path, body: str) -> None:
    (folder / "pyproject.toml").write_text("[tool.newsingest]\n" + body, encoding="utf-8")


def test_load_options_layers_arguments_over_pyproject_over_defaults(tmp_path: Path) -> None:
    write_pyproject(
        tmp_path,
        'langs = "en,hi"\nignore = ["ni010"]\nmin-chars = 300\nstrict = true\n',
    )
    deep = tmp_path / "drops" / "new"
    deep.mkdir(parents=True)
    from_file = load_options(deep)  # the nearest pyproject.toml at or above start
    assert from_file == ValidateOptions(
        langs=("en", "hi"), ignore=frozenset({"NI010"}), min_chars=300, strict=True
    )
    given = load_options(deep, langs=["ur"], min_chars=50, ignore="NI009", strict=False)
    assert given.langs == ("ur",) and given.min_chars == 50 and not given.strict
    assert given.ignore == {"NI009", "NI010"}  # ignore adds to the file's list
    assert given.min_confidence == ValidateOptions().min_confidence
    assert load_options(tmp_path.parent / "elsewhere-without-pyproject") == ValidateOptions()


def test_load_options_reads_the_working_directory_by_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_pyproject(tmp_path, 'langs = ["hi"]\n')
    monkeypatch.chdir(tmp_path)
    assert load_options().langs == ("hi",)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("min_chars = 300\n", "unknown key 'min_chars'; did you mean 'min-chars'"),
        ('ignore = ["NI999"]\n', "unknown check code"),
        ('min-chars = "many"\n', "min-chars: expected a number"),
        ("langs = [1, 2]\n", "langs: expected a list of strings"),
        ('langs = ["english"]\n', "unknown language 'english'; did you mean 'en'"),
    ],
)
def test_bad_settings_are_settings_errors(tmp_path: Path, body: str, message: str) -> None:
    write_pyproject(tmp_path, body)
    with pytest.raises(SettingsError, match=message):
        load_options(tmp_path)


def test_bad_arguments_are_settings_errors(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="min_chars"):
        load_options(tmp_path, min_chars="many")  # type: ignore[arg-type]
    with pytest.raises(SettingsError, match="unknown language 'xx'"):
        load_options(tmp_path, langs="en,xx")
    with pytest.raises(SettingsError, match=r"NIO10 \(did you mean NI010\?\)"):
        load_options(tmp_path, ignore=["NI008,NIO10"])


def test_cli_reports_bad_pyproject_settings_as_usage_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_pyproject(tmp_path, "min_chars = 300\n")
    (tmp_path / "001_0000000000000001.txt").write_text("Hello\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["validate", "."])
    assert result.exit_code == 2 and "unknown key 'min_chars'" in result.stderr


def test_parse_text_is_the_same_article_as_the_file(in_root: Path) -> None:
    seed = Path("seeds/001_cf74399b35aeebb3.txt")
    from_file = next(iter(parse_paths(seed)))
    from_text = newsingest.parse_text(seed.read_text(encoding="utf-8"), str(seed))
    assert isinstance(from_file, Article) and from_text == [from_file]
