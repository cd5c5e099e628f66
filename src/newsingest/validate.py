"""Validate: check a seed drop before it is merged; findings with stable codes, for CI."""

from __future__ import annotations

import gzip
import json
import os
import re
import tomllib
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from enum import StrEnum
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from rich.console import Console
from rich.markup import escape

from .config import IngestConfig
from .dedup import DuplicateIndex, signature
from .errors import NewsIngestError, SettingsError
from .models import Article, CleanResult, Item, Reject, RejectReason, Source
from .pipeline import Analysis, analyse_source, check_config
from .reader import Inputs, Paths, read_sources, scan_inputs

STRICT_NAME = re.compile(r"^(\d{3,})_([0-9a-f]{16})\.txt$")


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


# code -> (severity, short title, what to do). docs/gen.py makes the docs' table from this.
CODES: dict[str, tuple[Severity, str, str]] = {
    "NI001": (
        Severity.ERROR,
        "bad file name",
        "name files NNN_<16 lowercase hex>.txt, e.g. 012_0123456789abcdef.txt",
    ),
    "NI002": (
        Severity.ERROR,
        "repeated sequence number",
        "give every file of the drop its own NNN",
    ),
    "NI003": (Severity.ERROR, "repeated id", "ids must be unique in the drop and the corpus"),
    "NI004": (Severity.WARNING, "not UTF-8", "re-save the file as UTF-8"),
    "NI005": (
        Severity.WARNING,
        "mojibake repaired",
        "the file was UTF-8 read as cp1252 somewhere upstream; fix the scraper's encoding",
    ),
    "NI006": (
        Severity.ERROR,
        "damaged bytes",
        "some bytes could not be decoded (truncated or spliced file); re-fetch the page",
    ),
    "NI007": (
        Severity.ERROR,
        "unusable input",
        "empty, binary, too large or too costly, undecodable, unreadable: remove or replace it",
    ),
    "NI008": (
        Severity.ERROR,
        "too little text",
        "after cleaning almost nothing is left: check it is an article page",
    ),
    "NI009": (Severity.WARNING, "no title", "the page has no headline line"),
    "NI010": (Severity.WARNING, "no date", "the page states no publication date"),
    "NI011": (Severity.ERROR, "language not allowed", "the drop takes only the --langs languages"),
    "NI012": (Severity.WARNING, "uncertain language", "the language tag has low confidence"),
    "NI013": (Severity.ERROR, "exact duplicate", "the same clean text is already in the drop"),
    "NI014": (Severity.WARNING, "near duplicate", "nearly the same text is already in the drop"),
    "NI015": (
        Severity.WARNING,
        "leftover chrome",
        "a kept line repeats across files: likely site chrome; add a rule (--rules)",
    ),
    "NI016": (
        Severity.WARNING,
        "HTML, not text",
        "the scraper saved the page's HTML; it was rendered to text first: save rendered text",
    ),
    "NI017": (
        Severity.ERROR,
        "no articles found",
        "the path holds no file the --glob takes: check the path, the names and --glob",
    ),
    "NI018": (
        Severity.WARNING,
        "files skipped",
        "name articles NNN_<16hex>.txt, or widen --glob, or remove files that are not articles",
    ),
}
# NI018 names at most this many of the skipped files.
SKIPPED_NAMES_MAX = 10

# A kept line of at least CHROME_MIN_WORDS words found in this many articles or more (not
# counting duplicates of each other) looks like site chrome the rules missed.
CHROME_MIN_FILES = 3
CHROME_MIN_WORDS = 3


class Finding(BaseModel):
    """One problem in a drop."""

    model_config = ConfigDict(frozen=True)

    code: str
    severity: Severity
    file: str
    line: int | None = None
    message: str


class ValidationReport(BaseModel):
    """What `newsingest validate --format json` prints."""

    files: int
    articles: int
    errors: int
    warnings: int
    findings: list[Finding]
    skipped: list[str] = Field(
        default_factory=list, description="files under the folders that --glob did not take"
    )


class ValidateOptions(BaseModel):
    """Checks' settings: CLI options over [tool.newsingest] in pyproject.toml over defaults."""

    model_config = ConfigDict(frozen=True)

    langs: tuple[str, ...] | None = None
    min_chars: int = Field(200, description="NI008 below this many clean characters")
    min_confidence: float = Field(0.8, description="NI012 below this language confidence")
    ignore: frozenset[str] = frozenset()
    against: Path | None = None
    strict: bool = False


def load_pyproject(start: Path) -> dict[str, Any]:
    """[tool.newsingest] from the nearest pyproject.toml at or above start, or {}."""
    start = start.resolve()
    for folder in (start, *start.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            try:
                doc = tomllib.loads(candidate.read_text(encoding="utf-8"))
            except (OSError, tomllib.TOMLDecodeError) as e:
                raise NewsIngestError(f"{candidate}: cannot read [tool.newsingest]: {e}") from e
            section = doc.get("tool", {}).get("newsingest", {})
            return section if isinstance(section, dict) else {}
    return {}


def _file_line(first_line: int | None, line: int | None) -> int | None:
    """A line of an article as a line of its file, when both are known."""
    return None if first_line is None or line is None else first_line + line - 1


def _codes(value: str | Iterable[str]) -> set[str]:
    # "NI008,NI009", ["NI008", "NI009"] and ["NI008,NI009"] (repeated --ignore) alike.
    items = [value] if isinstance(value, str) else list(value)
    return {c.strip().upper() for item in items for c in str(item).split(",") if c.strip()}


def load_options(
    start: Path | str | None = None,
    *,
    langs: str | Iterable[str] | None = None,
    min_chars: int | None = None,
    min_confidence: float | None = None,
    against: Path | str | None = None,
    ignore: str | Iterable[str] = (),
    strict: bool | None = None,
) -> ValidateOptions:
    """Validate's settings as the CLI layers them: the arguments given here (None: not given)
    over [tool.newsingest] in the nearest pyproject.toml at or above `start` (default: the
    working directory) over the defaults. `ignore` adds to the file's list; the others
    replace the file's value. Raises SettingsError (the CLI's usage error, exit 2) for an
    unknown key, language or check code (with the closest known one), or a bad value."""
    from .settings import parse_langs, pyproject_settings, suggest_code

    conf = pyproject_settings(Path.cwd() if start is None else Path(start).resolve())
    codes = _codes(ignore) | {c.upper() for c in conf.ignore}
    unknown = sorted(codes - set(CODES))
    if unknown:
        where = f"--ignore or {conf.path} ignore" if conf.path else "--ignore"
        raise SettingsError(
            f"{where}: unknown check code(s): {', '.join(unknown)}{suggest_code(unknown[0], CODES)}"
        )
    given: dict[str, Any] = {
        "min_chars": conf.min_chars if min_chars is None else min_chars,
        "min_confidence": conf.min_confidence if min_confidence is None else min_confidence,
        "strict": conf.strict if strict is None else strict,
    }
    try:
        return ValidateOptions(
            langs=parse_langs(langs) if langs is not None else conf.langs,
            ignore=frozenset(codes),
            against=None if against is None else Path(against),
            **{k: v for k, v in given.items() if v is not None},
        )
    except ValidationError as e:
        problems = "; ".join(
            f"{'.'.join(map(str, err['loc']))}: {err['msg']}" for err in e.errors()
        )
        raise SettingsError(f"validate settings: {problems}") from None


class _Checker:
    def __init__(self, options: ValidateOptions) -> None:
        self.options = options
        self.findings: list[Finding] = []
        self.seqs: dict[int, str] = {}
        self.ids: dict[str, str] = {}
        self.dups = DuplicateIndex(near=True)
        self.kept_lines: dict[str, list[tuple[str, int | None]]] = {}
        self.files = 0
        self.articles = 0

    def add(self, code: str, file: str, message: str, line: int | None = None) -> None:
        if code in self.options.ignore:
            return
        severity, title, hint = CODES[code]
        self.findings.append(
            Finding(
                code=code,
                severity=severity,
                file=file,
                line=line,
                message=f"{title}: {message}; {hint}",
            )
        )

    def against(self, corpus: Path) -> None:
        opener = gzip.open if corpus.suffix == ".gz" else open
        try:
            with opener(corpus, "rt", encoding="utf-8") as fh:
                for n, raw in enumerate(fh, 1):
                    if not raw.strip():
                        continue
                    rec = json.loads(raw)
                    self.ids.setdefault(rec["id"], f"{corpus}:{n}")
                    self.dups.check_and_add(f"{corpus}:{n}", rec["sha256"], rec["text"])
        except (OSError, ValueError, KeyError) as e:
            raise NewsIngestError(f"{corpus}: not a newsingest JSONL corpus ({e})") from e

    def name(self, src: Source) -> None:
        base = src.source.rsplit("!", 1)[-1].rsplit("/", 1)[-1]
        m = STRICT_NAME.match(base[:-3] if base.endswith(".gz") else base)
        if m is None:
            self.add("NI001", src.source, f"{base!r} does not follow NNN_<16hex>.txt")
            return
        seq = int(m.group(1))
        if seq in self.seqs:
            self.add("NI002", src.source, f"NNN {seq:03d} is also used by {self.seqs[seq]}")
        else:
            self.seqs[seq] = src.source

    def reject(self, r: Reject) -> None:
        if r.reason in (RejectReason.NO_TEXT_AFTER_CLEANING, RejectReason.TOO_SHORT):
            self.add("NI008", r.source, r.detail)
        elif r.reason is RejectReason.LANGUAGE:
            self.add("NI011", r.source, r.detail)
        else:
            self.add("NI007", r.source, f"{r.reason.value} ({r.detail})")

    def article(
        self,
        a: Article,
        cleaned: CleanResult | None,
        first_line: int | None,
        sig: array[int] | None = None,
    ) -> None:
        self.articles += 1
        o = self.options
        if a.id in self.ids:
            self.add("NI003", a.source, f"id {a.id} is also used by {self.ids[a.id]}")
        else:
            self.ids[a.id] = a.source
        if not a.encoding.startswith("utf-8"):
            self.add("NI004", a.source, f"decoded as {a.encoding}")
        if a.encoding.endswith("+html"):
            self.add("NI016", a.source, "HTML markup was rendered to text before cleaning")
        if a.repaired:
            self.add("NI005", a.source, "double-encoded text was repaired")
        if a.replaced:
            damaged = None
            if cleaned is not None:
                damaged = next((d.line for d in cleaned.decisions if "\ufffd" in d.text), None)
            line = _file_line(first_line, damaged)
            self.add("NI006", a.source, f"{a.replaced} bytes replaced by U+FFFD", line)
        if a.chars < o.min_chars:
            self.add("NI008", a.source, f"{a.chars} characters < {o.min_chars}")
        if a.title is None:
            self.add("NI009", a.source, "no title found")
        if a.published is None:
            self.add("NI010", a.source, "no publication date found")
        if o.langs is not None and a.language not in o.langs:
            self.add("NI011", a.source, f"language {a.language} not in {','.join(o.langs)}")
        elif a.language_confidence < o.min_confidence:
            self.add(
                "NI012",
                a.source,
                f"{a.language} at confidence {a.language_confidence:.2f} < {o.min_confidence}",
            )
        match = self.dups.check_and_add(a.source, a.sha256, a.text, sig)
        if match is not None:
            code = "NI013" if match.kind == "exact" else "NI014"
            self.add(
                code,
                a.source,
                f"{match.kind} duplicate of {match.of} (similarity {match.similarity:.2f})",
            )
        elif cleaned is not None:  # a duplicate's lines say nothing about chrome
            for d in cleaned.decisions:
                if d.keep and len(d.text.split()) >= CHROME_MIN_WORDS:
                    line = _file_line(first_line, d.line)
                    self.kept_lines.setdefault(d.text, []).append((a.source, line))

    def skipped(self, names: Sequence[str], glob: str) -> None:
        if not names:
            return
        shown = ", ".join(os.path.basename(n) for n in names[:SKIPPED_NAMES_MAX])
        more = (
            f" and {len(names) - SKIPPED_NAMES_MAX} more" if len(names) > SKIPPED_NAMES_MAX else ""
        )
        message = f"{len(names)} file(s) not matching --glob {glob!r} were not read: {shown}{more}"
        self.add("NI018", names[0], message)

    def chrome(self) -> None:
        for text, places in self.kept_lines.items():
            files = {f for f, _ in places}
            if len(files) >= CHROME_MIN_FILES:
                for f, line in places:
                    self.add("NI015", f, f"{text[:60]!r} is kept in {len(files)} files", line)


Checked = tuple[Analysis, "array[int] | None"]


def _analyse(src: Source, config: IngestConfig) -> list[Checked]:
    """A unit's analyses, each article with its MinHash signature: the near-duplicate check's
    costly half, done here so that it runs in the workers."""
    return [
        (a, signature(a.item.text) if isinstance(a.item, Article) else None)
        for a in analyse_source(src, config)
    ]


def _units(
    paths: Paths | Inputs, config: IngestConfig, jobs: int
) -> Iterator[tuple[Source | Reject, list[Checked]]]:
    """Each input unit with its analyses, in input order, on `jobs` processes."""
    if jobs > 1:
        from .engines.local import map_sources

        yield from map_sources(read_sources(paths, config), config, jobs, _analyse)
        return
    for src in read_sources(paths, config):
        yield src, [] if isinstance(src, Reject) else _analyse(src, config)


def validate_paths(
    paths: Paths | Inputs,
    config: IngestConfig | None = None,
    options: ValidateOptions | None = None,
    jobs: int = 1,
    on_item: Callable[[Item], None] | None = None,
) -> ValidationReport:
    """Run every check over a drop (one path, or several); the findings come in input order,
    then NI015. The findings are the same for any `jobs`; on_item sees every article and
    reject (progress). `options` defaults to ValidateOptions(); load_options() gives the
    CLI's layering of arguments over pyproject.toml over defaults."""
    config = config or IngestConfig()
    options = options or ValidateOptions()
    # Validation reports on every language and length: the checks, not the filters, decide.
    config = config.model_copy(update={"langs": None, "min_chars": None, "dedup": "off"})
    check_config(config)
    c = _Checker(options)
    if options.against is not None:
        c.against(options.against)
    inputs = paths if isinstance(paths, Inputs) else scan_inputs(paths, config)
    for path in inputs.empty:
        c.add("NI017", path, f"no file matching --glob {config.glob!r} under {path}")
    c.skipped(inputs.skipped, config.glob)
    for src, analyses in _units(inputs, config, jobs):
        c.files += 1
        if isinstance(src, Reject):
            c.reject(src)
            if on_item is not None:
                on_item(src)
            continue
        c.name(src)
        for a, sig in analyses:
            if isinstance(a.item, Reject):
                c.reject(a.item)
            else:
                c.article(a.item, a.cleaned, a.first_line, sig)
            if on_item is not None:
                on_item(a.item)
    c.chrome()
    errors = sum(1 for f in c.findings if f.severity is Severity.ERROR)
    return ValidationReport(
        files=c.files,
        articles=c.articles,
        errors=errors,
        warnings=len(c.findings) - errors,
        findings=c.findings,
        skipped=list(inputs.skipped),
    )


def _gh_escape(value: str, prop: bool = False) -> str:
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return value.replace(":", "%3A").replace(",", "%2C") if prop else value


def github_annotations(report: ValidationReport) -> Iterable[str]:
    """GitHub Actions workflow commands: ::error file=…,line=…,title=…::message."""
    for f in report.findings:
        props = f"file={_gh_escape(_repo_path(f.file), True)}"
        if f.line is not None:
            props += f",line={f.line}"
        props += f",title={f.code}"
        # The annotation points at the file; which article of it (bundle part #k, archive
        # member !name) the message says.
        path = _repo_path(f.file)
        where = f"{f.file}: " if f.file != path and ("#" in f.file or "!" in f.file) else ""
        yield f"::{f.severity.value} {props}::{_gh_escape(where + f.message)}"


def _repo_path(source: str) -> str:
    # Annotations point at the file in the repository: the archive itself, not a member.
    path = source.split("!", 1)[0].split("#", 1)[0]
    return os.path.relpath(path) if os.path.isabs(path) else path


def render_report(report: ValidationReport, console: Console) -> None:
    """Findings grouped by file, then one summary line."""
    by_file: dict[str, list[Finding]] = {}
    for f in report.findings:
        by_file.setdefault(f.file, []).append(f)
    for file, findings in by_file.items():
        console.print(f"[bold]{escape(file)}[/]")
        for f in findings:
            color = "red" if f.severity.value == "error" else "yellow"
            where = f":{f.line}" if f.line is not None else ""
            console.print(f"  [{color}]{f.code}[/]{where} {escape(f.message)}")
    console.print(
        f"{report.files} files, {report.articles} articles: "
        f"{report.errors} errors, {report.warnings} warnings"
    )
