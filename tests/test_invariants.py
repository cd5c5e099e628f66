"""Every input is accounted for: records + rejects cover exactly the inputs discovered."""

from __future__ import annotations

import io
import json
import tarfile
import tempfile
import zipfile
from pathlib import Path

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsingest import parse_paths
from newsingest.cli import cli

from .conftest import EN_PAGE

HI_PAGE = (
    "दिल्ली में भारी बारिश से जनजीवन प्रभावित\n\n"
    "राजधानी दिल्ली में मंगलवार सुबह से हो रही भारी बारिश के कारण कई इलाकों में पानी भर गया है और "
    "लोगों को दफ्तर पहुंचने में काफी परेशानी हुई।\n"
)
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "cp1252"]

blob = st.one_of(
    st.binary(max_size=400),
    st.tuples(
        st.sampled_from([EN_PAGE, HI_PAGE, EN_PAGE + "\n=====\n" + HI_PAGE]),
        st.sampled_from(ENCODINGS),
    ).map(lambda te: te[0].encode(te[1], errors="replace")),
    st.just(b""),
)
tree = st.lists(st.tuples(st.sampled_from(["plain", "zip", "tar"]), blob), min_size=1, max_size=8)


def build(root: Path, entries: list[tuple[str, bytes]]) -> set[str]:
    """Write the drop; return the source names every input must be reported under."""
    expected: set[str] = set()
    for k, (kind, data) in enumerate(entries):
        name = f"{k:03d}_{k:016x}.txt"
        if kind == "plain":
            (root / name).write_bytes(data)
            expected.add(str(root / name))
        elif kind == "zip":
            with zipfile.ZipFile(root / f"a{k}.zip", "w") as zf:
                zf.writestr(f"d/{name}", data)
            expected.add(f"{root / f'a{k}.zip'}!d/{name}")
        else:
            with tarfile.open(root / f"t{k}.tar.gz", "w:gz") as tf:
                info = tarfile.TarInfo(f"d/{name}")
                info.size = len(data)
                tf.addfile(info, io.BytesIO(data))
            expected.add(f"{root / f't{k}.tar.gz'}!d/{name}")
    return expected


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tree)
def test_records_plus_rejects_cover_every_input(entries: list[tuple[str, bytes]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        expected = build(root, entries)
        items = list(parse_paths([str(root)]))
        reported = {i.source.rsplit("#", 1)[0] for i in items}
        assert reported == expected
        # A bundle's parts are numbered 1..n, and never mixed with a whole-file record.
        by_input: dict[str, list[str]] = {}
        for i in items:
            by_input.setdefault(i.source.rsplit("#", 1)[0], []).append(i.source)
        for src, sources in by_input.items():
            if len(sources) > 1:
                assert sources == [f"{src}#{k}" for k in range(1, len(sources) + 1)]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tree)
def test_cli_output_lines_are_whole_json(entries: list[tuple[str, bytes]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "drop"
        root.mkdir()
        expected = build(root, entries)
        out, rej = Path(tmp) / "out.jsonl", Path(tmp) / "rejects.jsonl"
        result = CliRunner().invoke(
            cli, ["parse", str(root), "-o", str(out), "--rejects", str(rej), "-j", "1"]
        )
        records = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
        rejects = [json.loads(x) for x in rej.read_text(encoding="utf-8").splitlines()]
        assert {r["source"].rsplit("#", 1)[0] for r in records + rejects} == expected
        assert result.exit_code == (1 if rejects else 0)


def test_mixed_drop_runs_to_the_end(tmp_path: Path) -> None:
    """Every kind of bad input at once: exit 1, all rejects written, every good article kept."""
    drop = tmp_path / "drop"
    (drop / "sub").mkdir(parents=True)
    good = {
        "001_0000000000000001.txt": EN_PAGE.encode("utf-8"),
        "002_0000000000000002.txt": HI_PAGE.encode("utf-16"),
        "003_0000000000000003.txt": EN_PAGE.encode("cp1252"),
        "sub/004_0000000000000004.txt": (EN_PAGE + "\n=====\n" + HI_PAGE).encode(),
    }
    for name, data in good.items():
        (drop / name).write_bytes(data)
    (drop / "010_000000000000000a.txt").write_bytes(b"")
    (drop / "011_000000000000000b.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    (drop / "012_000000000000000c.txt").write_bytes(b"x" * 2000)
    (drop / "013_000000000000000d.txt").write_text("Home\nLeave a Reply\n0Shares\n")
    (drop / "014_000000000000000e.txt").symlink_to(drop / "missing")
    with zipfile.ZipFile(drop / "bundle.zip", "w") as zf:
        zf.writestr("005_0000000000000005.txt", EN_PAGE)
        zf.writestr("../escape.txt", EN_PAGE)
    rej = tmp_path / "rejects.jsonl"
    result = CliRunner().invoke(
        cli, ["parse", str(drop), "--rejects", str(rej), "--max-bytes", "1500", "-j", "2"]
    )
    assert result.exit_code == 1
    records = [json.loads(x) for x in result.stdout.splitlines()]
    rejects = [json.loads(x) for x in rej.read_text().splitlines()]
    reasons = {r["source"].removeprefix(f"{drop}/"): r["reason"] for r in rejects}
    assert reasons == {
        "010_000000000000000a.txt": "empty",
        "011_000000000000000b.txt": "binary",
        "012_000000000000000c.txt": "too_large",
        "013_000000000000000d.txt": "no_text_after_cleaning",
        "014_000000000000000e.txt": "unreadable",
        "bundle.zip!../escape.txt": "unsafe_name",
    }
    ids = [r["id"] for r in records]
    assert ids == [
        "0000000000000001",
        "0000000000000002",
        "0000000000000003",
        "0000000000000005",
        "0000000000000004-1",
        "0000000000000004-2",
    ]
    assert "6 records, 6 rejects" in result.stderr
