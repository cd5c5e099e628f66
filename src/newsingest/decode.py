"""Decode: bytes -> text through a ladder of named steps, or a reject saying why not."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import chardet

from .models import RejectReason
from .unpack import STREAMS, ZIP_MAGIC

SAMPLE_BYTES = 64 * 1024
# Below this share of bytes that are C0 controls (not tab/newline/CR/FF/ESC) a file is text.
CONTROL_SHARE_MAX = 0.05
# Stray NULs that fit no UTF-16/32 pattern are stripped when they are this rare, else binary.
STRAY_NUL_SHARE_MAX = 0.01
# In BOM-less UTF-16, this share of NULs (or more) sits at one parity.
NUL_PARITY_MIN = 0.95
# UTF-8 with bad bytes is decoded with U+FFFD when bad bytes are at most this share of the
# file and valid multi-byte sequences are at least as many as the bad runs: a truncated or
# damaged UTF-8 file, not a legacy code page, whose high bytes are nearly never valid UTF-8
# (German cp1252 with one "ß‘" by chance still has an invalid run per other umlaut). Read as
# a code page instead, such a file came out as mojibake repaired around latin-1 junk
# ("forÿþÃ( economic") with nothing replaced.
REPLACE_SHARE_MAX = 0.01
REPLACE_EVIDENCE_RATIO = 1
# A short page may have this many bad bytes whatever its length.
REPLACE_MIN_BYTES = 16
# chardet 7 reports low confidences even when right (0.3-0.4 for clean Cyrillic or GB18030),
# so the floor is low; below it the file is rejected as undecodable.
CHARDET_CONFIDENCE_MIN = 0.2
# Non-UTF-8 text that is at least this share ASCII is Latin script with the odd accent or curly
# quote. chardet guesses among Latin code pages poorly on such text (cp1252 English comes back
# as Hungarian cp1250), so it is read as cp1252, the web's de-facto Latin-1 (as WHATWG does).
# The price: a nearly-ASCII page in cp1250 or KOI8-R with a handful of non-ASCII letters.
ASCII_MAJORITY = 0.97
CHARDET_SAMPLE_BYTES = 16 * 1024
LATIN_CODECS = frozenset({"cp1252", "cp1250", "iso-8859-15", "cp1254", "cp1257", "cp1258"})
MULTIBYTE = frozenset({"cp932", "euc-jp", "gb18030", "big5hkscs", "cp949", "iso-2022-jp"})
# Without any guess from chardet, a cp1252 reading with more odd characters than this share of
# its non-ASCII ones is not text in a Western code page.
ODD_SHARE_MAX = 0.5
_NON_ASCII = re.compile("[^\x00-\x7f]")
_IN_WORD_MARKS = frozenset("’‘´—–·\u00ad")  # it’s, well‑known, soft hyphens
_WORD_CATEGORIES = frozenset({"Lu", "Ll", "Lt", "Lm", "Lo", "Mn", "Mc", "Me", "Nd"})
_COMMON_MARKS = frozenset("’‘´“”„‚—–…«»‹›€£¥¢©®™°±·•§¶×÷¿¡\u00a0\u00ad")

BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)

MAGIC: tuple[tuple[int, bytes, str], ...] = (
    (0, b"%PDF-", "PDF"),
    (0, b"\x89PNG\r\n\x1a\n", "PNG"),
    (0, b"\xff\xd8\xff", "JPEG"),
    (0, b"GIF87a", "GIF"),
    (0, b"GIF89a", "GIF"),
    (8, b"WEBP", "WebP"),
    # The reader opens these before decoding; they get here only from the library's callers.
    *((0, magic, "ZIP") for magic in ZIP_MAGIC),
    *((0, magic, name) for name, magic in STREAMS),
    (0, b"7z\xbc\xaf\x27\x1c", "7z"),
    (0, b"\x7fELF", "ELF"),
    (0, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "OLE/MS Office"),
    (0, b"SQLite format 3\x00", "SQLite"),
    (0, b"\x00asm", "WebAssembly"),
    (0, b"OggS", "Ogg"),
    (0, b"fLaC", "FLAC"),
    (0, b"ID3", "MP3"),
    (4, b"ftyp", "MP4/ISO media"),
    (0, b"II*\x00", "TIFF"),
    (0, b"MM\x00*", "TIFF"),
    (0, b"\x00\x00\x01\x00", "ICO"),
)

# chardet's answers mapped to the codec we decode with: each legacy code page to its superset,
# so bytes the narrower table lacks still decode. Anything not named here is not trusted.
CHARDET_CODECS: dict[str, str] = {
    "ascii": "utf-8",
    "windows-1252": "cp1252",
    "iso-8859-1": "cp1252",
    "iso-8859-15": "iso-8859-15",
    "iso-8859-2": "cp1250",
    "windows-1250": "cp1250",
    "iso-8859-5": "iso-8859-5",
    "windows-1251": "cp1251",
    "koi8-r": "koi8-r",
    "maccyrillic": "mac-cyrillic",
    "ibm866": "cp866",
    "iso-8859-7": "cp1253",
    "windows-1253": "cp1253",
    "iso-8859-9": "cp1254",
    "windows-1254": "cp1254",
    "iso-8859-8": "cp1255",
    "windows-1255": "cp1255",
    "windows-1256": "cp1256",
    "iso-8859-13": "cp1257",
    "windows-1257": "cp1257",
    "windows-1258": "cp1258",
    "tis-620": "cp874",
    "shift_jis": "cp932",
    "cp932": "cp932",
    "euc-jp": "euc-jp",
    "iso-2022-jp": "iso-2022-jp",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "gb18030": "gb18030",
    "big5": "big5hkscs",
    "euc-kr": "cp949",
    "cp949": "cp949",
    "utf-8": "utf-8",
}

VALID_UTF8_MULTI = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
_ASCII = bytes(range(0x80))
CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f]")
# The same bytes for bytes.translate(None, ...), which counts them far faster than a regex.
_CONTROL_SET = bytes([*range(0x00, 0x09), *range(0x0E, 0x1B), *range(0x1C, 0x20), 0x7F])

# cp1252's printable characters in 0x80-0x9f, so mojibake made through cp1252 maps back.
_CP1252_HIGH = {
    bytes([b]).decode("cp1252"): b
    for b in range(0x80, 0xA0)
    if b not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)
}
# A run of characters that could be UTF-8 bytes misread as cp1252/latin-1: starts with a lead
# byte character (U+00C2-U+00F4) and continues with continuation-byte characters.
_BYTE_AS_CP1252 = [bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in range(256)]
_TO_LATIN1 = str.maketrans({c: chr(b) for c, b in _CP1252_HIGH.items()})
_CONT = "\u0080-\u00bf" + "".join(c for c, b in _CP1252_HIGH.items() if b <= 0xBF)
MOJIBAKE_RUN = re.compile(f"[\u00c2-\u00f4][{_CONT}]+")


@dataclass(frozen=True)
class Decoded:
    """Decoded text and how it was obtained."""

    text: str
    encoding: str
    replaced: int = 0
    repaired: bool = False
    # Bytes behind each U+FFFD the decoder put in text, in order: a bundle's parts are
    # decoded together, and each part counts only its own in `replaced`.
    runs: tuple[int, ...] = ()


@dataclass(frozen=True)
class DecodeFailure:
    """Why the bytes are not text."""

    reason: RejectReason
    detail: str


def _magic(data: bytes) -> str | None:
    for offset, sig, name in MAGIC:
        if data[offset : offset + len(sig)] == sig:
            return name
    return None


def _nul_pattern(sample: bytes) -> str | None:
    """Guess BOM-less UTF-16/32 from where the NUL bytes sit."""
    n = sample.count(0)
    if n < max(4, len(sample) // 50):
        return None
    by4 = [sample[k::4].count(0) for k in range(4)]
    quarter = len(sample) / 4
    # UTF-32: the two high bytes of every code unit are zero (BMP text), so both of those
    # positions are nearly always NUL; which two decides the byte order.
    if min(by4[2], by4[3]) >= 0.9 * quarter and (by4[2] + by4[3]) / n >= 0.6:
        return "utf-32-le"
    if min(by4[0], by4[1]) >= 0.9 * quarter and (by4[0] + by4[1]) / n >= 0.6:
        return "utf-32-be"
    odd = (by4[1] + by4[3]) / n
    if odd >= NUL_PARITY_MIN:
        return "utf-16-le"
    if 1 - odd >= NUL_PARITY_MIN:
        return "utf-16-be"
    return None


def _try(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _utf8_with_replacement(data: bytes) -> tuple[str, tuple[int, ...]] | None:
    """UTF-8 with a few bad bytes (truncated or spliced file): text, and the bytes of each
    bad run (one U+FFFD each)."""
    bad = 0
    runs: list[int] = []
    pos = 0
    limit = max(REPLACE_MIN_BYTES, int(len(data) * REPLACE_SHARE_MAX))
    parts: list[str] = []
    while True:
        try:
            parts.append(data[pos:].decode("utf-8"))
            break
        except UnicodeDecodeError as e:
            parts.append(data[pos : pos + e.start].decode("utf-8"))
            parts.append("\ufffd")
            bad += e.end - e.start
            runs.append(e.end - e.start)
            pos += e.end
            if bad > limit:
                return None
    if len(VALID_UTF8_MULTI.findall(data)) < REPLACE_EVIDENCE_RATIO * len(runs):
        return None
    return "".join(parts), tuple(runs)


def _oddities(text: str) -> int:
    """Non-ASCII characters a wrong code page leaves in words ('³' for 'ł' when cp1250 is read
    as cp1252): not a letter, mark or decimal digit, or a punctuation mark inside a word."""
    odd = 0
    for m in _NON_ASCII.finditer(text):
        c = m.group()
        if unicodedata.category(c) in _WORD_CATEGORIES:
            continue
        i = m.start()
        inside = 0 < i < len(text) - 1 and text[i - 1].isalpha() and text[i + 1].isalpha()
        odd += c not in _COMMON_MARKS or (inside and c not in _IN_WORD_MARKS)
    return odd


def _legacy(data: bytes) -> tuple[str, str] | DecodeFailure:
    """A legacy code page: cp1252 for nearly-ASCII text that reads cleanly, else chardet on a
    bounded sample; among Latin code pages the one that leaves fewer odd characters wins."""
    sample = data[:SAMPLE_BYTES]
    western, western_name = _try(data, "cp1252"), "cp1252"
    if western is None:
        # The five bytes cp1252 leaves undefined: latin-1 maps them to C1 controls instead.
        western, western_name = data.decode("latin-1"), "latin-1"
    head = western[:SAMPLE_BYTES]
    nearly_ascii = len(sample.translate(None, _ASCII)) <= (1 - ASCII_MAJORITY) * len(sample)
    if nearly_ascii and not _oddities(head):
        return western, f"{western_name}/ascii-majority"
    # chardet reads a sample around the non-ASCII bytes: that is where encodings differ.
    first = max(0, len(sample) - len(sample.lstrip(_ASCII)) - 64)
    guess = chardet.detect(data[first : first + CHARDET_SAMPLE_BYTES])
    name = (guess.get("encoding") or "").lower()
    confidence = float(guess.get("confidence") or 0.0)
    mapped = CHARDET_CODECS.get(name)
    if mapped is not None and mapped not in LATIN_CODECS:
        text = _try(data, mapped)
        # A multi-byte code page that decodes the whole file is evidence in itself.
        if text is not None and (confidence >= CHARDET_CONFIDENCE_MIN or mapped in MULTIBYTE):
            return text, f"{mapped}/chardet"
    options = [(western_name, western)]
    if mapped in LATIN_CODECS and mapped != "cp1252" and (text := _try(data, mapped)) is not None:
        options.append((mapped, text))
    scored = [(_oddities(t[:SAMPLE_BYTES]), k, codec, t) for k, (codec, t) in enumerate(options)]
    odd, _, codec, text = min(scored)
    high = len(_NON_ASCII.findall(head)) or 1
    if mapped is None and odd > ODD_SHARE_MAX * high:
        return DecodeFailure(
            RejectReason.UNDECODABLE,
            f"not UTF-8; best guess {name or 'none'} at confidence {confidence:.2f}",
        )
    return text, f"{codec}/{'chardet' if codec == mapped else 'latin-default'}"


def _unmojibake_run(m: re.Match[str]) -> str:
    run = m.group(0)
    raw = bytes(_CP1252_HIGH.get(c, ord(c)) for c in run)
    fixed = _try(raw, "utf-8")
    return fixed if fixed is not None else run


def mojibake(text: str) -> str:
    """What UTF-8 text looks like after being read as cp1252 (latin-1 for cp1252's five holes):
    the damage repair_mojibake undoes. For tests and benchmarks."""
    return "".join(_BYTE_AS_CP1252[b] for b in text.encode("utf-8"))


def repair_mojibake(text: str) -> tuple[str, bool]:
    """Undo UTF-8 that was read as cp1252/latin-1, one verified run at a time."""
    if not MOJIBAKE_RUN.search(text):
        return text, False
    # Fast paths: the whole text is mojibake, and one round trip in C undoes it; when cp1252
    # cannot take it (latin-1's C1 holes), map cp1252's specials back to their bytes first.
    for undo in (_via_cp1252, _via_latin1):
        try:
            whole = undo(text)
        except UnicodeError:
            continue
        return whole, whole != text
    fixed = MOJIBAKE_RUN.sub(_unmojibake_run, text)
    return fixed, fixed != text


def _via_cp1252(text: str) -> str:
    return text.encode("cp1252").decode("utf-8")


def _via_latin1(text: str) -> str:
    return text.translate(_TO_LATIN1).encode("latin-1").decode("utf-8")


def decode_bytes(data: bytes) -> Decoded | DecodeFailure:
    """Run the ladder: BOM, binary sniff, NUL pattern, UTF-8, UTF-8+replace, chardet; repair."""
    if not data.strip():
        return DecodeFailure(RejectReason.EMPTY, "no bytes" if not data else "only whitespace")
    result = _ladder(data)
    if isinstance(result, DecodeFailure):
        return result
    text, step_encoding, replaced, runs = result
    # Mojibake starts with a character in U+00C2-U+00F4, which UTF-8 writes as 0xC3 0x82-0xB4:
    # UTF-8 bytes without 0xC3 need no look for it.
    if step_encoding.startswith("utf-8") and b"\xc3" not in data:
        repaired = False
    else:
        text, repaired = repair_mojibake(text)
    if not text.strip():
        return DecodeFailure(RejectReason.EMPTY, "only whitespace after decoding")
    return Decoded(text, step_encoding, replaced, repaired, runs)


def _ladder(data: bytes) -> tuple[str, str, int, tuple[int, ...]] | DecodeFailure:
    for bom, codec in BOMS:
        if data.startswith(bom):
            text = _try(data[len(bom) :], codec)
            if text is not None:
                return text, f"{codec}/bom", 0, ()
    sample = data[:SAMPLE_BYTES]
    kind = _magic(sample)
    if kind is not None:
        return DecodeFailure(RejectReason.BINARY, f"{kind} data")
    replaced = 0
    if b"\x00" in sample:
        wide = _nul_pattern(sample)
        if wide is not None:
            decoded = _try(data, wide)
            if decoded is not None and not CONTROL_BYTES.search(decoded[:4096].encode()):
                return decoded, f"{wide}/nul-pattern", 0, ()
        nuls = data.count(b"\x00")
        if nuls > STRAY_NUL_SHARE_MAX * len(data):
            return DecodeFailure(RejectReason.BINARY, f"{nuls} NUL bytes fit no UTF-16/32 pattern")
        data, replaced = data.replace(b"\x00", b""), nuls
        sample = data[:SAMPLE_BYTES]
    controls = len(sample) - len(sample.translate(None, _CONTROL_SET))
    if controls > CONTROL_SHARE_MAX * max(len(sample), 1):
        return DecodeFailure(RejectReason.BINARY, "control bytes: not text")
    text = _try(data, "utf-8")
    if text is not None:
        return text, "utf-8" if not replaced else "utf-8/nul-stripped", replaced, ()
    partial = _utf8_with_replacement(data)
    if partial is not None:
        return partial[0], "utf-8/replace", replaced + sum(partial[1]), partial[1]
    guess = _legacy(data)
    if isinstance(guess, DecodeFailure):
        return guess
    return guess[0], guess[1], replaced, ()
