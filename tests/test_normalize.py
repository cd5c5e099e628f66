"""Normalization: NFC, spaces, invisible characters, Devanagari vowel-sign mends."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from newsingest.clean.lines import fold_key
from newsingest.normalize import normalize_line, normalize_text


def test_broken_devanagari_o_is_mended() -> None:
    assert normalize_text("घाेड़े") == "घोड़े"
    assert normalize_text("औ: काैन") == "औ: कौन"


def test_nfc_not_nfkc() -> None:
    assert normalize_text("e\u0301") == "é"
    assert normalize_text("ﬁ ①") == "ﬁ ①"  # compatibility forms are kept


def test_zero_width_dropped_but_devanagari_joiners_kept() -> None:
    assert normalize_text("a\u200bb\ufeffc\u00add") == "abcd"
    assert normalize_text("क्\u200dष") == "क्\u200dष"
    assert normalize_text("a\u200db") == "ab"


def test_spaces_collapse_quotes_stay() -> None:
    assert normalize_line("  “Hi,”\u00a0\u00a0she\tsaid — ‘ok’  ") == "“Hi,” she said — ‘ok’"


def test_line_breaks_unified() -> None:
    assert normalize_text("a\r\nb\rc\u2028d") == "a\nb\nc\nd"


@given(st.text())
def test_normalize_is_idempotent(text: str) -> None:
    once = normalize_text(text)
    assert normalize_text(once) == once
    assert unicodedata.is_normalized("NFC", once)


def test_line_keys_keep_indic_vowel_signs() -> None:
    # Without its vowel signs "मिलेगा" folds to "म ल ग" and unrelated lines share keys.
    assert fold_key("दो वेरिएंट में मिलेगा फोन।") == "दो वेरिएंट में मिलेगा फोन"
    assert fold_key("Héllo, Wörld_x") == "héllo wörld x"
