"""The command line: CliRunner for the contract, a real subprocess for pipes and -m."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsingest import Article
from newsingest.clean import clean_text
from newsingest.cli import cli

from .conftest import EN_PAGE, ROOT, rules_file

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_parse_seeds_stdout_is_only_records(in_root: Path) -> None:
    code, out, err = run("parse", "seeds/", "-j", "1")
    assert code == 0
    records = [json.loads(line) for line in out.splitlines()]
    assert [r["seq"] for r in records] == [0, 1, 2, 3, 4]
    assert err.strip() == "newsingest: 5 records, 0 rejects"


def test_output_file_equals_stdout_and_reruns(in_root: Path, tmp_path: Path) -> None:
    _, out, _ = run("parse", "seeds/", "-j", "1")
    for jobs in ("1", "2"):
        target = tmp_path / f"out{jobs}.jsonl"
        code, out2, _ = run("parse", "seeds/", "-o", str(target), "-j", jobs)
        assert code == 0 and out2 == "" and target.read_text(encoding="utf-8") == out


def test_rejects_exit_1_and_are_written(tmp_path: Path) -> None:
    (tmp_path / "001_1111111111111111.txt").write_text(EN_PAGE)
    (tmp_path / "002_2222222222222222.txt").write_bytes(b"")
    (tmp_path / "003_3333333333333333.txt").write_bytes(b"%PDF-1.4 binary")
    rejects = tmp_path / "rejects.jsonl"
    code, out, err = run("parse", str(tmp_path), "--rejects", str(rejects))
    assert code == 1
    assert len(out.splitlines()) == 1
    reasons = [json.loads(x)["reason"] for x in rejects.read_text().splitlines()]
    assert reasons == ["empty", "binary"]
    assert "002_2222222222222222.txt: empty" in err
    assert err.strip().endswith("1 records, 2 rejects (binary 1, empty 1)")


@pytest.mark.parametrize(
    "args, message",
    [
        (["parse", "does/not/exist"], "no such file"),
        (["parse"], "Missing argument"),
        (["parse", "seeds/", "--jobs", "0"], "--jobs"),
        (["parse", "seeds/", "--frobnicate"], "No such option"),
    ],
)
def test_usage_errors_exit_2(in_root: Path, args: list[str], message: str) -> None:
    code, out, err = run(*args)
    assert code == 2 and out == "" and message in err


def test_help_lists_every_option() -> None:
    _, out, _ = run("parse", "--help")
    for opt in (
        "--output",
        "--rejects",
        "--glob",
        "--max-bytes",
        "--delimiter",
        "--langs",
        "--min-chars",
        "--rules",
        "--jobs",
        "--quiet",
        "--progress",
        "Exit codes",
    ):
        assert opt in out
    code, out, _ = run("--help")
    assert code == 0 and all(c in out for c in ("parse", "explain", "schema", "reasons"))


def test_version_and_schema() -> None:
    code, out, _ = run("--version")
    assert code == 0 and out.startswith("newsingest, version ")
    code, out, _ = run("schema")
    schema = json.loads(out)
    assert list(schema["properties"]) == list(Article.model_fields)


def test_explain_json_names_rules(in_root: Path) -> None:
    code, out, _ = run("explain", "seeds/001_cf74399b35aeebb3.txt", "--json")
    assert code == 0
    exp = json.loads(out)
    rules = {d["text"]: d["rule"] for d in exp["decisions"]}
    assert rules["Leave a Reply"] == "comment_form"
    assert rules["0Shares"] == "share_counter"
    assert exp["published"] == "2024-06-19"


def test_pipe_into_head_exits_0_quietly() -> None:
    # More records than a pipe holds (~100 KB), so the writes after `head` exits fail.
    seeds = " ".join(["seeds/"] * 10)
    proc = subprocess.run(
        [
            "bash",
            "-c",
            f"set -o pipefail; {sys.executable} -m newsingest parse {seeds} -j 1 | head -1",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr  # pipefail: the exit code of newsingest itself
    assert len(proc.stdout.splitlines()) == 1 and json.loads(proc.stdout)["seq"] == 0
    assert "Traceback" not in proc.stderr and "BrokenPipe" not in proc.stderr
    assert "rror" not in proc.stderr


def test_python_dash_m_and_gzip_output(tmp_path: Path) -> None:
    out = tmp_path / "o.jsonl.gz"
    proc = subprocess.run(
        [sys.executable, "-m", "newsingest", "parse", "seeds/", "-o", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0 and proc.stdout == "" and out.read_bytes()[:2] == b"\x1f\x8b"


def test_explain_every_seed_and_bench_page(in_root: Path) -> None:
    from newsingest import Explanation, IngestConfig, explain_paths

    paths = ["seeds/"]
    bench = ROOT.parent / "shared" / "bench" / "cleaning" / "corpus"
    if bench.exists():
        paths.append(str(bench))
    results = explain_paths(paths, IngestConfig(delimiter=None))
    assert len(results) >= 5 and all(isinstance(r, Explanation) for r in results)
    assert all(r.decisions for r in results if isinstance(r, Explanation))


def test_bad_rules_file_is_a_usage_error_before_any_work(in_root: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[[rules]]\nid = "x"\n', encoding="utf-8")
    out = tmp_path / "out.jsonl"
    code, _, err = run("parse", "seeds/", "--rules", str(bad), "-o", str(out))
    assert code == 2 and "rule 'x': group: Field required" in err
    assert not out.exists() and "internal_error" not in err
    assert [p.name for p in tmp_path.iterdir()] == ["bad.toml"]  # no temp file left


def test_unwritable_output_is_a_clear_error(in_root: Path) -> None:
    code, _, err = run("parse", "seeds/", "-o", "/nonexistent/dir/out.jsonl")
    assert code == 3 and "no such folder /nonexistent/dir" in err and "Traceback" not in err


def test_rules_lists_every_name_a_decision_can_carry(tmp_path: Path) -> None:
    extra = rules_file(tmp_path, "site_promo", "Buy the print edition", "Our site's promo line.")
    res = runner.invoke(cli, ["rules", "--json", "--rules", str(extra)])
    assert res.exit_code == 0, res.output
    names = {d["id"]: d for d in map(json.loads, res.output.splitlines())}
    assert names["site_promo"]["why"] == "Our site's promo line."
    assert names["hi_read_also"]["source"] == "rule" and names["body"]["source"] == "engine"
    # Whatever the cleaner decides on the labelled pages, seeds and Hindi fixtures is listed.
    pages = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]
    for name in ("en.json", "hi.json", "negative.json"):
        cases = json.loads((ROOT / "tests" / "cases" / name).read_text(encoding="utf-8"))
        pages += ["\n\n".join(c["lines"]) for c in cases]
    hindi = json.loads((ROOT / "tests" / "cases" / "hindi" / "pages.json").read_text("utf-8"))
    pages += ["\n\n".join(text for _, text in p["lines"]) for p in hindi]
    used = {
        part for page in pages for reason in clean_text(page).reasons for part in reason.split("+")
    }
    assert used - set(names) == set()
    plain = runner.invoke(cli, ["rules"])
    assert plain.exit_code == 0 and "excerpt_list" in plain.output


def test_rules_settings_list_thresholds_and_word_lists_as_parse_uses_them(
    tmp_path: Path,
) -> None:
    default = runner.invoke(cli, ["rules", "--settings", "--json"])
    assert default.exit_code == 0, default.output
    found = {s["name"]: s for s in map(json.loads, default.output.splitlines())}
    assert found["menu_row_items"] == {"name": "menu_row_items", "kind": "threshold", "value": 3}
    assert "का" in found["stopwords"]["value"] and "the" in found["stopwords"]["value"]
    assert found["months"]["value"]["march"] == 3
    # A --rules file overrides a threshold for this run, as parse would read it.
    extra = tmp_path / "mine.toml"
    extra.write_text("[thresholds]\nmenu_row_items = 5\n", encoding="utf-8")
    layered = runner.invoke(cli, ["rules", "--settings", "--json", "--rules", str(extra)])
    assert {"name": "menu_row_items", "kind": "threshold", "value": 5} in map(
        json.loads, layered.output.splitlines()
    )
    table = runner.invoke(cli, ["rules", "--settings"])
    assert table.exit_code == 0 and "title_dek_lines" in table.output


def test_glob_star_with_output_inside_the_input_folder(tmp_path: Path) -> None:
    # -o inside the folder read with --glob '*': the run reads neither its own temp file nor,
    # on the next run, the output of the last one or its manifest.
    (tmp_path / "001_1111111111111111.txt").write_text(EN_PAGE)
    out = tmp_path / "out.jsonl"
    for _ in range(2):
        code, _, err = run("parse", str(tmp_path), "--glob", "*", "-o", str(out), "-j", "1")
        assert code == 0, err
        assert len(out.read_text(encoding="utf-8").splitlines()) == 1
        assert (tmp_path / "out.jsonl.manifest.json").is_file()
    assert "1 records, 0 rejects" in err


def test_a_path_with_no_inputs_is_a_warning(tmp_path: Path) -> None:
    (tmp_path / "001_1111111111111111.TXT").write_text(EN_PAGE)
    code, out, err = run("parse", str(tmp_path), "-j", "1")
    assert code == 0 and out == ""
    assert f"warning: {tmp_path}: no input matching --glob '*.txt'" in err
    assert "1 file(s) not matching --glob '*.txt' were skipped: " in err


def test_stdin_articles_get_distinct_ids() -> None:
    ids = set()
    for text in (EN_PAGE, EN_PAGE.replace("Heavy rain", "Light rain")):
        result = runner.invoke(cli, ["parse", "-", "-j", "1"], input=text.encode())
        ids.add(json.loads(result.stdout)["id"])
    assert len(ids) == 2


def test_explain_says_when_there_is_no_date(tmp_path: Path) -> None:
    page = tmp_path / "page.txt"
    page.write_text(EN_PAGE.split("\n", 1)[1].replace("March 3, 2024\n", ""))
    code, out, _ = run("explain", str(page))
    assert code == 0 and "published: none found" in out and "None" not in out


def test_doc_timeout_option(tmp_path: Path) -> None:
    (tmp_path / "001_1111111111111111.txt").write_text("word " * 50_000)
    code, _, err = run("parse", str(tmp_path), "--doc-timeout", "5", "-j", "1")
    assert code == 1 and "timeout (a line of" in err
    assert run("parse", str(tmp_path), "--doc-timeout", "-1")[0] == 2


def test_unreadable_folder_and_bombs_are_rejects_and_nothing_else_is_lost(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import bz2
    import gzip
    import lzma
    import os

    drop = tmp_path / "drop"
    (drop / "locked").mkdir(parents=True)
    (drop / "001_1111111111111111.txt").write_text(EN_PAGE)
    (drop / "locked" / "002_2222222222222222.txt").write_text(EN_PAGE)
    for k, pack in enumerate((gzip.compress, bz2.compress, lzma.compress), 3):
        (drop / f"00{k}_{k}{k}{k}{k}{k}{k}{k}{k}{k}{k}{k}{k}{k}{k}{k}{k}.txt.gz").write_bytes(
            pack(b"====\n" * 420_000)  # 2 MB in a few KB
        )
    real = os.scandir

    def scandir(path: str = ".") -> object:
        if os.fspath(path) == str(drop / "locked"):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    out, rejects = tmp_path / "out.jsonl", tmp_path / "rejects.jsonl"
    code, _, err = run("parse", str(drop), "-o", str(out), "--rejects", str(rejects), "-j", "1")
    assert code == 1
    assert len(out.read_text(encoding="utf-8").splitlines()) == 1
    got = sorted(json.loads(x)["reason"] for x in rejects.read_text(encoding="utf-8").splitlines())
    assert got == ["archive_limit"] * 3 + ["unreadable"]
    assert "1 records, 4 rejects" in err
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["drop", "out.jsonl", "out.jsonl.manifest.json", "rejects.jsonl"]
