"""The docs stay true: generated parts are current, and the examples marked `<!-- test -->`
run (shell blocks against copies of seeds/ and samples/, Python blocks of the API page)."""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from .conftest import ROOT

DOCS = ROOT / "docs"
PAGES = [ROOT / "README.md", *sorted(DOCS.rglob("*.md"))]
# A marked block: `<!-- test -->` (or `<!-- test after: COMMAND -->`, run COMMAND first) on the
# line right before the opening fence.
BLOCK = re.compile(
    r"^<!-- test(?: after: (?P<setup>.+?))? -->\n```(?P<lang>\w+)\n(?P<code>.*?)^```$", re.M | re.S
)


@dataclass(frozen=True)
class Example:
    page: Path
    line: int
    lang: str
    code: str
    setup: str | None

    @property
    def name(self) -> str:
        return f"{self.page.relative_to(ROOT)}:{self.line}"


def examples(lang: str) -> list[Example]:
    out = []
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        for m in BLOCK.finditer(text):
            if m.group("lang") == lang:
                line = text.count("\n", 0, m.start()) + 2
                out.append(Example(page, line, lang, m.group("code"), m.group("setup")))
    return out


def load_gen() -> object:
    spec = importlib.util.spec_from_file_location("docs_gen", DOCS / "gen.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_generated_parts_are_current() -> None:
    gen = load_gen()
    stale = gen.stale()  # type: ignore[attr-defined]
    names = [str(p.relative_to(ROOT)) for p in stale]
    assert names == [], f"out of date: {names}; run python docs/gen.py"
    markers = sum(page.read_text(encoding="utf-8").count("<!-- gen: ") for page in PAGES)
    assert markers >= 15  # the help of every command, the tables, the schemas, the workflow


def test_every_command_has_its_page_and_generated_help() -> None:
    from newsingest.cli import cli

    for name in cli.commands:
        page = (DOCS / "commands" / f"{name}.md").read_text(encoding="utf-8")
        assert f"<!-- gen: help {name} -->" in page


def test_the_examples_are_found() -> None:
    assert len(examples("sh")) >= 10 and len(examples("python")) >= 5
    readme = [e for e in examples("sh") if e.page.name == "README.md"]
    assert len(readme) == 1


def workspace(tmp_path: Path) -> Path:
    for folder in ("seeds", "samples"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    return tmp_path


SHIM = """#!{python} -S
import json, os, socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect({address!r})
message = json.dumps({{"argv": sys.argv[1:], "cwd": os.getcwd()}}).encode()
socket.send_fds(s, [message], [0, 1, 2])
sys.exit(int(s.recv(16) or b"70"))
"""


class CliForkServer:
    """Runs `newsingest` for the examples' shells without a new interpreter each time: the
    `newsingest` on their PATH is a shim that hands its argv, working directory and standard
    streams to this process, which forks, and the child runs the console entry point
    (newsingest.cli.main) on them. The CLI is imported once instead of ~30 times; the code
    that runs is the same. Single-threaded: it forks only from the main thread."""

    def __init__(self, folder: Path) -> None:
        import socket

        from newsingest import cli as cli_module
        from newsingest import parse_paths
        from newsingest.provenance import versions

        self.cli = cli_module
        # Load the rules, the language profiles and the lazy imports once, here, so that every
        # child starts warm (the per-process memos only save time: tests/test_fast_paths.py).
        list(parse_paths(ROOT / "samples" / "bundle.txt", jobs=2))
        versions()
        self.address = str(folder / "cli.sock")
        self.sock = socket.socket(socket.AF_UNIX)
        self.sock.bind(self.address)
        self.sock.listen(64)
        self.sock.setblocking(False)
        self.bin = folder / "bin"
        self.bin.mkdir()
        shim = self.bin / "newsingest"
        shim.write_text(SHIM.format(python=sys.executable, address=self.address))
        shim.chmod(0o755)
        self.children: dict[int, object] = {}

    def serve_once(self, timeout: float) -> None:
        import json
        import select
        import socket

        ready, _, _ = select.select([self.sock], [], [], timeout)
        if ready:
            conn, _ = self.sock.accept()
            conn.setblocking(True)
            data, fds, _, _ = socket.recv_fds(conn, 1 << 16, 3)
            request = json.loads(data)
            pid = os.fork()
            if pid == 0:  # the child: become `newsingest ARGV` in the shell's folder
                code = 70
                try:
                    for fd, target in zip(fds, (0, 1, 2), strict=True):
                        os.dup2(fd, target)
                    os.chdir(request["cwd"])
                    sys.stdin = open(0, encoding="utf-8", closefd=False)  # noqa: SIM115
                    sys.stdout = open(1, "w", encoding="utf-8", closefd=False)  # noqa: SIM115
                    sys.stderr = open(2, "w", encoding="utf-8", closefd=False)  # noqa: SIM115
                    sys.argv = ["newsingest", *request["argv"]]
                    try:
                        self.cli.main()  # type: ignore[attr-defined]
                        code = 0
                    except SystemExit as e:
                        code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
                    sys.stdout.flush()
                    sys.stderr.flush()
                finally:
                    os._exit(code)
            for fd in fds:
                os.close(fd)
            self.children[pid] = conn
        for child in list(self.children):
            pid, status = os.waitpid(child, os.WNOHANG)  # never -1: that would reap the shells
            if pid == 0:
                continue
            conn = self.children.pop(pid)
            conn.sendall(str(os.waitstatus_to_exitcode(status)).encode())  # type: ignore[attr-defined]
            conn.close()  # type: ignore[attr-defined]

    def close(self) -> None:
        self.sock.close()


def test_shell_examples_run(tmp_path: Path) -> None:
    """Every marked sh block exits 0, and no line it prints is a bare null (a jq recipe that
    selects a field the seeds do not have). Blocks using jq must print something. The blocks
    run at the same time, each in its own folder, to keep the suite fast."""
    chosen = examples("sh")
    if shutil.which("jq") is None:  # run what can run; say what could not
        chosen = [ex for ex in chosen if "jq " not in ex.code]
    server = CliForkServer(tmp_path)
    env = {**os.environ, "PATH": str(server.bin) + os.pathsep + os.environ.get("PATH", "")}
    running = []
    try:
        for k, ex in enumerate(chosen):
            cwd = workspace(tmp_path / f"ex{k}")
            script = f"set -euo pipefail\n{ex.setup or ''}\n{ex.code}"
            # Files, not pipes: nobody reads a pipe while the loop below serves the CLI.
            out_file, err_file = tmp_path / f"ex{k}.out", tmp_path / f"ex{k}.err"
            with open(out_file, "wb") as out, open(err_file, "wb") as err:
                proc = subprocess.Popen(
                    ["bash", "-c", script], cwd=cwd, env=env, stdout=out, stderr=err
                )
            running.append((ex, proc, (out_file, err_file)))
        deadline = time.monotonic() + 120
        while any(proc.poll() is None for _, proc, _ in running) or server.children:
            assert time.monotonic() < deadline, "the examples did not finish in 120 s"
            server.serve_once(0.02)
    finally:
        server.close()
    failures = []
    for ex, proc, (out_file, err_file) in running:
        out = out_file.read_text(encoding="utf-8", errors="replace")
        err = err_file.read_text(encoding="utf-8", errors="replace")
        if proc.returncode != 0:
            failures.append(f"{ex.name}: exit {proc.returncode}\n{err[-2000:]}")
        elif any(line.strip() == "null" for line in out.splitlines()):
            failures.append(f"{ex.name}: prints null\n{out[-2000:]}")
        elif "jq" in ex.code and not out.strip():
            failures.append(f"{ex.name}: prints nothing")
    assert failures == [], "\n\n".join(failures)
    if len(chosen) < len(examples("sh")):
        pytest.skip(f"jq is not installed: {len(examples('sh')) - len(chosen)} examples not run")


def test_python_examples_run_in_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("pyarrow")
    monkeypatch.chdir(workspace(tmp_path))
    namespace: dict[str, object] = {"__name__": "docs_example"}
    for ex in examples("python"):
        code = compile(ex.code, ex.name, "exec")
        exec(code, namespace)
