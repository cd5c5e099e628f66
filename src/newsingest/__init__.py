"""newsingest: scraped news drops in, clean language-tagged JSONL out."""

from importlib.metadata import PackageNotFoundError, version

from .clean import clean_text
from .config import IngestConfig
from .decode import Decoded, DecodeFailure, decode_bytes
from .errors import InputNotFoundError, NewsIngestError, OutputError, RulesError, SettingsError
from .explain import Explanation, explain_paths
from .export import JsonlWriter, Summary, to_json
from .langid import LangResult, detect_language
from .models import Article, CleanResult, LineDecision, Reject, RejectReason, Source
from .pipeline import parse_paths, parse_text, process_source
from .reader import read_sources
from .validate import (
    Finding,
    Severity,
    ValidateOptions,
    ValidationReport,
    load_options,
    validate_paths,
)

try:
    __version__ = version("newsingest")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0"

__all__ = [
    "Article",
    "CleanResult",
    "DecodeFailure",
    "Decoded",
    "Explanation",
    "Finding",
    "IngestConfig",
    "InputNotFoundError",
    "JsonlWriter",
    "LangResult",
    "LineDecision",
    "NewsIngestError",
    "OutputError",
    "Reject",
    "RejectReason",
    "RulesError",
    "SettingsError",
    "Severity",
    "Source",
    "Summary",
    "ValidateOptions",
    "ValidationReport",
    "__version__",
    "clean_text",
    "decode_bytes",
    "detect_language",
    "explain_paths",
    "load_options",
    "parse_paths",
    "parse_text",
    "process_source",
    "read_sources",
    "to_json",
    "validate_paths",
]
