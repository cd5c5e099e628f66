"""Fault injection on the real CLI in a subprocess: signals, a closed pipe, a full disk.

Each run asserts the exit code, that no stray file is left, and that nothing is lost: an
earlier output stays as it was until a run finishes, and a rerun gives every record."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import write_drop

CLI = [sys.executable, "-m", "newsingest"]


def wait_for_temp(folder: Path, proc: subprocess.Popen[bytes], timeout: float = 20) -> None:
    """Until the run has opened its temp file (it then blocks on stdin, which stays open)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if any(p.name.startswith(".newsingest-") for p in folder.iterdir()):
            time.sleep(0.3)  # the drop's files are read; the run waits for stdin
            return
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.05)
    raise AssertionError("the run never opened its temp file")


def test_signals_leave_no_stray_file_and_lose_nothing(tmp_path: Path) -> None:
    drop = write_drop(tmp_path / "drop", 6)
    runs = {}
    for name in ("SIGINT", "SIGTERM", "SIGKILL"):
        out = tmp_path / name
        out.mkdir()
        (out / "out.jsonl").write_text("earlier run\n")
        # '-' keeps the run waiting for stdin after the drop: the signal lands mid-run, with
        # records in the temp file and (-j 2) worker processes alive.
        proc = subprocess.Popen(
            [*CLI, "parse", str(drop), "-", "-o", str(out / "out.jsonl"), "-j", "2"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,  # its own process group, as a terminal's Ctrl-C sees it
        )
        runs[name] = (proc, out)
    for name, (proc, out) in runs.items():
        wait_for_temp(out, proc)
        os.killpg(proc.pid, getattr(signal, name))
    for name, (proc, out) in runs.items():
        _, err = proc.communicate(timeout=30)
        stderr = err.decode()
        assert (out / "out.jsonl").read_text() == "earlier run\n", name
        if name == "SIGKILL":
            assert proc.returncode == -signal.SIGKILL
            continue  # nothing can run on SIGKILL: its temp file is swept by the next run
        assert proc.returncode == 128 + getattr(signal, name), (name, stderr)
        assert f"interrupted ({name})" in stderr
        assert "Traceback" not in stderr and "KeyboardInterrupt" not in stderr, stderr
        assert [p.name for p in out.iterdir()] == ["out.jsonl"], name
    out = runs["SIGKILL"][1]
    assert len([p for p in out.iterdir() if p.name.startswith(".newsingest-")]) == 1
    rerun = subprocess.run(
        [*CLI, "parse", str(drop), "-o", str(out / "out.jsonl"), "-j", "1"],
        capture_output=True,
        text=True,
    )
    assert rerun.returncode == 0, rerun.stderr
    # The killed run's temp file swept; the finished run's manifest beside its output.
    assert sorted(p.name for p in out.iterdir()) == ["out.jsonl", "out.jsonl.manifest.json"]
    assert len((out / "out.jsonl").read_text().splitlines()) == 6


def _tmpfs_works() -> bool:
    if shutil.which("unshare") is None or sys.platform != "linux":
        return False
    probe = subprocess.run(
        ["unshare", "-rm", "sh", "-c", "mount -t tmpfs -o size=16k tmpfs /mnt"],
        capture_output=True,
    )
    return probe.returncode == 0


@pytest.mark.skipif(not _tmpfs_works(), reason="needs unshare and a user namespace for tmpfs")
def test_real_full_disk_is_one_line_exit_3_and_keeps_records(tmp_path: Path) -> None:
    """A 16 KB tmpfs: first the records do not fit, then only the rejects file is on it."""
    drop = write_drop(tmp_path / "drop", 12)
    (drop / "100_0000000000000100.txt").write_bytes(b"")
    (drop / "101_0000000000000101.txt").write_bytes(b"%PDF-1.4")
    small = tmp_path / "small"
    small.mkdir()
    full = small / "out.jsonl"
    script = (
        f"mount -t tmpfs -o size=16k tmpfs {small} && "
        f"{sys.executable} -m newsingest parse {drop} {drop} {drop} {drop} -j 1 -q -o {full};"
        f" echo rc=$?; ls -A {small}; "
        # Records fit elsewhere; the rejects file fills the tmpfs (held by a big file first).
        f"head -c 14000 /dev/zero > {small}/filler; "
        f"{sys.executable} -m newsingest parse {drop} {drop} {drop} {drop} -j 1 -q "
        f"-o {tmp_path}/records.jsonl --rejects {small}/rejects.jsonl; echo rc=$?; ls -A {small}"
    )
    proc = subprocess.run(["unshare", "-rm", "sh", "-c", script], capture_output=True, text=True)
    first, second = proc.stdout.split("rc=")[1:]
    assert first.split()[0] == "3" and first.split()[1:] == [], proc.stdout  # no stray file
    err = proc.stderr.splitlines()
    assert err[0] == f"newsingest: error: {full}: cannot write (No space left on device)"
    assert len(err) == 3 and "Traceback" not in proc.stderr, proc.stderr
    assert second.split()[0] == "3" and second.split()[1:] == ["filler"], proc.stdout
    assert err[1] == "newsingest: 48 records, 8 rejects (binary 4, empty 4)"
    assert err[2] == (
        f"newsingest: error: {small}/rejects.jsonl: cannot write (No space left on device);"
        f" the rejects were not saved (the records were written to {tmp_path}/records.jsonl)"
    )
    records = (tmp_path / "records.jsonl").read_text().splitlines()
    assert len(records) == 48
