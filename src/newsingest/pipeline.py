"""Pipeline: the one place that knows the stages' order (read, decode, split, clean, tag)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from .budget import DocumentTimeout, cpu_budget
from .bundles import split_bundle, split_bundle_at
from .clean import clean_text, keep_all
from .clean.engine import line_digest
from .clean.rules import compiled_rules
from .config import IngestConfig
from .decode import Decoded, DecodeFailure, decode_bytes
from .dedup import DuplicateIndex
from .langid import detect_language
from .markup import html_to_text, looks_like_html
from .models import Article, CleanResult, Item, Reject, RejectReason, Source
from .normalize import normalize_line, normalize_text
from .reader import Inputs, Paths, as_paths, check_paths, ids_for, read_sources


def page_text(decoded: Decoded) -> tuple[str, str]:
    """The decoded text, normalized, as the cleaner reads it, and how it was obtained: HTML
    saved in place of rendered text is rendered first ("+html")."""
    if looks_like_html(decoded.text):
        return normalize_text(html_to_text(decoded.text)), decoded.encoding + "+html"
    return normalize_text(decoded.text), decoded.encoding


def _reject(
    src: Source, ident: str, source: str, stage: str, reason: RejectReason, detail: str
) -> Reject:
    return Reject(
        source=source, id=ident, stage=stage, reason=reason, detail=detail, bytes=len(src.data)
    )


def build_article(
    src: Source,
    ident: str,
    source: str,
    cleaned: CleanResult,
    encoding: str,
    replaced: int,
    repaired: bool,
) -> Article:
    lang = detect_language(cleaned.text, cleaned.title)
    return Article(
        id=ident,
        seq=src.seq,
        source=source,
        title=cleaned.title,
        published=cleaned.published,
        language=lang.language,
        language_confidence=lang.confidence,
        languages=lang.languages,
        script=lang.script,
        text=cleaned.text,
        chars=len(cleaned.text),
        words=len(cleaned.text.split()),
        sha256=hashlib.sha256(cleaned.text.encode("utf-8")).hexdigest(),
        encoding=encoding,
        replaced=replaced,
        repaired=repaired,
        removed=cleaned.removed,
    )


def _article_or_reject(
    src: Source,
    ident: str,
    source: str,
    text: str,
    encoding: str,
    replaced: int,
    repaired: bool,
    config: IngestConfig,
) -> tuple[Item, CleanResult]:
    if config.cleaner == "off":
        cleaned = keep_all(text)
    else:
        cleaned = clean_text(text, config.rules_file, config.repeated_lines, config.cleaner)
    if not cleaned.text.strip():
        kept = cleaned.lines
        reject = _reject(
            src,
            ident,
            source,
            "clean",
            RejectReason.NO_TEXT_AFTER_CLEANING,
            f"all {kept} non-blank lines were chrome",
        )
        return reject, cleaned
    if config.min_chars is not None and len(cleaned.text) < config.min_chars:
        reject = _reject(
            src,
            ident,
            source,
            "clean",
            RejectReason.TOO_SHORT,
            f"{len(cleaned.text)} chars < --min-chars {config.min_chars}",
        )
        return reject, cleaned
    article = build_article(src, ident, source, cleaned, encoding, replaced, repaired)
    if config.langs is not None and article.language not in config.langs:
        reject = _reject(
            src,
            ident,
            source,
            "langid",
            RejectReason.LANGUAGE,
            f"language {article.language} not in {','.join(config.langs)}",
        )
        return reject, cleaned
    return article, cleaned


@dataclass(frozen=True)
class Analysis:
    """One article's (or reject's) way through the stages: what came out, the cleaner's
    decisions when it got that far, and how the bytes were decoded."""

    item: Item
    cleaned: CleanResult | None
    encoding: str | None
    # The line of the file where the article starts, when known: its line k is the file's
    # line first_line + k - 1 (None for rendered HTML and parts of a streamed bundle).
    first_line: int | None = None


def _part_names(src: Source, count: int) -> list[tuple[str, str]]:
    """Id and source of each article of a unit: '-k' and '#k' when there are several."""
    if count <= 1:
        return [(src.id, src.source)]
    return [(f"{src.id}-{k}", f"{src.source}#{k}") for k in range(1, count + 1)]


def _timeout(src: Source, ident: str, source: str, stage: str, config: IngestConfig) -> Reject:
    detail = f"took more than --doc-timeout {config.doc_timeout:g} s of CPU time"
    return _reject(src, ident, source, stage, RejectReason.TIMEOUT, detail)


def _long_line(text: str, limit: int) -> int | None:
    """The length of text's longest line when it is over limit, else None."""
    if len(text) <= limit:
        return None
    longest = max(map(len, text.split("\n")))
    return longest if longest > limit else None


def _unit_parts(
    src: Source, config: IngestConfig
) -> tuple[Decoded, str, list[tuple[int | None, str]], list[tuple[str, str]]] | Analysis:
    """Decode, render and split one unit: its text's parts and their names, or the reject."""
    decoded = decode_bytes(src.data)
    if isinstance(decoded, DecodeFailure):
        reject = _reject(src, src.id, src.source, "decode", decoded.reason, decoded.detail)
        return Analysis(reject, None, None)
    text, encoding = page_text(decoded)
    parts: list[tuple[int | None, str]]
    if src.part is None:
        html = encoding.endswith("+html")
        parts = [(None if html else n, p) for n, p in split_bundle_at(text, config.delimiter)]
        names = _part_names(src, len(parts))
    else:  # already cut out of a streamed bundle
        parts = [(None, text)] if text.strip() else []
        names = [(f"{src.id}-{src.part}", f"{src.source}#{src.part}")]
    if not parts:
        ident, source = names[0]
        if encoding.endswith("+html"):
            detail = "the HTML renders to no visible text (only head, scripts, styles or tags)"
            reason = RejectReason.NO_VISIBLE_TEXT
        else:
            detail, reason = "only delimiters and whitespace", RejectReason.EMPTY
        return Analysis(_reject(src, ident, source, "decode", reason, detail), None, encoding)
    return decoded, encoding, parts, names


def _replaced_per_part(decoded: Decoded, parts: Sequence[str]) -> list[int]:
    """Each part's share of the bytes decoding replaced: the runs behind its own U+FFFD (in
    text order), plus stray NULs, whose place is not known, in every part that has any."""
    if len(parts) <= 1 or not decoded.runs:
        return [decoded.replaced] * len(parts)
    nuls = decoded.replaced - sum(decoded.runs)
    runs = iter(decoded.runs)
    return [sum(next(runs, 1) for _ in range(p.count("\ufffd"))) + nuls for p in parts]


def analyse_source(src: Source, config: IngestConfig) -> list[Analysis]:
    """Records and rejects one input unit yields, in order, each with the cleaner's decisions
    when it got that far. Never raises. Each step runs within the per-document budget
    (--doc-timeout): decoding and splitting the unit, then each of its articles."""
    try:
        with cpu_budget(config.doc_timeout):
            unit = _unit_parts(src, config)
    except DocumentTimeout:
        return [Analysis(_timeout(src, src.id, src.source, "decode", config), None, None)]
    except Exception as e:  # the one guard that keeps a bug in one file from ending the run
        detail = f"{type(e).__name__}: {e}"
        reject = _reject(src, src.id, src.source, "decode", RejectReason.INTERNAL_ERROR, detail)
        return [Analysis(reject, None, None)]
    if isinstance(unit, Analysis):
        return [unit]
    decoded, encoding, parts, names = unit
    out: list[Analysis] = []
    replaced = _replaced_per_part(decoded, [p for _, p in parts])
    for k, ((first_line, part), (ident, source)) in enumerate(zip(parts, names, strict=True), 1):
        if k > config.max_members:
            # A bundle of more parts than an archive may have members: stop, say where.
            detail = f"a bundle of more than {config.max_members} parts; parts from {k} on not read"
            reject = _reject(src, ident, source, "split", RejectReason.ARCHIVE_LIMIT, detail)
            out.append(Analysis(reject, None, encoding))
            break
        longest = _long_line(part, config.max_line_chars)
        if longest is not None:
            # Deterministic, unlike the clock: such a line is no paragraph of an article.
            limit = config.max_line_chars
            detail = f"a line of {longest} characters > {limit}: too costly to clean"
            reject = _reject(src, ident, source, "clean", RejectReason.TIMEOUT, detail)
            out.append(Analysis(reject, None, encoding))
            continue
        try:
            with cpu_budget(config.doc_timeout):
                item, cleaned = _article_or_reject(
                    src,
                    ident,
                    source,
                    part,
                    encoding,
                    replaced[k - 1],
                    decoded.repaired,
                    config,
                )
            out.append(Analysis(item, cleaned, encoding, first_line))
        except DocumentTimeout:
            out.append(Analysis(_timeout(src, ident, source, "clean", config), None, encoding))
        except Exception as e:  # same guard, per article of a bundle
            detail = f"{type(e).__name__}: {e}"
            reject = _reject(src, ident, source, "clean", RejectReason.INTERNAL_ERROR, detail)
            out.append(Analysis(reject, None, encoding))
    return out


def process_source(src: Source, config: IngestConfig) -> list[Item]:
    """All records and rejects one input unit yields, in order. Never raises."""
    return [a.item for a in analyse_source(src, config)]


def run(sources: Iterable[Source | Reject], config: IngestConfig) -> Iterator[Item]:
    """Process input units in order, one process."""
    for src in sources:
        if isinstance(src, Reject):
            yield src
        else:
            yield from process_source(src, config)


# Longer lines are prose: a paragraph in several articles is a duplicate (--dedup), not
# site chrome.
DROP_WIDE_MAX_WORDS = 15


def repeated_lines(paths: Paths | Inputs, config: IngestConfig) -> frozenset[int]:
    """First --drop-wide pass: digests of short lines found in drop_wide_min_files or more
    articles of the run. Needs no cleaning; memory is one counter entry per distinct line."""
    counts: dict[int, int] = {}
    for src in read_sources(paths, config):
        if isinstance(src, Reject):
            continue
        decoded = decode_bytes(src.data)
        if isinstance(decoded, DecodeFailure):
            continue
        for part in split_bundle(page_text(decoded)[0], config.delimiter):
            seen = {
                line_digest(s)
                for raw in part.split("\n")
                if (s := normalize_line(raw)) and len(s.split()) <= DROP_WIDE_MAX_WORDS
            }
            for d in seen:
                counts[d] = counts.get(d, 0) + 1
    return frozenset(d for d, n in counts.items() if n >= config.drop_wide_min_files)


def mark_duplicates(items: Iterable[Item], config: IngestConfig) -> Iterator[Item]:
    """The dedup stage: in input order, so the first copy wins whatever the engine."""
    if config.dedup == "off":
        yield from items
        return
    index = DuplicateIndex(near=config.dedup == "near")
    for item in items:
        match = None
        if isinstance(item, Article):
            match = index.check_and_add(item.id, item.sha256, item.text)
        if match is None or isinstance(item, Reject):
            yield item
        elif config.dedup_action == "drop":
            detail = f"{match.kind} duplicate of {match.of} (similarity {match.similarity:.2f})"
            yield Reject(
                source=item.source,
                id=item.id,
                stage="dedup",
                reason=RejectReason.DUPLICATE,
                detail=detail,
            )
        else:
            yield item.model_copy(update={"duplicate_of": match.of})


def check_config(config: IngestConfig) -> None:
    """Fail before any work on settings that would fail every article (a bad rules file)."""
    compiled_rules(config.rules_file)


def parse_paths(
    paths: Paths | Inputs, config: IngestConfig | None = None, jobs: int = 1
) -> Iterator[Item]:
    """Records and rejects for every input under paths (one path, or several, or what
    scan_inputs found), in input order. A path that does not exist raises InputNotFoundError
    here, before any work."""
    if not isinstance(paths, Inputs):
        paths = as_paths(paths)
        check_paths(paths)
    config = config or IngestConfig()
    check_config(config)
    if config.drop_wide and not config.repeated_lines:
        config = config.model_copy(update={"repeated_lines": repeated_lines(paths, config)})
    sources = read_sources(paths, config)
    if jobs <= 1:
        return mark_duplicates(run(sources, config), config)
    from .engines.local import run_parallel

    return mark_duplicates(run_parallel(sources, config, jobs), config)


def parse_text(text: str, source: str = "<text>", config: IngestConfig | None = None) -> list[Item]:
    """Records for a string, as if it were a file's content (UTF-8)."""
    ident, seq = ids_for(source, source.rsplit("/", 1)[-1])
    src = Source(source=source, id=ident, seq=seq, data=text.encode("utf-8"))
    return process_source(src, config or IngestConfig())
