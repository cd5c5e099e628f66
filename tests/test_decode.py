"""The decode ladder: each step on bytes it is meant for, and never an exception."""

from __future__ import annotations

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from newsingest.decode import Decoded, DecodeFailure, decode_bytes, mojibake, repair_mojibake
from newsingest.models import RejectReason

EN = "It’s a “quoted” résumé — the café opened on Monday.\n" * 4
HI = "रूस के सरकारी टीवी ने यह वीडियो जारी किया है। किम और पुतिन घोड़े के साथ नजर आए।\n" * 4


def ok(data: bytes) -> Decoded:
    result = decode_bytes(data)
    assert isinstance(result, Decoded), result
    return result


def fail(data: bytes) -> DecodeFailure:
    result = decode_bytes(data)
    assert isinstance(result, DecodeFailure), result
    return result


def test_plain_utf8() -> None:
    d = ok(HI.encode())
    assert (d.text, d.encoding, d.replaced, d.repaired) == (HI, "utf-8", 0, False)


@pytest.mark.parametrize(
    "codec, bom, name",
    [
        ("utf-8", b"\xef\xbb\xbf", "utf-8/bom"),
        ("utf-16-le", b"\xff\xfe", "utf-16-le/bom"),
        ("utf-16-be", b"\xfe\xff", "utf-16-be/bom"),
        ("utf-32-le", b"\xff\xfe\x00\x00", "utf-32-le/bom"),
        ("utf-32-be", b"\x00\x00\xfe\xff", "utf-32-be/bom"),
    ],
)
def test_bom(codec: str, bom: bytes, name: str) -> None:
    d = ok(bom + HI.encode(codec))
    assert d.text == HI and d.encoding == name


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
@pytest.mark.parametrize("text", [EN, HI])
def test_bomless_wide_encodings(codec: str, text: str) -> None:
    d = ok(text.encode(codec))
    assert d.text == text and d.encoding == f"{codec}/nul-pattern"


def test_cp1252_english() -> None:
    d = ok(EN.encode("cp1252"))
    assert d.text == EN and d.encoding.startswith("cp1252/")


def test_cyrillic_cp1251() -> None:
    text = "Президент России заявил в среду, что переговоры продолжатся на следующей неделе.\n" * 5
    d = ok(text.encode("cp1251"))
    assert d.text == text


def test_truncated_multibyte_tail_is_replaced_and_counted() -> None:
    data = HI.encode()[:-2]
    d = ok(data)
    assert d.encoding == "utf-8/replace" and d.replaced >= 1 and d.text.endswith("\ufffd")


def test_legacy_bytes_are_not_replaced() -> None:
    # Two cp1252 quotes in English: not "UTF-8 with a couple of bad bytes".
    d = ok("He said \x93yes\x94 and left the room at noon today.".encode("latin-1") * 3)
    assert "\ufffd" not in d.text and "“yes”" in d.text


@pytest.mark.parametrize(
    "data, kind",
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "JPEG"),
        (b"PK\x03\x04\x14\x00\x00\x00", "ZIP"),
        (b"\x7fELF\x02\x01\x01", "ELF"),
    ],
)
def test_binary_magic(data: bytes, kind: str) -> None:
    f = fail(data + bytes(range(256)))
    assert f.reason is RejectReason.BINARY and kind in f.detail


def test_control_bytes_are_binary() -> None:
    assert fail(bytes(range(1, 32)) * 50).reason is RejectReason.BINARY


@pytest.mark.parametrize("data", [b"", b"   \n\t\n", "\u3000\n".encode()])
def test_empty(data: bytes) -> None:
    assert fail(data).reason is RejectReason.EMPTY


@pytest.mark.parametrize("text", [EN, HI, "It’s “fine” now, naïve café"])
def test_double_encoded_utf8_is_repaired(text: str) -> None:
    d = ok(mojibake(text).encode("utf-8"))
    assert d.repaired and d.text == text and d.encoding == "utf-8"


def test_repair_leaves_correct_text_alone() -> None:
    for text in (EN, HI, "Ça va? Él está aquí. Größe: 5 m². 1 € = 1,08 $"):
        assert repair_mojibake(text) == (text, False)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2048))
def test_never_raises_on_arbitrary_bytes(data: bytes) -> None:
    result = decode_bytes(data)
    assert isinstance(result, Decoded | DecodeFailure)


@settings(max_examples=100, deadline=None)
# A UTF-16 LE BOM followed by U+0000 is byte for byte a UTF-32 LE BOM: text starting with NUL
# cannot round-trip, in any decoder.
@given(
    st.text(min_size=1, max_size=300).filter(lambda t: not t.startswith("\x00")),
    st.sampled_from(["utf-8", "utf-16", "utf-32"]),
)
def test_unicode_with_bom_round_trips(text: str, codec: str) -> None:
    data = text.encode(codec)  # utf-16/32 write a BOM
    result = decode_bytes(data)
    if isinstance(result, Decoded) and not result.repaired:
        assert result.text == text


def test_damaged_utf8_is_replaced_not_read_as_latin1() -> None:
    # A page with a few multi-byte characters and four bad bytes: a damaged UTF-8 file, not
    # latin-1 to repair around its UTF-8 ("forÿþÃ( economic", replaced 0, repaired true).
    page = "The minister’s plan – a “new deal” – was announced for economic reform.\n" * 3
    data = page.encode().replace(b"for economic", b"for\xff\xfe\xc3( economic", 1)
    d = ok(data)
    assert d.encoding == "utf-8/replace" and d.replaced == 3 and not d.repaired
    assert d.text == data.decode("utf-8", "replace")
    assert not set("ÿþÃ") & set(d.text)


@settings(max_examples=60, deadline=None)
@given(
    words=st.lists(
        st.sampled_from(["news", "the", "of", "said", "rain", "रूस", "café", "“quoted”", "it’s"]),
        min_size=40,
        max_size=200,
    ),
    damage=st.lists(
        st.tuples(st.integers(0, 10_000), st.sampled_from([b"\xff", b"\xfe", b"\xc3", b"\x80"])),
        min_size=1,
        max_size=4,
    ),
)
def test_damaged_utf8_never_gains_characters(
    words: list[str], damage: list[tuple[int, bytes]]
) -> None:
    # Whatever few bytes are broken in a mostly-UTF-8 text, what comes out is the UTF-8
    # reading with U+FFFD in their place: no character the UTF-8 reading does not have.
    data = " ".join(words).encode()
    assume(sum(1 for w in words if not w.isascii()) >= len(damage))
    for at, bad in damage:
        k = at % len(data)
        while k and 0x80 <= data[k] < 0xC0:  # at a character boundary
            k -= 1
        data = data[:k] + bad + data[k:]
    d = ok(data)
    utf8 = data.decode("utf-8", "replace")
    assert d.encoding == "utf-8/replace" and d.text == utf8
    assert d.replaced == len(data) - len(utf8.replace("\ufffd", "").encode())
