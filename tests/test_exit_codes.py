"""Exit codes mean one thing each, every failure is one line naming the path and the cause,
output targets are checked before any input is read, and bad settings are usage errors."""

from __future__ import annotations

import errno
import io
import json
import os
import stat
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import newsingest.export
from newsingest.cli import cli

from .conftest import write_drop

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(cli, list(args))
    assert not isinstance(result.exception, AssertionError), result.exception
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def drop(tmp_path: Path) -> Path:
    return write_drop(tmp_path / "drop", 3)


@pytest.fixture
def bad_drop(drop: Path) -> Path:
    (drop / "009_0000000000000009.txt").write_bytes(b"")
    return drop


def no_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if the run reads an input (the check must come before any work)."""

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("an input was read before the output target was checked")

    monkeypatch.setattr("newsingest.pipeline.read_sources", refuse)
    monkeypatch.setattr("newsingest.engines.dask.input_files", refuse)


def test_ok_rejects_and_usage(drop: Path, tmp_path: Path) -> None:
    assert run("parse", str(drop), "-j", "1")[0] == 0
    (drop / "009_0000000000000009.txt").write_bytes(b"")
    assert run("parse", str(drop), "-j", "1")[0] == 1
    assert run("parse", str(drop), "--frobnicate")[0] == 2


def test_output_folder_fails_before_reading(
    drop: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    no_reading(monkeypatch)
    code, out, err = run("parse", str(drop), "-o", str(tmp_path))
    assert code == 3 and out == ""
    assert err == f"newsingest: error: {tmp_path}: is a directory; give a file name\n"
    rejects = tmp_path / "r"
    rejects.mkdir()
    code, _, err = run(
        "parse", str(drop), "-o", str(tmp_path / "o.jsonl"), "--rejects", str(rejects)
    )
    assert code == 3 and err == f"newsingest: error: {rejects}: is a directory; give a file name\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["drop", "r"]  # no temp file left


def test_dask_failures_are_one_line_exit_3(
    drop: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "file"
    target.write_text("x")
    code, _, err = run("parse", str(drop), "--engine", "dask", "-o", str(target))
    assert code == 3
    assert err == (
        f"newsingest: error: {target}: is a file; --engine dask writes a folder of shards there\n"
    )
    dask = pytest.importorskip("dask")
    with dask.config.set({"distributed.comm.timeouts.connect": "0.2s"}):
        args = ("parse", str(drop), "--engine", "dask", "-o", str(tmp_path / "out"))
        code, _, err = run(*args, "--scheduler", "tcp://127.0.0.1:1")
    assert code == 3 and "Traceback" not in err and len(err.splitlines()) == 1
    assert err.startswith("newsingest: error: scheduler tcp://127.0.0.1:1: cannot connect (")
    monkeypatch.setitem(sys.modules, "distributed", None)  # the extra is not installed
    code, _, err = run(*args)
    assert code == 3 and "pip install 'newsingest[dask]'" in err


class FullDisk(io.RawIOBase):
    """A file on a disk with `room` bytes left: then ENOSPC, as the kernel says it."""

    def __init__(self, raw: Any, room: int) -> None:
        self.raw, self.room = raw, room

    def writable(self) -> bool:
        return True

    def write(self, b: Any) -> int:
        if len(b) > self.room:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        self.room -= len(b)
        return int(self.raw.write(b))

    def close(self) -> None:
        self.raw.close()
        super().close()


def full_disk(monkeypatch: pytest.MonkeyPatch, folder: Path, room: int = 100) -> None:
    """Every file written in `folder` runs out of space after `room` bytes."""
    real = newsingest.export._text

    def text(raw: Any) -> Any:
        fd = raw.fileno() if not hasattr(raw, "fileobj") else raw.fileobj.fileno()
        if os.readlink(f"/proc/self/fd/{fd}").startswith(str(folder)):
            raw = io.BufferedWriter(FullDisk(raw, room))
        return real(raw)

    monkeypatch.setattr(newsingest.export, "_text", text)


@pytest.mark.skipif(not Path("/proc/self/fd").exists(), reason="needs /proc to find the file")
def test_full_disk_is_one_line_and_leaves_nothing(
    drop: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    full = tmp_path / "full"
    full.mkdir()
    (full / "out.jsonl").write_text("earlier\n")
    full_disk(monkeypatch, full)
    for name in ("out.jsonl", "out.jsonl.gz"):
        code, _, err = run("parse", str(drop), str(drop), str(drop), "-o", str(full / name))
        assert code == 3, err
        assert err == f"newsingest: error: {full / name}: cannot write (No space left on device)\n"
    assert [p.name for p in full.iterdir()] == ["out.jsonl"]
    assert (full / "out.jsonl").read_text() == "earlier\n"


@pytest.mark.skipif(not Path("/proc/self/fd").exists(), reason="needs /proc to find the file")
def test_failed_rejects_file_keeps_the_records(
    bad_drop: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    full = tmp_path / "full"
    full.mkdir()
    full_disk(monkeypatch, full, room=10)
    out = tmp_path / "out.jsonl"
    code, _, err = run("parse", str(bad_drop), "-o", str(out), "--rejects", str(full / "r.jsonl"))
    assert code == 3
    assert len(out.read_text().splitlines()) == 3  # every record is written
    assert err.splitlines()[-1] == (
        f"newsingest: error: {full / 'r.jsonl'}: cannot write (No space left on device);"
        f" the rejects were not saved (the records were written to {out})"
    )
    assert list(full.iterdir()) == []


def test_symlinked_output_is_written_through(drop: Path, tmp_path: Path) -> None:
    real = tmp_path / "real.jsonl"
    real.write_text("old\n")
    link = tmp_path / "link.jsonl"
    link.symlink_to(real)
    code, _, _ = run("parse", str(drop), "-o", str(link), "-j", "1")
    assert code == 0 and link.is_symlink() and os.readlink(link) == str(real)
    assert len(real.read_text().splitlines()) == 3


def test_output_mode_is_kept_and_umask_respected(drop: Path, tmp_path: Path) -> None:
    kept = tmp_path / "kept.jsonl"
    kept.write_text("old\n")
    kept.chmod(0o600)
    new = tmp_path / "new.jsonl"
    old = os.umask(0o027)
    try:
        assert run("parse", str(drop), "-o", str(kept), "-j", "1")[0] == 0
        assert run("parse", str(drop), "-o", str(new), "-j", "1")[0] == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert stat.S_IMODE(new.stat().st_mode) == 0o640
    assert kept.read_text().splitlines()[0] != "old"


def test_fifo_or_device_is_written_not_replaced(drop: Path, tmp_path: Path) -> None:
    """-o /dev/null or a named pipe: written to, never replaced by a regular file (a FIFO
    here, so that the code before the fix, run as root, cannot replace /dev/null)."""
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    # A reader that never blocks: the run's open for writing succeeds at once, the records
    # wait in the pipe's buffer, and a run that replaced the FIFO leaves it empty.
    fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        code, _, _ = run("parse", str(drop), "-o", str(fifo), "-j", "1")
        try:
            got = os.read(fd, 1 << 20)
        except BlockingIOError:
            got = b""
    finally:
        os.close(fd)
    assert code == 0 and stat.S_ISFIFO(fifo.stat().st_mode)
    assert len(got.splitlines()) == 3


def test_stale_temp_files_of_dead_runs_are_swept(drop: Path, tmp_path: Path) -> None:
    import socket

    out = tmp_path / "out"
    out.mkdir()
    host = socket.gethostname()
    dead = out / f".newsingest-{host}-999999999-abc_12"  # no such process
    alive = out / f".newsingest-{host}-{os.getppid()}-xyz"  # a live process: left alone
    other = out / ".newsingest-otherhost-1-xyz"  # another machine's run: left alone
    for p in (dead, alive, other):
        p.write_text("partial")
    assert run("parse", str(drop), "-o", str(out / "o.jsonl"), "-j", "1")[0] == 0
    left = sorted(["o.jsonl", "o.jsonl.manifest.json", alive.name, other.name])
    assert sorted(p.name for p in out.iterdir()) == left


@pytest.mark.parametrize(
    "args, message",
    [
        (["--langs", "english"], "--langs: unknown language 'english'; did you mean 'en'?"),
        (["--langs", "en,hindu"], "--langs: unknown language 'hindu'; did you mean 'hi'?"),
        (["--langs", ","], "--langs: no language given"),
        (["--delimiter", "("], "--delimiter '(': not a valid regular expression"),
        (["--delimiter", "=*"], "--delimiter '=*': matches an empty line"),
    ],
)
def test_bad_settings_are_usage_errors_with_a_suggestion(
    drop: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], message: str
) -> None:
    no_reading(monkeypatch)
    for command in ("parse", "validate"):
        code, out, err = run(command, str(drop), *args)
        assert code == 2 and out == "" and message in err, (command, err)


def test_langs_case_is_normalized(drop: Path) -> None:
    code, out, _ = run("parse", str(drop), "--langs", " EN ,Hi", "-j", "1")
    assert code == 0 and len(out.splitlines()) == 3


def test_delimiter_hint_gives_the_literal(drop: Path) -> None:
    _, _, err = run("parse", str(drop), "--delimiter", "(")
    assert "to match the text literally use '\\\\('" in err


def pyproject(
    folder: Path, monkeypatch: pytest.MonkeyPatch, body: str, ok_drop: Path
) -> tuple[int, str]:
    (folder / "pyproject.toml").write_text(f"[tool.newsingest]\n{body}\n", encoding="utf-8")
    monkeypatch.chdir(folder)
    code, out, err = run("validate", str(ok_drop), "--format", "json", "-j", "1")
    return code, out + err


@pytest.mark.parametrize(
    "body, message",
    [
        ("strictt = true", "unknown key 'strictt'; did you mean 'strict'?"),
        ("min_chars = 3", "unknown key 'min_chars'; did you mean 'min-chars'?"),
        ('strict = "yes"', "strict: expected true or false, got 'yes'"),
        ('min-chars = "300"', "min-chars: expected a number, got '300'"),
        ("min-confidence = 5", "min-confidence: expected a number from 0 to 1, got 5"),
        ("langs = 5", "langs: expected a list of strings or 'a,b', got 5"),
        ('langs = ["english"]', "unknown language 'english'; did you mean 'en'?"),
        ('ignore = ["NIO10"]', "unknown check code(s): NIO10 (did you mean NI010?)"),
        ("strict = [", "cannot read [tool.newsingest]"),
    ],
)
def test_bad_pyproject_settings_are_usage_errors(
    drop: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: str, message: str
) -> None:
    code, text = pyproject(tmp_path, monkeypatch, body, drop)
    assert code == 2 and message in text and "Traceback" not in text, text
    assert str(tmp_path / "pyproject.toml") in text


def test_pyproject_langs_as_a_string_is_a_comma_list(
    drop: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (drop / "003_0000000000000003.txt").write_text(
        "किम और पुतिन ने सैन्य समझौतों पर हस्ताक्षर किए। दोनों नेताओं ने एक समझौते पर भी"
        " हस्ताक्षर किए और कहा कि यह दोस्ती आगे बढ़ेगी और दोनों देश मिलकर काम करेंगे।\n"
    )
    code, text = pyproject(tmp_path, monkeypatch, 'langs = "EN, hi"\nignore = "NI008,NI009"', drop)
    assert code == 0, text
    report = json.loads(text[: text.rindex("}") + 1])
    assert "NI011" not in {f["code"] for f in report["findings"]}, report
    code, text = pyproject(tmp_path, monkeypatch, 'langs = "en"\nignore = "NI008,NI009"', drop)
    assert code == 1
    assert "NI011" in {f["code"] for f in json.loads(text[: text.rindex("}") + 1])["findings"]}


def test_docs_exit_code_table_lists_the_codes_the_cli_uses() -> None:
    from newsingest import cli as cli_module

    from .conftest import ROOT

    # The table moved with the README's reference part to docs/ (generated from --help).
    page = (ROOT / "docs" / "commands" / "parse.md").read_text(encoding="utf-8")
    table = page.split("## Exit codes", 1)[1].split("<!-- gen: exit-codes -->\n", 1)[1]
    table = table.split("<!-- end gen -->", 1)[0]
    codes = [row.split("|")[1].strip() for row in table.splitlines()[2:]]
    assert codes == ["0", "1", "2", "3", "130 / 143"]
    used = [cli_module.EXIT_OK, cli_module.EXIT_REJECTS, cli_module.EXIT_USAGE]
    assert [*used, cli_module.EXIT_FAILED] == [0, 1, 2, 3]


def test_records_and_rejects_to_the_same_place_is_a_usage_error(
    drop: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    no_reading(monkeypatch)
    out = tmp_path / "out.jsonl"
    code, _, err = run("parse", str(drop), "-o", str(out), "--rejects", str(out))
    assert code == 2 and "-o and --rejects are the same file" in err
    code, _, err = run("parse", str(drop), "--rejects", "-")
    assert code == 2 and "both go to stdout" in err


@pytest.mark.skipif(not Path("/proc/self/fd").exists(), reason="needs /proc to find the file")
def test_failed_records_file_replaces_neither_file(
    bad_drop: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    full = tmp_path / "full"
    full.mkdir()
    rejects = tmp_path / "rejects.jsonl"
    rejects.write_text("earlier\n")
    full_disk(monkeypatch, full)
    # Three records fit in the write buffer: the disk is found full when the file is finished.
    code, _, err = run(
        "parse", str(bad_drop), "-j", "1", "-o", str(full / "o.jsonl"), "--rejects", str(rejects)
    )
    assert code == 3 and "No space left on device" in err
    assert rejects.read_text() == "earlier\n" and list(full.iterdir()) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["drop", "full", "rejects.jsonl"]
