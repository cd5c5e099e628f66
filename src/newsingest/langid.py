"""Language tagger: script first, then function words, then seeded langdetect on a sample."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory
from langdetect.lang_detect_exception import LangDetectException

from .roman import WORD as _WORD
from .roman import fold, latin_evidence, roman_language
from .words import ODD_SPACE_CHARS, Marks

T = TypeVar("T", str, bytes)

# Unicode blocks by ISO 15924 script; a text's script is the one with most letters.
SCRIPTS: tuple[tuple[str, str], ...] = (
    ("Latn", "A-Za-z\u00c0-\u024f\u1e00-\u1eff"),
    ("Deva", "\u0900-\u097f\ua8e0-\ua8ff"),
    ("Beng", "\u0980-\u09ff"),
    ("Guru", "\u0a00-\u0a7f"),
    ("Gujr", "\u0a80-\u0aff"),
    ("Orya", "\u0b00-\u0b7f"),
    ("Taml", "\u0b80-\u0bff"),
    ("Telu", "\u0c00-\u0c7f"),
    ("Knda", "\u0c80-\u0cff"),
    ("Mlym", "\u0d00-\u0d7f"),
    ("Sinh", "\u0d80-\u0dff"),
    ("Thai", "\u0e00-\u0e7f"),
    ("Arab", "\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff"),
    ("Hebr", "\u0590-\u05ff"),
    ("Cyrl", "\u0400-\u04ff"),
    ("Grek", "\u0370-\u03ff"),
    ("Geor", "\u10a0-\u10ff"),
    ("Armn", "\u0530-\u058f"),
    ("Ethi", "\u1200-\u137f"),
    ("Hang", "\uac00-\ud7af\u1100-\u11ff"),
    ("Kana", "\u3040-\u30ff"),
    ("Hani", "\u4e00-\u9fff\u3400-\u4dbf"),
)
_SCRIPT_RX = tuple((name, re.compile(f"[{chars}]")) for name, chars in SCRIPTS)
# Scripts used by one language only in news text; the others go to langdetect.
SCRIPT_LANG = {
    "Beng": "bn",
    "Guru": "pa",
    "Gujr": "gu",
    "Orya": "or",
    "Taml": "ta",
    "Telu": "te",
    "Knda": "kn",
    "Mlym": "ml",
    "Sinh": "si",
    "Thai": "th",
    "Hebr": "he",
    "Grek": "el",
    "Geor": "ka",
    "Armn": "hy",
    "Ethi": "am",
    "Hang": "ko",
    "Kana": "ja",
}
_LETTER = re.compile(r"[^\W\d_]")
_LATIN_LETTER = re.compile("[A-Za-z]")
# Letters of any script but Latin (symbols, emoji and punctuation are not letters of a script).
_OTHER_SCRIPT_CHARS = "\u0370-\u1dff\u2e80-\ud7ff\uf900-\ufaff\ufb1d-\ufdff\ufe70-\ufeff"
_OTHER_SCRIPT = re.compile(f"[{_OTHER_SCRIPT_CHARS}]")
_NOT_LATIN = re.compile("[^\x00-\u024f\u2000-\u206f\u20ac]")
# Punctuation and digits that separate words (a regex: much faster than str.translate's dict).
PUNCT = Marks('"“”‘()[]{}.,;:!?*#|/-_–—…0123456789')
_PUNCT = PUNCT.regex
_UTF8_CONTINUATION = bytes(range(0x80, 0xC0))
# _OTHER_SCRIPT, or whitespace the bytes split would not see: one scan for both.
_OTHER_OR_ODD = re.compile(f"[{_OTHER_SCRIPT_CHARS}{ODD_SPACE_CHARS}]")


@dataclass(frozen=True)
class LangResult:
    """A language decision: majority language, its confidence, script and per-language shares."""

    language: str
    confidence: float
    script: str
    languages: dict[str, float]


class LangData:
    """Thresholds and word lists from data/langid.toml."""

    def __init__(self, doc: dict[str, Any]) -> None:
        t = doc["thresholds"]
        self.min_letters: int = t["min_letters"]
        self.min_confidence: float = t["min_confidence"]
        self.sample_chars: int = t["sample_chars"]
        self.langdetect_chars: int = t["langdetect_chars"]
        self.english_fast_ratio: float = t["english_fast_ratio"]
        self.english_fast_min_words: int = t["english_fast_min_words"]
        self.hinglish_ratio: float = t["hinglish_ratio"]
        self.marker_min: int = t["marker_min"]
        self.marker_margin: float = t["marker_margin"]
        self.fast_path_share: float = t["fast_path_share"]
        self.roman_hi_min_words: int = t["roman_hi_min_words"]
        self.inflect_min_length: int = t["inflect_min_length"]
        self.roman_hi_ratio: float = t["roman_hi_ratio"]
        self.roman_hi_over_en: float = t["roman_hi_over_en"]
        self.both_weight: float = t["both_weight"]
        self.name_weight: float = t["name_weight"]
        self.title_case_share: float = t["title_case_share"]
        self.diacritic_weight: float = t["diacritic_weight"]
        self.suffix_weight: float = t["suffix_weight"]
        self.suffix_min_length: int = t["suffix_min_length"]
        self.macron_weight: float = t["macron_weight"]
        self.en_short_ratio: float = t["en_short_ratio"]
        self.en_short_min_words: int = t["en_short_min_words"]
        self.english_only_confidence: float = t["english_only_confidence"]
        self.names_only_confidence: float = t["names_only_confidence"]
        self.short_min_letters: int = t["short_min_letters"]
        self.deva_short_markers: int = t["deva_short_markers"]
        self.arabic_short_evidence: int = t["arabic_short_evidence"]
        self.deva_minority_weight: float = t["deva_minority_weight"]
        self.names_only_language: str = doc["languages"]["names_only"]
        w = doc["words"]
        self.english = frozenset(w["english"])
        self.english_utf8 = frozenset(x.encode("utf-8") for x in self.english)
        self.urdu_letters: str = w["urdu_letters"]
        self.arabic_letters: str = w["arabic_letters"]
        # Every English word a short line is read against; the fast path keeps to `english`.
        self.english_all = frozenset(
            [*w["english"], *w["english_common"], *w["english_homographs"]]
        )
        # Plain ASCII words are matched as written (folding "use", "car", "soon" would meet
        # "usse", "chaar", "sun"); words with diacritics, which no English word has, folded.
        self.roman_hindi = frozenset([*w["hinglish"], *w["roman_hindi"]])
        self.roman_hindi_folded = frozenset(fold(x) for x in self.roman_hindi)
        # The fast path matches words as written: Hindi spellings that are no English word and
        # no function word of another Latin-script language.
        self.hinglish = frozenset(
            x
            for x in [*w["hinglish"], *w["roman_hindi"]]
            if x not in self.english_all and x not in w["other_latin"]
        )
        self.hinglish_utf8 = frozenset(x.encode("utf-8") for x in self.hinglish)
        self.other_latin = frozenset(w["other_latin"]) - self.english_all
        self.roman_hindi_suffixes = tuple(w["roman_hindi_suffixes"])
        self.indic_marks = frozenset(w["indic_marks"])
        self.macron_marks = frozenset(w["macron_marks"])
        self.foreign_marks = frozenset(w["foreign_marks"])
        self.arabic_words = {
            "ur": frozenset(w["urdu_words"]),
            "fa": frozenset(w["persian_words"]),
            "ar": frozenset(w["arabic_words"]),
        }
        self.deva = {
            "hi": frozenset(w["hindi"]),
            "mr": frozenset(w["marathi"]),
            "ne": frozenset(w["nepali"]),
        }
        self.marathi_letters: str = w["marathi_letters"]
        # Short lines: Hindi markers that are Marathi or Nepali words too do not count.
        self.deva_short = {**self.deva, "hi": self.deva["hi"] - frozenset(w["hindi_shared"])}


@lru_cache(maxsize=1)
def lang_data() -> LangData:
    raw = (resources.files("newsingest") / "data" / "langid.toml").read_text("utf-8")
    return LangData(tomllib.loads(raw))


@lru_cache(maxsize=2)
def _factory(only: tuple[str, ...] | None = None) -> DetectorFactory:
    """A private langdetect factory with a fixed seed, so every process gives the same answer."""
    factory = DetectorFactory()
    if only is None:
        factory.load_profile(PROFILES_DIRECTORY)
    else:
        profiles = [(Path(PROFILES_DIRECTORY) / code).read_text("utf-8") for code in only]
        factory.load_json_profile(profiles)
    factory.set_seed(0)
    return factory


def _langdetect(text: str, only: tuple[str, ...] | None) -> tuple[str, float]:
    text = text[: lang_data().langdetect_chars]
    detector = _factory(only).create()
    detector.append(text)
    try:
        best = detector.get_probabilities()[0]
    except (LangDetectException, IndexError):
        return "und", 0.0
    return str(best.lang).split("-")[0], float(best.prob)


def _leader(counts: Mapping[str, float]) -> str:
    """The key with the largest count; a tie goes to the first in sorted order (the same answer
    on every run)."""
    return max(sorted(counts), key=counts.__getitem__)


def script_counts(text: str) -> dict[str, int]:
    """Letters per script; only scripts that occur."""
    counts = {}
    letters = len(_LETTER.findall(text))
    seen = 0
    for name, rx in _SCRIPT_RX:
        n = len(rx.findall(text))
        if n:
            counts[name] = n
            seen += n
            # Latin and Devanagari come first; most texts need no other regex.
            if seen >= letters:
                break
    return counts


def _english_share(words: list[str], data: LangData) -> float:
    return sum(1 for w in words if w in data.english) / (len(words) or 1)


def _hinglish_share(words: list[str], data: LangData) -> float:
    # romanized Hindi words no English word spells: "the", "to", "is" are counted as English
    return sum(1 for w in words if w in data.hinglish) / (len(words) or 1)


def _latin(text: str, data: LangData) -> tuple[str, float, str]:
    words = [w.lower() for w in _WORD.findall(text)]
    en = _english_share(words, data)
    if (
        len(words) >= data.english_fast_min_words
        and en >= data.english_fast_ratio
        and en >= _hinglish_share(words, data)
    ):
        return "en", min(1.0, 0.9 + en / 4), "Latn"
    ev = latin_evidence(text, data)
    found = roman_language(ev, data)
    if found is not None:
        return found[0], found[1], "Latn"
    lang, prob = _langdetect(text, None)
    if lang != "en" and ev.english_only() and not _OTHER_SCRIPT.search(text):
        # langdetect on a short headline ("Bank holds interest rate at 4.75%") says da, nl,
        # fr...: with English words and no trace of another language, it is English.
        return "en", data.english_only_confidence, "Latn"
    return lang, prob, "Latn"


# A Devanagari word that ends in a virama (Nepali spelling: "छन्", "गरिन्").
_FINAL_VIRAMA = re.compile("[\u0900-\u097f]\u094d(?=[\\s,.;:!?।॥\"'”’)]|$)")


def _deva_cues(text: str, data: LangData) -> dict[str, int]:
    """Marathi and Nepali spelling (never Hindi evidence): for texts without a marker word."""
    return {
        "hi": 0,
        "mr": sum(text.count(c) for c in data.marathi_letters),
        "ne": len(_FINAL_VIRAMA.findall(text)),
    }


def _devanagari(text: str, data: LangData) -> tuple[str, float]:
    words = _deva_words(text)
    hits = _count_markers(words, data.deva)
    if not any(hits.values()) and any((cues := _deva_cues(text, data)).values()):
        if cues["mr"] == cues["ne"]:
            return "und", 0.0
        return max(("mr", "ne"), key=lambda k: cues[k]), 0.6
    # Hindi only on a marker that is no Marathi or Nepali word
    hindi_only = hits["hi"] and any(map(data.deva_short["hi"].__contains__, words))
    found = _deva_by_markers(hits, data)
    if found is not None and (found[0] != "hi" or hindi_only):
        return found
    lang, prob = _langdetect(text, ("hi", "mr", "ne"))
    if lang == "hi" and (hits["mr"] or hits["ne"]):
        # langdetect's Hindi over words that only Marathi or Nepali use: not trusted
        return max(("mr", "ne"), key=lambda k: hits[k]), 0.6
    if lang in ("hi", "und") and not hindi_only:
        # No word only Hindi uses: Marathi and Nepali headlines and lists look like this far
        # more often than Hindi text does, and a wrong `hi` there costs more than an `und`.
        return "und", 0.0
    return (lang, prob) if lang != "und" else ("hi", 0.5)


def _deva_words(text: str) -> list[str]:
    return [w.strip(".,;:!?।॥\"'“”‘’()") for w in text.split()]


def _count_markers(words: list[str], markers: dict[str, frozenset[str]]) -> dict[str, int]:
    return {lang: sum(map(vocab.__contains__, words)) for lang, vocab in markers.items()}


def _deva_markers(text: str, markers: dict[str, frozenset[str]]) -> dict[str, int]:
    return _count_markers(_deva_words(text), markers)


def _deva_ranked(hits: dict[str, int], data: LangData) -> tuple[str, float, float]:
    """The leading language by weighted marker count, its score and the runner-up's. Marathi
    and Nepali markers weigh more than Hindi ones: they are those languages' own, and their
    news quotes Hindi often, Hindi news them seldom."""
    scores = {
        lang: n * (1.0 if lang == "hi" else data.deva_minority_weight) for lang, n in hits.items()
    }
    ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
    return ranked[0][0], ranked[0][1], ranked[1][1]


def _deva_by_markers(hits: dict[str, int], data: LangData) -> tuple[str, float] | None:
    """Marker words decide, when they are enough and one language leads clearly."""
    top, s1, s2 = _deva_ranked(hits, data)
    n1 = hits[top]
    if (n1 >= data.marker_min and s1 >= data.marker_margin * max(s2, 1)) or (n1 >= 2 and not s2):
        return top, min(1.0, 0.8 + 0.2 * (s1 - s2) / s1)
    if top != "hi" and n1 >= data.marker_min and s1 > s2:
        # Marathi or Nepali ahead, if not by the margin: never Hindi.
        return top, 0.7
    return None


def _decide(text: str, data: LangData, title: str | None = None) -> tuple[str, float, str]:
    """The language of a text from a bounded sample: script, then words, then langdetect."""
    sample = text[: data.sample_chars]
    counts = script_counts(sample)
    letters = sum(counts.values())
    script = _leader(counts) if counts else "Zyyy"
    if title and letters:
        heading = script_counts(title)
        if heading and _leader(heading) == script:
            # A headline in the text's own script is more evidence of its language (a Marathi
            # teaser whose one paragraph quotes a Hindi post); one in another script is not.
            sample = f"{title}\n\n{sample}"
            for k, v in heading.items():
                counts[k] = counts.get(k, 0) + v
            letters = sum(counts.values())
    if letters < data.min_letters:
        if letters < data.short_min_letters:
            return "und", 0.0, script
        lang, conf = _short(sample, script, data)
        return lang, round(conf * counts.get(script, 0) / (letters or 1), 3), script
    share = counts[script] / letters
    if script == "Kana" or (script == "Hani" and "Kana" in counts):
        return "ja", share, "Jpan"
    if script == "Latn":
        lang, conf, script = _latin(sample, data)
    elif script == "Deva":
        lang, conf = _devanagari(sample, data)
    elif script in SCRIPT_LANG:
        lang, conf = SCRIPT_LANG[script], 1.0
    elif script == "Arab" and (found := _arabic_script_language(sample, data)):
        lang, conf = found, 0.95
    else:
        lang, conf = _langdetect(sample, None)
    return lang, round(conf * share, 3), script


def _short(text: str, script: str, data: LangData) -> tuple[str, float]:
    """A text too short for langdetect: tagged only on word or letter evidence."""
    if script == "Latn":
        ev = latin_evidence(text, data)
        found = roman_language(ev, data)
        if found is None and ev.english_only() and not _OTHER_SCRIPT.search(text):
            return "en", data.english_only_confidence
        return found if found is not None else ("und", 0.0)
    if script == "Deva":
        hits = _deva_markers(text, data.deva_short)
        if not any(hits.values()):
            hits = _deva_cues(text, data)
        top, s1, s2 = _deva_ranked(hits, data)
        if hits[top] < data.deva_short_markers or s1 <= s2:
            return "und", 0.0
        if top == "hi" and s2:
            return "und", 0.0  # a Marathi or Nepali word in a short line: never Hindi
        return top, 0.8
    if script == "Arab":
        arabic = _arabic_evidence(text, data)
        best = _leader(arabic)
        if arabic[best] >= data.arabic_short_evidence and sorted(arabic.values())[-2] == 0:
            return best, 0.9
        return "und", 0.0
    if script in SCRIPT_LANG:
        return SCRIPT_LANG[script], 1.0
    return "und", 0.0


def _arabic_evidence(text: str, data: LangData) -> dict[str, int]:
    """Letters and function words of Urdu, Persian and Arabic in an Arabic-script text."""
    words = [w.strip("،؛؟۔.,:!?\"'()") for w in text.split()]
    ev = {lang: sum(1 for w in words if w in vocab) for lang, vocab in data.arabic_words.items()}
    ev["ur"] += sum(text.count(c) for c in data.urdu_letters)
    ev["ar"] += sum(text.count(c) for c in data.arabic_letters)
    return ev


def _arabic_script_language(text: str, data: LangData) -> str | None:
    """Urdu writes letters Arabic and Persian do not; Arabic writes letters the others do not."""
    urdu = sum(text.count(c) for c in data.urdu_letters)
    arabic = sum(text.count(c) for c in data.arabic_letters)
    if urdu > arabic:
        return "ur"
    if arabic > urdu:
        return "ar"
    return None


def _paragraph_language(p: str, doc_lang: str, doc_script: str, data: LangData) -> tuple[str, int]:
    """A paragraph's language without langdetect (cheap): its script, English and romanized
    Hindi function words, Devanagari markers; otherwise the document's language."""
    if not _NOT_LATIN.search(p):  # the common case in English pages: no script counting
        words = _PUNCT.sub(" ", p.lower()).split()
        letters = sum(map(len, words))
        if letters < data.min_letters:
            return "und", 0
        en = sum(map(data.english.__contains__, words))
        hi = sum(map(data.hinglish.__contains__, words))
        if en >= data.english_fast_ratio * len(words) and en >= hi:
            return "en", letters
        if hi >= data.hinglish_ratio * len(words):
            return "hi", letters
        return (doc_lang, letters) if doc_script == "Latn" else ("und", 0)
    if doc_script == "Deva" and not _LATIN_LETTER.search(p):
        # A Devanagari paragraph of a Devanagari page: the page's language, no counting.
        return (doc_lang, len(p)) if len(p) >= data.min_letters else ("und", 0)
    counts = script_counts(p[: data.sample_chars])
    letters = sum(counts.values())
    if letters < data.min_letters:
        return "und", 0
    script = _leader(counts)
    if script == "Latn":
        words = [w.lower() for w in _WORD.findall(p)]
        en_share, hi_share = _english_share(words, data), _hinglish_share(words, data)
        if en_share >= data.english_fast_ratio and en_share >= hi_share:
            return "en", letters
        if hi_share >= data.hinglish_ratio:
            return "hi", letters
    elif script == "Deva" and doc_script != "Deva":
        hits = _deva_markers(p, data.deva)
        return _leader(hits) if any(hits.values()) else "hi", letters
    elif script in SCRIPT_LANG:
        return SCRIPT_LANG[script], letters
    return (doc_lang, letters) if script == doc_script or doc_script == "Jpan" else ("und", 0)


def _latin_pages(text: str, data: LangData) -> LangResult | None:
    """One pass for the common case: every paragraph Latin-only and each plainly English or
    romanized Hindi by its function words. None sends the text down the general path."""
    if _OTHER_OR_ODD.search(text):  # one scan for the common case: neither is there
        if _OTHER_SCRIPT.search(text):
            return None
        # Spaces that UTF-8 bytes.split() would not see: the regex split.
        paragraphs = [_PUNCT.sub(" ", p.lower()).split() for p in text.split("\n\n")]
        return _latin_shares(paragraphs, data, data.english, data.hinglish, _chars)
    # The whole text to words in a few C passes: UTF-8 bytes and a translate table split
    # them; the regex above costs many times as much.
    paragraphs_b = [p.split() for p in PUNCT.to_spaces(text.lower()).split(b"\n\n")]
    return _latin_shares(paragraphs_b, data, data.english_utf8, data.hinglish_utf8, _utf8_chars)


def _chars(words: list[str]) -> int:
    return sum(map(len, words))


def _utf8_chars(words: list[bytes]) -> int:
    # characters, not bytes: UTF-8 continuation bytes dropped
    return len(b"".join(words).translate(None, _UTF8_CONTINUATION))


def _latin_shares(
    paragraphs: Sequence[Sequence[T]],
    data: LangData,
    english: frozenset[T],
    hinglish: frozenset[T],
    chars: Callable[[Any], int],
) -> LangResult | None:
    letters: dict[str, int] = {}
    words_total = en_total = hi_total = undecided = 0
    for words in paragraphs:
        count = len(words)
        en = sum(map(english.__contains__, words))
        hi = sum(map(hinglish.__contains__, words))
        words_total, en_total, hi_total = words_total + count, en_total + en, hi_total + hi
        n = chars(words)
        if n < data.min_letters:
            continue  # too short to tell: left out of the shares
        if en >= data.english_fast_ratio * count and en >= hi:
            letters["en"] = letters.get("en", 0) + n
        elif hi >= data.hinglish_ratio * count:
            letters["hi"] = letters.get("hi", 0) + n
        else:
            undecided += n  # a list, a name, a quote: the page's language, if it is clear
    total = sum(letters.values())
    if not total or words_total < data.english_fast_min_words:
        return None
    if total < data.fast_path_share * (total + undecided):
        return None  # too much text of no clear language: maybe not English at all
    lang = _leader(letters)
    letters[lang] += undecided
    total += undecided
    if lang == "en":
        conf = min(1.0, 0.9 + en_total / words_total / 4)
    else:
        conf = min(1.0, 0.5 + hi_total / words_total)
    shares = {k: round(v / total, 2) for k, v in sorted(letters.items()) if v / total >= 0.01}
    return LangResult(lang, round(conf, 3), "Latn", shares)


def detect_language(text: str, title: str | None = None) -> LangResult:
    """Tag a clean text; 'und' when too short or not confident. The article's title, when
    given and in the text's script, is evidence too: a Marathi teaser whose one paragraph
    quotes a Hindi speaker is Marathi by its headline. The shares are measured over the text's
    paragraphs (a text of one paragraph is all its tag's)."""
    data = lang_data()
    fast = _latin_pages(text, data)
    if fast is not None:
        return fast
    lang, conf, script = _decide(text, data, title)
    if conf < data.min_confidence:
        lang = "und"
    shares: dict[str, float] = {}
    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    if len(paragraphs) > 1:
        total = 0
        for p in paragraphs:
            plang, letters = _paragraph_language(p, lang, script, data)
            # Paragraphs too short to tell are left out rather than counted as 'und'.
            if plang != "und":
                shares[plang] = shares.get(plang, 0) + letters
                total += letters
        shares = {k: round(v / total, 2) for k, v in sorted(shares.items()) if v / total >= 0.01}
    if not shares:
        shares = {lang: 1.0}
    return LangResult(lang, conf, script, shares)
