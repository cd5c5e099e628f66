"""Command line: a thin click layer over the library. Records to stdout, the rest to stderr."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.table import Table

from .clean.catalog import decisions
from .config import DEFAULT_DELIMITER, IngestConfig
from .errors import InputNotFoundError, NewsIngestError, RulesError
from .explain import Explanation, explain_paths, render
from .export import (
    FORMATS,
    JsonlWriter,
    Summary,
    open_records,
    records_format,
    to_json,
    write_items,
)
from .models import REJECT_REASON_HELP, Article, Reject
from .parquet import ParquetUnavailableError, require_pyarrow
from .pipeline import parse_paths
from .provenance import version_text, write_manifest
from .stats import corpus_stats, render_stats
from .validate import (
    SettingsError,
    github_annotations,
    load_options,
    render_report,
    validate_paths,
)

F = TypeVar("F", bound=Callable[..., Any])
EXIT_OK, EXIT_REJECTS, EXIT_USAGE = 0, 1, 2


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
                "--rules",
                "rules_file",
                type=click.Path(dir_okay=False, path_type=Path),
                help="Extra cleaning rules (TOML) layered over the defaults.",
            ),
        ]
    ):
        f = option(f)
    return f


def config_from_options(**opts: Any) -> IngestConfig:
    """The one place where CLI options become an IngestConfig."""
    langs = opts.get("langs")
    return IngestConfig(
        glob=opts["glob"],
        max_bytes=opts["max_bytes"],
        delimiter=None if opts.get("no_split") else opts["delimiter"],
        langs=tuple(sorted({x.strip() for x in langs.split(",") if x.strip()})) if langs else None,
        min_chars=opts.get("min_chars"),
        rules_file=opts.get("rules_file"),
        drop_wide=bool(opts.get("drop_wide")),
        dedup=opts.get("dedup") or "off",
        dedup_action=opts.get("dedup_action") or "mark",
    )


@contextmanager
def library_errors() -> Iterator[None]:
    """Map library exceptions to click's: bad input paths or rules are usage errors (exit 2)."""
    try:
        yield
    except (InputNotFoundError, RulesError) as e:
        raise click.UsageError(f"{e}") from e
    except NewsIngestError as e:
        raise click.ClickException(str(e)) from e


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
    "(python, chardet, langdetect, pydantic, the packaged rules and data) and exit.",
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
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=os.cpu_count() or 1,
    show_default="all cores",
    help="Worker processes; output is the same for any value.",
)
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
@click.option(
    "--progress/--no-progress",
    default=None,
    help="Progress bar on stderr (default: when stderr is a terminal).",
)
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
    (the records are still written; stderr says which and why); 2 usage error.
    """
    config = config_from_options(**opts)
    err = Console(stderr=True, highlight=False, soft_wrap=True)
    fmt = records_format(output, fmt)
    if fmt == "parquet":
        if output in ("-", ""):
            raise click.UsageError("--format parquet writes a file: give -o FILE.parquet")
        try:
            require_pyarrow()
        except ParquetUnavailableError as e:
            raise click.UsageError(str(e)) from e
    if engine == "dask":
        if output in ("-", ""):
            raise click.UsageError("--engine dask writes shards: give a directory with -o")
        with library_errors():
            from .engines.dask import run_dask

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
    summary = Summary()
    with (
        library_errors(),
        open_records(output, fmt) as records,
        JsonlWriter(rejects_path) if rejects_path else _null() as rejects,
    ):
        items = parse_paths(paths, config, jobs=jobs)
        show = err.is_terminal if progress is None else progress
        with err.status("parsing…", spinner="dots") if show else _null() as status:
            for item in items:
                summary.add(item)
                write_items(item, records, rejects)
                if isinstance(item, Reject) and not quiet:
                    err.print(
                        f"newsingest: rejected {item.source}: {item.reason.value} ({item.detail})",
                        markup=False,
                    )
                if status is not None and (summary.records + summary.rejects) % 50 == 0:
                    status.update(f"parsing… {summary.records} records, {summary.rejects} rejects")
    if output not in ("-", ""):
        with library_errors():
            write_manifest(
                output,
                "jsonl.gz" if fmt == "jsonl" and output.endswith(".gz") else fmt,
                list(paths),
                config,
                summary.records,
                summary.rejects,
                summary.by_reason,
                rejects_path if rejects_path not in (None, "-") else None,
            )
    err.print(f"newsingest: {summary.line()}", markup=False)
    sys.exit(EXIT_REJECTS if summary.rejects else EXIT_OK)


@contextmanager
def _null() -> Iterator[Any]:
    yield None


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@input_options
@click.option("--json", "as_json", is_flag=True, help="One JSON object per article instead.")
@click.option("--width", type=int, default=100, show_default=True, help="Text column width.")
def explain(paths: tuple[str, ...], as_json: bool, width: int, **opts: Any) -> None:
    """Show every line of the input(s) with keep/drop and the rule that decided.

    Also shows the title and published-date picks. Blank lines are not listed.
    """
    config = config_from_options(**opts)
    out = Console(highlight=False, width=max(width + 40, 80))
    with library_errors():
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
def validate(
    paths: tuple[str, ...],
    fmt: str,
    langs: str | None,
    min_chars: int | None,
    min_confidence: float | None,
    against: Path | None,
    ignore_codes: tuple[str, ...],
    strict: bool | None,
    **opts: Any,
) -> None:
    """Check a seed drop (files, directories, archives) before it is merged.

    Settings may also come from [tool.newsingest] in pyproject.toml (ignore, langs,
    min-chars, min-confidence, strict); options given here win. The checks are listed
    by code in docs/validate-ci.md.

    \b
    Exit codes: 0 no errors; 1 errors found (or warnings, with --strict); 2 usage error.
    """
    config = config_from_options(**opts)
    with library_errors():
        try:
            options = load_options(
                Path.cwd(),
                langs=langs,
                min_chars=min_chars,
                min_confidence=min_confidence,
                against=against,
                ignore=[c for item in ignore_codes for c in item.split(",")],
                strict=strict,
            )
        except SettingsError as e:
            raise click.UsageError(str(e)) from e
        report = validate_paths(paths, config, options)
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
def rules_command(rules_file: Path | None, as_json: bool) -> None:
    """List every name a line's decision can carry (explain, records' removed): the chrome
    rules with their group, kind, why and example, then the cleaner's own steps."""
    with library_errors():
        names = decisions(rules_file)
    if as_json:
        for d in names:
            click.echo(d.model_dump_json())
        return
    table = Table(box=None, show_header=True, header_style="bold")
    for column in ("id", "group", "kind", "why / example"):
        table.add_column(column, overflow="fold")
    for d in names:
        text = d.why if d.example is None else f"{d.why}\n  e.g. {d.example}"
        table.add_row(d.id, d.group or d.source, d.kind or "", text)
    Console(highlight=False).print(table)


@cli.command()
def reasons() -> None:
    """List reject reason codes and what each means."""
    for reason, text in REJECT_REASON_HELP.items():
        click.echo(f"{reason.value:<24} {text}")


def main() -> None:
    """Console entry point; a closed stdout (| head) ends the run quietly."""
    try:
        cli.main(prog_name="newsingest", standalone_mode=True)
    except BrokenPipeError:
        # Point stdout at devnull so the interpreter's final flush cannot fail again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(EXIT_OK)
