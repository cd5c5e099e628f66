"""The reader: discovery order, ids, limits, archives and odd paths, each with its reason."""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import os
import tarfile
import zipfile
from pathlib import Path

import pytest

from newsingest.config import IngestConfig
from newsingest.errors import InputNotFoundError
from newsingest.models import Reject, RejectReason, Source
from newsingest.reader import MAX_DEPTH, ids_for, read_sources, scan_inputs

CFG = IngestConfig()


def items(*paths: str, config: IngestConfig = CFG) -> list[Source | Reject]:
    return list(read_sources(list(paths), config))


def test_ids_from_names() -> None:
    assert ids_for("x/012_00ff00ff00ff00ff.txt", "012_00ff00ff00ff00ff.txt") == (
        "00ff00ff00ff00ff",
        12,
    )
    ident, seq = ids_for("x/notes.txt", "notes.txt")
    assert seq is None and len(ident) == 16 and ident == ids_for("x/notes.txt", "notes.txt")[0]
    assert ids_for("y/notes.txt", "notes.txt")[0] != ident
    # Upper-case hex is not the naming scheme: the id is derived instead.
    assert ids_for("a/001_00FF00FF00FF00FF.txt", "001_00FF00FF00FF00FF.txt")[1] is None


def test_directory_walk_is_sorted_and_globbed(tmp_path: Path) -> None:
    for rel in ["b/2.txt", "a/1.txt", "a/z.md", "c.txt", "a/sub/0.txt"]:
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(rel)
    got = [s.source for s in items(str(tmp_path))]
    rel = [os.path.relpath(g, tmp_path) for g in got]
    assert rel == ["a/1.txt", "a/sub/0.txt", "b/2.txt", "c.txt"]
    md = items(str(tmp_path), config=CFG.model_copy(update={"glob": "*.md"}))
    assert [os.path.basename(s.source) for s in md] == ["z.md"]


def test_source_keeps_the_path_as_given(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "001_0123456789abcdef.txt").write_text("x")
    monkeypatch.chdir(tmp_path)
    (src,) = items("d/")
    assert isinstance(src, Source)
    assert (src.source, src.id, src.seq) == ("d/001_0123456789abcdef.txt", "0123456789abcdef", 1)


def test_missing_path_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(InputNotFoundError, match="no such file"):
        items(str(tmp_path / "nope"))


def test_too_large_is_rejected_without_reading(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    with open(big, "wb") as fh:
        fh.truncate(50_000)  # sparse: size without content
    (r,) = items(str(big), config=CFG.model_copy(update={"max_bytes": 1000}))
    assert isinstance(r, Reject) and r.reason is RejectReason.TOO_LARGE and r.bytes == 50_000


def test_special_files(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.txt")
    os.symlink(tmp_path / "missing", tmp_path / "broken.txt")
    os.symlink(tmp_path / "loop.txt", tmp_path / "loop.txt")
    (tmp_path / "ok.txt").write_text("fine")
    got = {os.path.basename(i.source): i for i in items(str(tmp_path))}
    assert isinstance(got["ok.txt"], Source)
    reasons = {k: v.reason for k, v in got.items() if isinstance(v, Reject)}
    assert reasons == {
        "pipe.txt": RejectReason.NOT_A_FILE,
        "broken.txt": RejectReason.UNREADABLE,
        "loop.txt": RejectReason.UNREADABLE,
    }


def test_gzip_file(tmp_path: Path) -> None:
    p = tmp_path / "005_aaaaaaaaaaaaaaaa.txt.gz"
    p.write_bytes(gzip.compress(b"hello"))
    (src,) = items(str(tmp_path))
    assert isinstance(src, Source) and src.data == b"hello" and src.id == "aaaaaaaaaaaaaaaa"


def _zip(path: Path, members: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)


def test_zip_members_read_in_place(tmp_path: Path) -> None:
    z = tmp_path / "drop.zip"
    _zip(
        z,
        {
            "d/001_1111111111111111.txt": b"one",
            "d/readme.md": b"x",
            "../evil.txt": b"e",
            "d/002_2222222222222222.txt": b"two",
        },
    )
    got = items(str(z))
    assert [(i.source, type(i).__name__) for i in got] == [
        (f"{z}!d/001_1111111111111111.txt", "Source"),
        (f"{z}!../evil.txt", "Reject"),
        (f"{z}!d/002_2222222222222222.txt", "Source"),
    ]
    assert isinstance(got[1], Reject) and got[1].reason is RejectReason.UNSAFE_NAME
    assert not (tmp_path.parent / "evil.txt").exists()


def test_zip_bomb_ratio_is_refused(tmp_path: Path) -> None:
    z = tmp_path / "bomb.zip"
    _zip(z, {"a.txt": b"\0" * 5_000_000})
    (r,) = items(str(z))
    assert isinstance(r, Reject) and r.reason is RejectReason.ARCHIVE_LIMIT


def test_tar_members(tmp_path: Path) -> None:
    t = tmp_path / "drop.tar.gz"
    with tarfile.open(t, "w:gz") as tf:
        for name, data in [("x/001_1111111111111111.txt", b"one"), ("x/2.txt", b"two")]:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
        link = tarfile.TarInfo("x/link.txt")
        link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
        tf.addfile(link)
    got = items(str(tmp_path))
    assert [i.source.split("!")[1] for i in got] == [
        "x/001_1111111111111111.txt",
        "x/2.txt",
        "x/link.txt",
    ]
    assert isinstance(got[2], Reject) and got[2].reason is RejectReason.NOT_A_FILE


def test_broken_archive_is_a_reject(tmp_path: Path) -> None:
    z = tmp_path / "bad.zip"
    z.write_bytes(b"PK\x03\x04 this is not really a zip")
    (r,) = items(str(z))
    assert isinstance(r, Reject) and r.reason is RejectReason.UNREADABLE


def _tar(members: dict[str, bytes], mode: str = "w") -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode=mode) as tf:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    return out.getvalue()


def _zip_bytes(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return out.getvalue()


def test_compression_is_known_by_content_not_name(tmp_path: Path) -> None:
    text = b"An article that was compressed without being renamed."
    (tmp_path / "001_1111111111111111.txt").write_bytes(gzip.compress(text))
    (tmp_path / "002_2222222222222222.txt").write_bytes(bz2.compress(text))
    (tmp_path / "003_3333333333333333.txt.xz").write_bytes(lzma.compress(text))
    (tmp_path / "004_4444444444444444.txt.gz").write_bytes(gzip.compress(gzip.compress(text)))
    got = items(str(tmp_path))
    assert [(type(i).__name__, i.id) for i in got] == [
        ("Source", "1111111111111111"),
        ("Source", "2222222222222222"),
        ("Source", "3333333333333333"),
        ("Source", "4444444444444444"),
    ]
    assert all(isinstance(i, Source) and i.data == text for i in got)


def test_tar_xz_and_bz2_archives(tmp_path: Path) -> None:
    for suffix, mode in [(".tar.xz", "w:xz"), (".tbz2", "w:bz2")]:
        (tmp_path / f"drop{suffix}").write_bytes(_tar({"a/1.txt": suffix.encode()}, mode))
    got = items(str(tmp_path))
    assert [(os.path.relpath(i.source, tmp_path), i.data) for i in got] == [
        ("drop.tar.xz!a/1.txt", b".tar.xz"),
        ("drop.tbz2!a/1.txt", b".tbz2"),
    ]


def test_nested_archives_and_compressed_members(tmp_path: Path) -> None:
    inner = _zip_bytes({"in/001_1111111111111111.txt": b"deep", "in/skip.md": b"no"})
    outer = _tar(
        {
            "x/inner.zip": inner,
            "x/002_2222222222222222.txt.gz": gzip.compress(b"packed member"),
            "x/003_3333333333333333.txt": _tar({"y/4.txt": b"tar named txt"}),
        },
        "w:gz",
    )
    (tmp_path / "drop.tar.gz").write_bytes(outer)
    got = [(i.source.split("/", 3)[-1], i.data) for i in items(str(tmp_path / "drop.tar.gz"))]
    assert [(s.split("drop.tar.gz")[1], d) for s, d in got] == [
        ("!x/inner.zip!in/001_1111111111111111.txt", b"deep"),
        ("!x/002_2222222222222222.txt.gz", b"packed member"),
        ("!x/003_3333333333333333.txt!y/4.txt", b"tar named txt"),
    ]


def test_nesting_is_bounded(tmp_path: Path) -> None:
    data = b"the core"
    for _ in range(MAX_DEPTH + 1):
        data = gzip.compress(data)
    (tmp_path / "001_1111111111111111.txt").write_bytes(data)
    (r,) = items(str(tmp_path))
    assert isinstance(r, Reject) and r.reason is RejectReason.ARCHIVE_LIMIT
    assert f"more than {MAX_DEPTH} deep" in r.detail


def test_broken_compressed_member_is_a_reject(tmp_path: Path) -> None:
    z = tmp_path / "drop.zip"
    _zip(z, {"a.txt.gz": gzip.compress(b"x" * 1000)[:20], "b.txt": b"fine"})
    got = items(str(z))
    assert [type(i).__name__ for i in got] == ["Reject", "Source"]
    assert isinstance(got[0], Reject) and got[0].reason is RejectReason.BINARY


def test_unreadable_folder_is_a_reject_with_the_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Root reads every folder, so the error a non-root user would get is injected where the
    # walk lists the folder.
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "1.txt").write_text("one")
    locked = tmp_path / "b"
    locked.mkdir()
    (locked / "2.txt").write_text("two")
    real = os.scandir

    def scandir(path: str = ".") -> object:
        if os.fspath(path) == str(locked):
            raise PermissionError(13, "Permission denied", str(locked))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    got = items(str(tmp_path))
    assert [type(x).__name__ for x in got] == ["Source", "Reject"]
    bad = got[1]
    assert isinstance(bad, Reject) and bad.source == str(locked)
    assert bad.reason is RejectReason.UNREADABLE and "Permission denied" in bad.detail
    (root,) = items(str(locked))  # the path given is itself unreadable
    assert isinstance(root, Reject) and root.reason is RejectReason.UNREADABLE


@pytest.mark.skipif(os.geteuid() == 0, reason="root can list any folder")
def test_unreadable_folder_for_a_real_user(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "1.txt").write_text("one")
    locked.chmod(0)
    try:
        (bad,) = items(str(tmp_path))
    finally:
        locked.chmod(0o755)
    assert isinstance(bad, Reject) and bad.reason is RejectReason.UNREADABLE


def test_symlinked_folders_are_followed_once(tmp_path: Path) -> None:
    drop = tmp_path / "drop"
    (drop / "a").mkdir(parents=True)
    (drop / "a" / "1.txt").write_text("one")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "2.txt").write_text("two")
    os.symlink(outside, drop / "ext")  # a folder kept elsewhere: read
    os.symlink(outside, drop / "ext2")  # a second name for it: said, not read twice
    os.symlink(drop, drop / "a" / "loop")  # a loop: said, not followed
    got = items(str(drop))
    rel = [(os.path.relpath(x.source, drop), type(x).__name__) for x in got]
    assert rel == [
        ("a/1.txt", "Source"),
        ("a/loop", "Reject"),
        ("ext/2.txt", "Source"),
        ("ext2", "Reject"),
    ]
    for x in got:
        if isinstance(x, Reject):
            assert x.reason is RejectReason.NOT_A_FILE and "not read twice" in x.detail


def test_scan_counts_what_the_glob_skipped_and_empty_paths(tmp_path: Path) -> None:
    drop = tmp_path / "drop"
    drop.mkdir()
    for name in ("001_0123456789abcdef.TXT", "b.text", "c.html", "d.txt"):
        (drop / name).write_text("x")
    empty = tmp_path / "empty"
    empty.mkdir()
    inputs = scan_inputs([str(drop), str(empty)], CFG)
    assert [os.path.basename(e) for e in inputs.entries] == ["d.txt"]
    assert [os.path.basename(e) for e in inputs.skipped] == [
        "001_0123456789abcdef.TXT",
        "b.text",
        "c.html",
    ]
    assert inputs.empty == (str(empty),)
    warnings = inputs.warnings(CFG.glob)
    assert len(warnings) == 2 and "3 file(s)" in warnings[1] and "c.html" in warnings[1]


def test_own_outputs_and_temp_files_are_never_inputs(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("one")
    (tmp_path / ".newsingest-k2j3h4").write_text("a writer's temp file")
    (tmp_path / "out.jsonl").write_text("{}")
    config = CFG.model_copy(
        update={"glob": "*", "exclude": frozenset({os.path.realpath(tmp_path / "out.jsonl")})}
    )
    assert [os.path.basename(s.source) for s in items(str(tmp_path), config=config)] == ["a.txt"]


def test_stdin_articles_get_ids_from_their_content(monkeypatch: pytest.MonkeyPatch) -> None:
    def from_stdin(data: bytes) -> Source:
        monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(data)))
        (src,) = items("-")
        assert isinstance(src, Source) and src.source == "-"
        return src

    a, b, again = from_stdin(b"one article"), from_stdin(b"another"), from_stdin(b"one article")
    assert a.id != b.id and a.id == again.id and len(a.id) == 16


BOMBS = {"gzip": gzip.compress, "bzip2": bz2.compress, "xz": lzma.compress}
SUFFIX = {"gzip": ".gz", "bzip2": ".bz2", "xz": ".xz"}


@pytest.mark.parametrize("kind", sorted(BOMBS))
def test_compression_bomb_is_stopped_early(tmp_path: Path, kind: str) -> None:
    # 2 MB of delimiter lines in a few KB: far past the ratio limit (200) once 1 MB has
    # come out, and read no further than that.
    bomb = tmp_path / f"001_0123456789abcdef.txt{SUFFIX[kind]}"
    bomb.write_bytes(BOMBS[kind](b"====\n" * 420_000))
    assert bomb.stat().st_size < 20_000
    config = CFG.model_copy(update={"max_bytes": 100_000})
    (bad,) = items(str(bomb), config=config)
    assert isinstance(bad, Reject) and bad.reason is RejectReason.ARCHIVE_LIMIT
    assert "ratio" in bad.detail
    # The same bomb inside a zip, where the reader inflates it in memory (up to --max-bytes).
    z = tmp_path / "drop.zip"
    _zip(z, {bomb.name: bomb.read_bytes()})
    (inner,) = items(str(z))
    assert isinstance(inner, Reject) and inner.reason is RejectReason.ARCHIVE_LIMIT


@pytest.mark.parametrize("kind", sorted(BOMBS))
def test_bundle_bomb_keeps_the_parts_before_the_limit(tmp_path: Path, kind: str) -> None:
    part = b"word " * 1000 + b"\n=====\n"
    bomb = tmp_path / f"bundle.txt{SUFFIX[kind]}"
    bomb.write_bytes(BOMBS[kind](part * 300))  # 1.5 MB out of a few KB
    config = CFG.model_copy(update={"max_bytes": 20_000})
    *sources, last = items(str(bomb), config=config)
    # The parts read before the limit stay; the reject says from which part on none were.
    assert [s.part for s in sources if isinstance(s, Source)] == list(range(1, len(sources) + 1))
    assert sources and sum(len(s.data) for s in sources if isinstance(s, Source)) < 1 << 20
    assert isinstance(last, Reject) and last.reason is RejectReason.ARCHIVE_LIMIT
    assert last.source == f"{bomb}#{len(sources) + 1}" and "ratio" in last.detail


def test_bundle_with_more_parts_than_members_allowed_stops(tmp_path: Path) -> None:
    big = tmp_path / "bundle.txt"
    big.write_bytes(b"".join(b"article %d\n=====\n" % k for k in range(50)))
    config = CFG.model_copy(update={"max_bytes": 100, "max_members": 10})
    *sources, last = items(str(big), config=config)
    assert [s.part for s in sources if isinstance(s, Source)] == list(range(1, 11))
    assert isinstance(last, Reject) and last.reason is RejectReason.ARCHIVE_LIMIT
    assert last.source == f"{big}#11"
