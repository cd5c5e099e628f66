"""Command line: a thin click layer over the library. Records to stdout, the rest to stderr."""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.table import Table

from .clean.catalog import Decision, Setting, decisions, settings
from .config import DEFAULT_DELIMITER, IngestConfig
from .errors import InputNotFoundError, NewsIngestError, OutputError, RulesError, SettingsError
from .explain import Explanation, explain_paths, render
from .export import (
    FORMATS,
    JsonlWriter,
    RecordFile,
    Summary,
    records_format,
    start_records,
    to_json,
)
from .models import REJECT_REASON_HELP, Article, Reject
from .parquet import require_pyarrow
from .pipeline import parse_paths
from .progress import Progress, progress_mode
from .provenance import manifest_path, version_text, write_manifest
from .reader import Inputs, input_files, scan_inputs
from .settings import check_delimiter, parse_langs
from .stats import corpus_stats, render_stats
from .validate import (
    github_annotations,
    load_options,
    render_report,
    validate_paths,
)

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")
_Listed = TypeVar("_Listed", Decision, Setting)
# One meaning each (docs/cli.md "Exit codes"); a signal gives 128 + its number (130, 143).
EXIT_OK, EXIT_REJECTS, EXIT_USAGE, EXIT_FAILED = 0, 1, 2, 3


def input_options(f: F) -> F:
    """Options shared by every command that reads a drop."""
    for option in reversed(
        [
            click.option(
                "--glob",
                default="*.txt",
                show_default=True,
                help="File pattern when recursing into directories and archives.",
            ),
            click.option(
                "--max-bytes",
                type=click.IntRange(min=1),
                default=10_000_000,
                show_default=True,
                help="Reject larger files (too_large) without reading; a bigger bundle is "
                "streamed and each of its articles must fit.",
            ),
            click.option(
                "--delimiter",
                default=DEFAULT_DELIMITER,
                show_default=True,
                help="Regex a whole line matches to split a bundle of articles.",
            ),
            click.option(
                "--no-split", is_flag=True, help="Never split files into several articles."
            ),
            click.option(
                "--doc-timeout",
                type=click.FloatRange(min=0),
                default=30.0,
                show_default=True,
                help="CPU seconds one document may take; over it, or with a line over 200,000 "
                "characters, it is a timeout reject and the run goes on (0: no time limit).",
            ),
            click.option(
                "--rules",
                "rules_file",
                type=click.Path(dir_okay=False, path_type=Path),
                help="Extra cleaning rules (TOML) layered over the defaults.",
            ),
            click.option(
                "--cleaner",
                type=click.Choice(["model", "rules", "off"]),
                default="model",
                show_default=True,
                help="model: learned line decisions over the rules' hits; rules: the "
                "rule-and-region engine of 0.1; off: keep every line, as --no-clean.",
            ),
            click.option(
                "--no-clean",
                is_flag=True,
                help="Drop no line: normalize, tag and export text that is already clean.",
            ),
        ]
    ):
        f = option(f)
    return f


PROGRESS_OPTION = click.option(
    "--progress/--no-progress",
    default=None,
    help="Progress on stderr: a live line on a terminal; with --progress, plain lines every "
    "10 s elsewhere (CI logs). Default: live on a terminal only.",
)


def jobs_option(what: str) -> Callable[[F], F]:
    """-j/--jobs, whose result (`what`) is the same for any value."""
    return click.option(
        "-j",
        "--jobs",
        type=click.IntRange(min=1),
        default=os.cpu_count() or 1,
        show_default="all cores",
        help=f"Worker processes; the {what} is the same for any value.",
    )


def config_from_options(**opts: Any) -> IngestConfig:
    """The one place where CLI options become an IngestConfig; a setting that cannot work is
    a SettingsError (usage error) here, before any input is read."""
    langs = opts.get("langs")
    if not opts.get("no_split"):
        check_delimiter(opts["delimiter"])
    return IngestConfig(
        glob=opts["glob"],
        max_bytes=opts["max_bytes"],
        delimiter=None if opts.get("no_split") else opts["delimiter"],
        langs=parse_langs(langs) if langs is not None else None,
        min_chars=opts.get("min_chars"),
        rules_file=opts.get("rules_file"),
        cleaner="off" if opts.get("no_clean") else opts.get("cleaner") or "model",
        drop_wide=bool(opts.get("drop_wide")),
        dedup=opts.get("dedup") or "off",
        dedup_action=opts.get("dedup_action") or "mark",
        doc_timeout=opts.get("doc_timeout", 30.0) or None,
    )


class RunFailed(click.ClickException):
    """The run could not finish: nothing, or not everything, was written (exit 3)."""

    exit_code = EXIT_FAILED

    def show(self, file: Any = None) -> None:
        click.echo(f"newsingest: error: {self.format_message()}", err=True)


class Interrupted(KeyboardInterrupt):
    """SIGTERM, raised where the run is so it unwinds like Ctrl-C (temp files removed)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _raise_interrupted(signum: int, frame: object) -> None:
    raise Interrupted(signum)


def _quiet_stdout() -> None:
    # Point stdout at devnull so the interpreter's final flush cannot fail again.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


@contextmanager
def library_errors() -> Iterator[None]:
    """Map what can end a run to one line on stderr and its exit code: bad paths, rules or
    settings are usage errors (2); an output that cannot be written, a missing extra or an
    unreachable scheduler fail the run (3); Ctrl-C is 130 and SIGTERM 143, after the temp
    files are gone; a closed stdout (| head) ends the run quietly with 0."""
    previous = None
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGTERM, _raise_interrupted)
    try:
        yield
    except (InputNotFoundError, RulesError, SettingsError) as e:
        raise click.UsageError(f"{e}") from None
    except NewsIngestError as e:
        raise RunFailed(str(e)) from None
    except KeyboardInterrupt as e:
        signum = e.signum if isinstance(e, Interrupted) else signal.SIGINT
        name = signal.Signals(signum).name
        click.echo(f"newsingest: interrupted ({name})", err=True)
        sys.exit(128 + signum)
    except BrokenPipeError:
        _quiet_stdout()
        sys.exit(EXIT_OK)
    except OSError as e:
        where = e.filename or "stdout"
        raise RunFailed(f"{where}: {e.strerror or e}") from None
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _print_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        click.echo(version_text())
        ctx.exit()


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_print_version,
    help="Show the versions of newsingest and of what shapes its records "
    "(python, chardet, langdetect, pydantic, numpy, the packaged rules, data and model) and exit.",
)
def cli() -> None:
    """Turn drops of scraped news articles into a clean, language-tagged JSONL corpus.

    Records go to stdout (or -o); progress, warnings and the summary go to stderr.
    """


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@click.option(
    "-o",
    "--output",
    default="-",
    show_default=True,
    help="Records file; .gz is gzipped, .parquet is Parquet; written atomically, with "
    "FILE.manifest.json beside it (versions, options, counts); '-' is stdout.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    help="Records format [default: parquet when -o ends in .parquet, else jsonl]. parquet "
    "needs the parquet extra and a file; with --engine dask, shards are part-NNNNN.parquet.",
)
@click.option("--rejects", "rejects_path", help="Write rejects (source, reason, detail) as JSONL.")
@input_options
@click.option("--langs", help="Comma-separated languages to keep, e.g. en,hi; others are rejects.")
@click.option(
    "--min-chars",
    type=click.IntRange(min=1),
    help="Reject articles whose clean text is shorter (too_short).",
)
@click.option(
    "--drop-wide",
    is_flag=True,
    help="Also drop short lines that repeat in 3+ articles of this run (site menus, footers). "
    "Reads the inputs twice; a record then depends on the other files of the run.",
)
@click.option(
    "--dedup",
    type=click.Choice(["off", "exact", "near"]),
    default="off",
    show_default=True,
    help="Find articles repeating an earlier one (same text, or MinHash Jaccard >= 0.8).",
)
@click.option(
    "--dedup-action",
    type=click.Choice(["mark", "drop"]),
    default="mark",
    show_default=True,
    help="mark: keep with duplicate_of set; drop: reject as duplicate.",
)
@jobs_option("output")
@click.option(
    "--engine",
    type=click.Choice(["local", "dask"]),
    default="local",
    show_default=True,
    help="dask: run on a Dask cluster and write sharded output to "
    "the directory -o (part-NNNNN.jsonl.gz + _manifest.json); resumable.",
)
@click.option(
    "--scheduler",
    help="Dask scheduler address (tcp://host:port); default: start a "
    "LocalCluster of --jobs worker processes.",
)
@click.option(
    "--partitions",
    type=click.IntRange(min=1),
    help="Dask: number of shards [default: 4 per worker].",
)
@click.option("-q", "--quiet", is_flag=True, help="No per-reject warnings; keep the summary line.")
@PROGRESS_OPTION
def parse(
    paths: tuple[str, ...],
    output: str,
    rejects_path: str | None,
    jobs: int,
    quiet: bool,
    progress: bool | None,
    engine: str,
    scheduler: str | None,
    partitions: int | None,
    fmt: str | None,
    **opts: Any,
) -> None:
    """Parse PATHS (files, directories, archives, '-' for stdin) into JSONL (or Parquet) records.

    \b
    Exit codes: 0 every input became a record; 1 some inputs were rejected
    (the records are still written; stderr says which and why); 2 usage error;
    3 the run failed (an output could not be written, the Dask or Parquet extra
    missing, no scheduler): not everything was written; 130/143 interrupted by
    SIGINT/SIGTERM.
    """
    err = Console(stderr=True, highlight=False, soft_wrap=True)
    with library_errors():
        config = config_from_options(**opts)
        fmt = records_format(output, fmt)
        if fmt == "parquet" and engine != "dask" and output in ("-", ""):
            raise click.UsageError("--format parquet writes a file: give -o FILE.parquet")
        if fmt == "parquet":
            require_pyarrow()  # a missing extra fails the run (3) before any input is read
        # This run's own files are never its inputs (--glob '*' with -o inside the input folder).
        own = {os.path.realpath(p) for p in (output, rejects_path) if p and p != "-"}
        if output not in ("-", ""):
            own.add(os.path.realpath(manifest_path(output)))
        config = config.model_copy(update={"exclude": frozenset(own)})
        if engine == "dask":
            _parse_dask(paths, config, output, rejects_path, scheduler, partitions, jobs, fmt, err)
        code = _parse_local(paths, config, output, fmt, rejects_path, jobs, quiet, progress, err)
    sys.exit(code)


def _scan_and_warn(
    paths: tuple[str, ...], config: IngestConfig, quiet: bool, err: Console
) -> Inputs:
    """The inputs the paths stand for; warnings for paths that yield nothing and for files
    the glob skipped (with -q, only the first kind: it is always worth a line)."""
    inputs = scan_inputs(paths, config)
    warnings = inputs.warnings(config.glob)
    if quiet:
        warnings = warnings[: len(inputs.empty)]
    for warning in warnings:
        err.print(f"newsingest: warning: {warning}", markup=False)
    return inputs


def _parse_dask(
    paths: tuple[str, ...],
    config: IngestConfig,
    output: str,
    rejects_path: str | None,
    scheduler: str | None,
    partitions: int | None,
    jobs: int,
    fmt: str,
    err: Console,
) -> None:
    if output in ("-", ""):
        raise click.UsageError("--engine dask writes shards: give a directory with -o")
    if rejects_path:
        raise click.UsageError("--engine dask writes rejects as shards in -o; drop --rejects")
    from .engines.dask import run_dask

    _scan_and_warn(paths, config, False, err)
    manifest = run_dask(paths, config, Path(output), scheduler, partitions, jobs, fmt)
    reasons: dict[str, int] = {}
    for shard in manifest.shards:
        for k, v in shard.by_reason.items():
            reasons[k] = reasons.get(k, 0) + v
    detail = ", ".join(f"{k} {v}" for k, v in sorted(reasons.items()))
    err.print(
        f"newsingest: {manifest.records} records, {manifest.rejects} rejects"
        f"{f' ({detail})' if detail else ''} in {manifest.partitions} shards "
        f"({len(manifest.computed)} computed now) -> {output}",
        markup=False,
    )
    sys.exit(EXIT_REJECTS if manifest.rejects else EXIT_OK)


def _parse_local(
    paths: tuple[str, ...],
    config: IngestConfig,
    output: str,
    fmt: str,
    rejects_path: str | None,
    jobs: int,
    quiet: bool,
    progress: bool | None,
    err: Console,
) -> int:
    """Write records and rejects; the exit code. Both targets are opened (checked) before
    any input is read. A rejects file that fails (a full disk) costs only itself: the run
    goes on, the records file is still written, and the exit code is 3 with a line saying so.
    A records file that fails ends the run: no file is replaced. A records file gets its
    manifest (FILE.manifest.json) once it and the rejects file are in place."""
    same = rejects_path and (
        rejects_path == output or os.path.realpath(rejects_path) == os.path.realpath(output)
    )
    if same and output not in ("-", ""):
        raise click.UsageError(f"-o and --rejects are the same file ({output}): give two names")
    if rejects_path in ("-", "") and output in ("-", ""):
        raise click.UsageError("-o and --rejects both go to stdout: give --rejects a file name")
    records: RecordFile = start_records(output, fmt)
    rejects: JsonlWriter | None = None
    rejects_error: OutputError | None = None
    try:
        rejects = JsonlWriter(rejects_path).open() if rejects_path else None
        inputs = _scan_and_warn(paths, config, quiet, err)
        mode = progress_mode(progress, err.is_terminal)
        listing = list(inputs.entries) if mode == "lines" else None
        summary = Summary()
        with (
            _closing(parse_paths(inputs, config, jobs=jobs)) as items,
            Progress(err, mode, listing) as shown,
        ):
            for item in items:
                summary.add(item)
                shown.item(item)
                if not isinstance(item, Reject):
                    records.write(item)
                    continue
                if rejects is not None:
                    try:
                        rejects.write(item)
                    except OutputError as e:
                        rejects.discard()
                        rejects, rejects_error = None, e
                if not quiet:
                    err.print(
                        f"newsingest: rejected {item.source}: {item.reason.value} ({item.detail})",
                        markup=False,
                    )
        records.commit()  # first: when it fails, neither file is replaced
    except BaseException:
        records.discard()
        if rejects is not None:
            rejects.discard()
        raise
    if rejects is not None:
        try:
            rejects.commit()
        except OutputError as e:
            rejects_error = e
    if output not in ("-", "") and os.path.isfile(output):  # not /dev/null or a FIFO
        saved = rejects_path and os.path.isfile(rejects_path) and rejects_error is None
        saved_rejects = rejects_path if saved else None
        write_manifest(
            output,
            "jsonl.gz" if fmt == "jsonl" and output.endswith(".gz") else fmt,
            list(paths),
            config,
            summary.records,
            summary.rejects,
            summary.by_reason,
            saved_rejects,
        )
    err.print(f"newsingest: {summary.line()}", markup=False)
    if rejects_error is not None:
        where = "stdout" if output in ("-", "") else output
        err.print(
            f"newsingest: error: {rejects_error}; the rejects were not saved "
            f"(the records were written to {where})",
            markup=False,
        )
        return EXIT_FAILED
    return EXIT_REJECTS if summary.rejects else EXIT_OK


@contextmanager
def _closing(items: Iterator[T]) -> Iterator[Iterator[T]]:
    """Close a generator on the way out, so an interrupted run stops its worker pool now,
    not when the generator is collected."""
    try:
        yield items
    finally:
        close = getattr(items, "close", None)
        if close is not None:
            close()


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@input_options
@click.option("--json", "as_json", is_flag=True, help="One JSON object per article instead.")
@click.option("--width", type=int, default=100, show_default=True, help="Text column width.")
def explain(paths: tuple[str, ...], as_json: bool, width: int, **opts: Any) -> None:
    """Show every line of the input(s) with keep/drop and the rule that decided.

    Also shows the title and published-date picks. Blank lines are not listed.
    """
    out = Console(highlight=False, width=max(width + 100, 80))
    with library_errors():
        config = config_from_options(**opts)
        results = explain_paths(paths, config)
        for r in results:
            if isinstance(r, Explanation) and not as_json:
                render(r, out, width)
            else:
                click.echo(to_json(r))
    sys.exit(EXIT_REJECTS if any(isinstance(r, Reject) for r in results) else EXIT_OK)


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@input_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "github"]),
    default="text",
    show_default=True,
    help="text: grouped by file; json: one report; github: workflow annotations for pull requests.",
)
@click.option("--langs", help="Allowed languages, e.g. en,hi (NI011 for others).")
@click.option("--min-chars", type=click.IntRange(min=0), help="NI008 below this [default: 200].")
@click.option(
    "--min-confidence",
    type=click.FloatRange(0, 1),
    help="NI012 below this language confidence [default: 0.8].",
)
@click.option(
    "--against",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Existing corpus (.jsonl or .jsonl.gz): ids and texts must not repeat it.",
)
@click.option(
    "--ignore",
    "ignore_codes",
    multiple=True,
    help="Switch a check off by code (NI005); repeatable or comma-separated.",
)
@click.option("--strict", is_flag=True, default=None, help="Warnings fail the run too.")
@jobs_option("report")
@PROGRESS_OPTION
def validate(
    paths: tuple[str, ...],
    fmt: str,
    langs: str | None,
    min_chars: int | None,
    min_confidence: float | None,
    against: Path | None,
    ignore_codes: tuple[str, ...],
    strict: bool | None,
    jobs: int,
    progress: bool | None,
    **opts: Any,
) -> None:
    """Check a seed drop (files, directories, archives) before it is merged.

    Settings may also come from [tool.newsingest] in pyproject.toml (ignore, langs,
    min-chars, min-confidence, strict); options given here win. The checks are listed
    by code in docs/validate-ci.md.

    \b
    Exit codes: 0 no errors; 1 errors found (or warnings, with --strict); 2 usage error
    (a bad option or [tool.newsingest] setting); 3 the run failed; 130/143 interrupted.
    """
    err = Console(stderr=True, highlight=False, soft_wrap=True)
    with library_errors():
        config = config_from_options(**opts)
        options = load_options(
            Path.cwd(),
            langs=langs,
            min_chars=min_chars,
            min_confidence=min_confidence,
            against=against,
            ignore=ignore_codes,
            strict=strict,
        )
        mode = progress_mode(progress, err.is_terminal)
        listing = input_files(paths, config) if mode == "lines" else None
        with Progress(err, mode, listing, verb="validating") as shown:
            report = validate_paths(paths, config, options, jobs=jobs, on_item=shown.item)
        if fmt == "json":
            click.echo(report.model_dump_json(indent=2))
        elif fmt == "github":
            for line in github_annotations(report):
                click.echo(line)
        else:
            render_report(report, Console(highlight=False, soft_wrap=True))
    failed = report.errors or (options.strict and report.warnings)
    sys.exit(EXIT_REJECTS if failed else EXIT_OK)


@cli.command()
@click.argument("records", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--rejects",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The rejects file of the same run, to count rejects by reason.",
)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def stats(records: Path, rejects: Path | None, as_json: bool) -> None:
    """Summarize a records file (.jsonl or .jsonl.gz): languages, sizes, rules, rejects."""
    with library_errors():
        s = corpus_stats(records, rejects)
        if as_json:
            click.echo(s.model_dump_json(indent=2))
            return
        render_stats(s, Console(highlight=False))


@cli.command()
@click.option("--reject", is_flag=True, help="The reject record's schema instead.")
def schema(reject: bool) -> None:
    """Print the JSON Schema of a record (or of a reject)."""
    model = Reject if reject else Article
    click.echo(json.dumps(model.model_json_schema(), ensure_ascii=False, indent=2))


@cli.command(name="rules")
@click.option(
    "--rules",
    "rules_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Also show this rules file (TOML), layered over the defaults as parse would.",
)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per name instead.")
@click.option(
    "--settings",
    "show_settings",
    is_flag=True,
    help="List the thresholds and word lists the cleaner decides with instead, by their names "
    "in the rule files.",
)
def rules_command(rules_file: Path | None, as_json: bool, show_settings: bool) -> None:
    """List every name a line's decision can carry (explain, records' removed): the chrome
    rules with their group, kind, why and example, then the cleaner's own steps.

    DECIDES says whether a rule's drop is hard (whatever the line model says) or only a
    feature of the model, with the training lines it matched and how many were gold body."""
    if show_settings:
        with library_errors():
            found = settings(rules_file)
        _print_listing(found, as_json, ("name", "kind", "value"), _setting_row)
        return
    with library_errors():
        names = decisions(rules_file)
    _print_listing(
        names, as_json, ("id", "group", "kind", "decides", "why / example"), _decision_row
    )


def _decision_row(d: Decision) -> tuple[str, ...]:
    text = d.why if d.example is None else f"{d.why}\n  e.g. {d.example}"
    decides = d.decides or ""
    if d.measured:
        decides += f"\n{d.measured['body']}/{d.measured['lines']} body"
    return d.id, d.group or d.source, d.kind or "", decides, text


def _setting_row(s: Setting) -> tuple[str, ...]:
    value = s.value
    if isinstance(value, dict):
        shown = f"{len(value)}: " + ", ".join(f"{k}={v}" for k, v in value.items())
    elif isinstance(value, list):
        shown = f"{len(value)}: " + ", ".join(value)
    else:
        shown = str(value)
    return s.name, s.kind, shown


def _print_listing(
    items: Sequence[_Listed],
    as_json: bool,
    columns: Sequence[str],
    row: Callable[[_Listed], tuple[str, ...]],
) -> None:
    """What `rules` lists: one JSON object per item, or a table."""
    if as_json:
        for item in items:
            click.echo(item.model_dump_json())
        return
    table = Table(box=None, show_header=True, header_style="bold")
    for column in columns:
        table.add_column(column, overflow="fold")
    for item in items:
        table.add_row(*row(item))
    Console(highlight=False).print(table)


@cli.command()
def reasons() -> None:
    """List reject reason codes and what each means."""
    for reason, text in REJECT_REASON_HELP.items():
        click.echo(f"{reason.value:<24} {text}")


def main() -> None:
    """Console entry point; a closed stdout (| head) ends the run quietly. The commands map
    their own errors (library_errors); this catches what happens outside them (--help | head)."""
    try:
        cli.main(prog_name="newsingest", standalone_mode=True)
    except BrokenPipeError:
        _quiet_stdout()
        sys.exit(EXIT_OK)
