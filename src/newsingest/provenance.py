"""Provenance: what shaped the records (versions, packaged rules and model data, options), for
`--version` and the manifest written beside every output file."""

from __future__ import annotations

import hashlib
import json
import platform
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from . import __version__
from .config import IngestConfig
from .errors import NewsIngestError, OutputError
from .export import atomic_write_text

DATA_DIR = Path(__file__).resolve().parent / "data"

# The libraries whose versions change records: chardet picks legacy code pages, langdetect
# tags what the function-word tests cannot, pydantic writes the JSON, numpy computes the
# cleaner model's scores.
SHAPING_PACKAGES = ("chardet", "langdetect", "pydantic", "numpy")

MANIFEST_SUFFIX = ".manifest.json"


def _installed(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "not installed"


def data_files(folder: Path = DATA_DIR) -> list[str]:
    """The files under a data folder, recursively, relative to it, sorted."""
    return sorted(
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    )


def folder_hash(folder: Path) -> str:
    """sha256 over every file under folder, in sorted order of their relative paths. Each
    file's path and length go in before its bytes, so moving bytes between files changes it."""
    h = hashlib.sha256()
    for name in data_files(folder):
        data = (folder / name).read_bytes()
        h.update(f"{name}\0{len(data)}\0".encode())
        h.update(data)
    return h.hexdigest()


@cache
def data_hash() -> str:
    """The hash of the packaged data folder: rules, language data and any model file added
    there later, with no list to keep up to date."""
    return folder_hash(DATA_DIR)


class Versions(BaseModel):
    """Everything installed that shapes a record."""

    newsingest: str
    python: str
    packages: dict[str, str]
    data_sha256: str


def versions() -> Versions:
    return Versions(
        newsingest=__version__,
        python=platform.python_version(),
        packages={name: _installed(name) for name in SHAPING_PACKAGES},
        data_sha256=data_hash(),
    )


def version_text() -> str:
    """What `newsingest --version` prints: the tool, then what else shapes its records."""
    v = versions()
    lines = [f"newsingest, version {v.newsingest}", f"python {v.python}"]
    lines += [f"{name} {ver}" for name, ver in v.packages.items()]
    lines.append(
        f"data sha256 {v.data_sha256} ({len(data_files())} files: rules, language data, model)"
    )
    return "\n".join(lines)


def file_sha256(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def shaping_options(config: IngestConfig) -> dict[str, Any]:
    """The run's settings that change which records come out and what they hold. A user's
    rules file is named and hashed, since its contents, not its name, shape the records."""
    opts = config.model_dump(mode="json", exclude={"repeated_lines"})
    if config.rules_file is not None:
        try:
            opts["rules_sha256"] = file_sha256(config.rules_file)
        except OSError as e:
            raise NewsIngestError(f"{config.rules_file}: cannot hash the rules file: {e}") from e
    return opts


class OutputInfo(BaseModel):
    """One file the run wrote, with its size in items and its sha256."""

    path: str
    format: str
    items: int
    sha256: str


class RunManifest(BaseModel):
    """<output>.manifest.json: what made the output, from what, with which settings."""

    tool: str = "newsingest"
    versions: Versions
    inputs: list[str]
    options: dict[str, Any]
    records: int
    rejects: int
    by_reason: dict[str, int]
    outputs: list[OutputInfo]


def manifest_path(output: str | Path) -> Path:
    return Path(f"{output}{MANIFEST_SUFFIX}")


def write_manifest(
    output: str | Path,
    output_format: str,
    inputs: list[str],
    config: IngestConfig,
    records: int,
    rejects: int,
    by_reason: dict[str, int],
    rejects_path: str | Path | None = None,
) -> Path:
    """Write the sidecar manifest of a finished output file, atomically, and return its path.
    It holds no time or host, so the same run gives the same manifest."""
    outputs = [OutputInfo(path=str(output), format=output_format, items=records, sha256="")]
    if rejects_path is not None:
        outputs.append(OutputInfo(path=str(rejects_path), format="jsonl", items=rejects, sha256=""))
    outputs = [o.model_copy(update={"sha256": file_sha256(o.path)}) for o in outputs]
    manifest = RunManifest(
        versions=versions(),
        inputs=inputs,
        options=shaping_options(config),
        records=records,
        rejects=rejects,
        by_reason=dict(sorted(by_reason.items())),
        outputs=outputs,
    )
    target = manifest_path(output)
    text = json.dumps(manifest.model_dump(mode="json"), ensure_ascii=False, indent=1) + "\n"
    try:
        # The same temp-file names as the outputs': a run killed here leaves one the next
        # run sweeps.
        atomic_write_text(str(target), text)
    except OSError as e:
        raise OutputError(f"{target}: cannot write the manifest ({e.strerror or e})") from None
    return target
