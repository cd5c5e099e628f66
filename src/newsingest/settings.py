"""Settings checked before any work: languages, the delimiter, [tool.newsingest] in pyproject.

A value that cannot work is a SettingsError (the CLI's usage error, exit 2) naming where it
came from and, when one is close, the value that was probably meant."""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from .errors import NewsIngestError, SettingsError

# English names of the languages the tagger can give, for `--langs english` -> en.
LANGUAGE_NAMES = {
    "afrikaans": "af",
    "amharic": "am",
    "arabic": "ar",
    "armenian": "hy",
    "bengali": "bn",
    "bangla": "bn",
    "bulgarian": "bg",
    "catalan": "ca",
    "chinese": "zh-cn",
    "croatian": "hr",
    "czech": "cs",
    "danish": "da",
    "dutch": "nl",
    "english": "en",
    "estonian": "et",
    "finnish": "fi",
    "french": "fr",
    "georgian": "ka",
    "german": "de",
    "greek": "el",
    "gujarati": "gu",
    "hebrew": "he",
    "hindi": "hi",
    "hungarian": "hu",
    "indonesian": "id",
    "italian": "it",
    "japanese": "ja",
    "kannada": "kn",
    "korean": "ko",
    "latvian": "lv",
    "lithuanian": "lt",
    "macedonian": "mk",
    "malayalam": "ml",
    "marathi": "mr",
    "nepali": "ne",
    "norwegian": "no",
    "odia": "or",
    "oriya": "or",
    "persian": "fa",
    "farsi": "fa",
    "polish": "pl",
    "portuguese": "pt",
    "punjabi": "pa",
    "romanian": "ro",
    "russian": "ru",
    "sinhala": "si",
    "slovak": "sk",
    "slovenian": "sl",
    "somali": "so",
    "spanish": "es",
    "swahili": "sw",
    "swedish": "sv",
    "tagalog": "tl",
    "tamil": "ta",
    "telugu": "te",
    "thai": "th",
    "turkish": "tr",
    "ukrainian": "uk",
    "urdu": "ur",
    "vietnamese": "vi",
    "welsh": "cy",
}


@cache
def known_languages() -> frozenset[str]:
    """Every code a record's `language` can hold: langdetect's profiles, the languages the
    tagger knows by script alone, and `und`."""
    from langdetect.detector_factory import PROFILES_DIRECTORY

    from .langid import SCRIPT_LANG

    return frozenset(os.listdir(PROFILES_DIRECTORY)) | set(SCRIPT_LANG.values()) | {"und"}


def _closest(word: str, choices: Iterable[str]) -> str | None:
    found = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    return found[0] if found else None


def _did_you_mean(value: str | None) -> str:
    return f"; did you mean {value!r}?" if value else ""


def parse_langs(value: str | Iterable[str], where: str = "--langs") -> tuple[str, ...]:
    """Language codes from 'en,hi' or ['en', 'hi']: case folded, checked, sorted."""
    items = value.split(",") if isinstance(value, str) else list(value)
    known = known_languages()
    out: set[str] = set()
    for raw in items:
        if not isinstance(raw, str):
            raise SettingsError(f"{where}: {raw!r} is not a language code (a string like 'en')")
        code = raw.strip().lower().replace("_", "-")
        if not code:
            continue
        if code not in known:
            guess = LANGUAGE_NAMES.get(code) or _closest(code, known | set(LANGUAGE_NAMES))
            guess = LANGUAGE_NAMES.get(guess or "", guess)
            raise SettingsError(
                f"{where}: unknown language {raw.strip()!r}{_did_you_mean(guess)}"
                " (ISO 639-1 codes as records carry them, e.g. en,hi)"
            )
        out.add(code)
    if not out:
        raise SettingsError(f"{where}: no language given (e.g. en,hi)")
    return tuple(sorted(out))


def check_delimiter(pattern: str) -> None:
    """A delimiter must compile, also inside the line pattern the bundle splitter builds, and
    must not match an empty line (that would cut every article at its blank lines)."""
    try:
        re.compile(pattern)
        rx = re.compile(rf"(?m)^[ \t]*(?:{pattern})[ \t]*$")
    except re.error as e:
        literal = re.escape(pattern)
        raise SettingsError(
            f"--delimiter {pattern!r}: not a valid regular expression ({e}); to match the text"
            f" literally use {literal!r}"
        ) from None
    if rx.search(""):
        raise SettingsError(
            f"--delimiter {pattern!r}: matches an empty line, so every blank line would split"
            " an article; use a pattern that needs at least one character, e.g. '={3,}'"
        )


class PyprojectSettings(BaseModel):
    """[tool.newsingest] from pyproject.toml, checked: every key known, every type right."""

    model_config = ConfigDict(frozen=True)

    path: Path | None = None
    langs: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    min_chars: int | None = None
    min_confidence: float | None = None
    strict: bool | None = None


PYPROJECT_KEYS = ("ignore", "langs", "min-chars", "min-confidence", "strict")


def _find_pyproject(start: Path) -> Path | None:
    for folder in (start, *start.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


def _strings(value: Any, where: str) -> list[str]:
    """A list of strings, or one comma-separated string (never its characters)."""
    if isinstance(value, str):
        return [x.strip() for x in value.split(",") if x.strip()]
    if isinstance(value, list) and all(isinstance(x, str) for x in value):
        return [x.strip() for x in value if x.strip()]
    raise SettingsError(f"{where}: expected a list of strings or 'a,b', got {value!r}")


def pyproject_settings(start: Path) -> PyprojectSettings:
    """[tool.newsingest] of the nearest pyproject.toml at or above start, checked."""
    from .validate import load_pyproject

    path = _find_pyproject(start)
    if path is None:
        return PyprojectSettings()
    try:
        conf = load_pyproject(path.parent)
    except NewsIngestError as e:
        raise SettingsError(str(e)) from None
    section = f"{path}: [tool.newsingest]"
    unknown = sorted(set(conf) - set(PYPROJECT_KEYS))
    if unknown:
        key = unknown[0]
        guess = _closest(key.replace("_", "-"), PYPROJECT_KEYS)
        raise SettingsError(
            f"{section}: unknown key {key!r}{_did_you_mean(guess)}"
            f" (known: {', '.join(PYPROJECT_KEYS)})"
        )
    out: dict[str, Any] = {"path": path}
    if "langs" in conf:
        out["langs"] = parse_langs(_strings(conf["langs"], f"{section} langs"), f"{section} langs")
    if "ignore" in conf:
        out["ignore"] = tuple(_strings(conf["ignore"], f"{section} ignore"))
    for key, field in (("min-chars", "min_chars"), ("min-confidence", "min_confidence")):
        if key not in conf:
            continue
        value = conf[key]
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise SettingsError(f"{section} {key}: expected a number, got {value!r}")
        if key == "min-chars" and (not isinstance(value, int) or value < 0):
            raise SettingsError(f"{section} {key}: expected a whole number >= 0, got {value!r}")
        if key == "min-confidence" and not 0 <= value <= 1:
            raise SettingsError(f"{section} {key}: expected a number from 0 to 1, got {value!r}")
        out[field] = value
    if "strict" in conf:
        if not isinstance(conf["strict"], bool):
            raise SettingsError(f"{section} strict: expected true or false, got {conf['strict']!r}")
        out["strict"] = conf["strict"]
    return PyprojectSettings(**out)


def suggest_code(code: str, codes: Iterable[str]) -> str:
    """' (did you mean NI010?)' for a mistyped check code, or ''."""
    guess = _closest(code, codes)
    return f" (did you mean {guess}?)" if guess else ""
