"""Decode ladder vs plain chardet: exact recovery and speed over encodings and damage types.

usage: python bench/decode.py [--bench DIR] [--repeat N]

Builds a corpus in memory from the seeds (English and Hindi) and the shared cleaning pages
(English, Russian, Japanese, Korean, Portuguese, …), each written in every encoding that can
represent it, plus damaged variants. A case counts as exact when the decoded text equals the
best text the bytes can give: the original (or, for a truncated file, the original with one
U+FFFD where the cut character was). The baseline is `chardet.detect` on the whole file and a
decode with errors="replace", run in the same process on the same bytes.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import chardet

from newsingest.decode import Decoded, decode_bytes, mojibake

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_BENCH = ROOT.parent / "shared" / "bench" / "cleaning"


# name -> how to make the bytes and the text a perfect decoder returns
CASES: dict[str, Callable[[str], tuple[bytes, str] | None]] = {
    "utf-8": lambda t: (t.encode("utf-8"), t),
    "utf-8 BOM": lambda t: (b"\xef\xbb\xbf" + t.encode("utf-8"), t),
    "utf-16-le BOM": lambda t: (b"\xff\xfe" + t.encode("utf-16-le"), t),
    "utf-16-be BOM": lambda t: (b"\xfe\xff" + t.encode("utf-16-be"), t),
    "utf-16-le no BOM": lambda t: (t.encode("utf-16-le"), t),
    "utf-16-be no BOM": lambda t: (t.encode("utf-16-be"), t),
    "utf-32-le no BOM": lambda t: (t.encode("utf-32-le"), t),
    "cp1252": lambda t: _legacy(t, "cp1252", LATIN),
    "iso-8859-15": lambda t: _legacy(t, "iso-8859-15", LATIN),
    "cp1251": lambda t: _legacy(t, "cp1251", CYRILLIC),
    "koi8-r": lambda t: _legacy(t, "koi8-r", CYRILLIC),
    "shift_jis": lambda t: _legacy(t, "shift_jis", KANA),
    "euc-kr": lambda t: _legacy(t, "euc-kr", HANGUL),
    "gb18030": lambda t: _legacy(t, "gb18030", HAN),
    "iso-8859-7": lambda t: _legacy(t, "iso-8859-7", GREEK),
    "cp1250": lambda t: _legacy(t, "cp1250", LATIN),
    "double-encoded utf-8": lambda t: (mojibake(t).encode("utf-8"), t),
    "truncated multibyte tail": lambda t: _truncated(t),
}


LATIN = re.compile("[A-Za-z\u00c0-\u024f]")
CYRILLIC = re.compile("[\u0400-\u04ff]")
KANA = re.compile("[\u3040-\u30ff\u4e00-\u9fff]")
HANGUL = re.compile("[\uac00-\ud7af]")
HAN = re.compile("[\u4e00-\u9fff]")
GREEK = re.compile("[\u0370-\u03ff]")
ANY_LETTER = re.compile(r"[^\W\d_]")


def _legacy(text: str, codec: str, script: re.Pattern[str]) -> tuple[bytes, str] | None:
    """A text in a legacy code page, when the page is written in that code page's script
    (an English page with three CJK menu items is no Shift-JIS page)."""
    letters = len(ANY_LETTER.findall(text)) or 1
    if len(script.findall(text)) < 0.3 * letters:
        return None
    try:
        data = text.encode(codec)
    except UnicodeEncodeError:
        return None  # this text cannot be written in that encoding
    # Only texts that need the code page (some non-ASCII) test anything.
    return (data, text) if not data.isascii() else None


def _truncated(text: str) -> tuple[bytes, str] | None:
    data = text.encode("utf-8")
    for cut in range(len(data) - 1, max(len(data) - 8, 0), -1):
        if data[cut] & 0xC0 == 0x80:  # inside a multi-byte character
            return data[:cut], data[:cut].decode("utf-8", errors="replace")
    return None


# Short news paragraphs written for this benchmark, so every code page has text in its script.
SAMPLES = {
    "ru": "Президент России заявил в среду, что переговоры о новом торговом соглашении "
    "продолжатся на следующей неделе. По словам чиновников, стороны обсудили поставки "
    "энергоносителей и сотрудничество в области транспорта.\n",
    "uk": "Уряд України в четвер ухвалив рішення про підвищення мінімальної заробітної плати "
    "з наступного року. Міністр фінансів пояснив, що кошти вже передбачені в бюджеті.\n",
    "ja": "東京都は水曜日、新しい防災計画を発表した。大雨や地震に備えて、避難所の数を増やし、"
    "住民への情報提供を強化するという。知事は「早めの準備が命を守る」と述べた。\n",
    "ko": "서울시는 수요일 새로운 대중교통 정책을 발표했다. 시는 내년부터 버스 노선을 확대하고 "
    "지하철 운행 시간을 늘릴 계획이라고 밝혔다.\n",
    "zh": "国家统计局周三公布的数据显示，今年前三个季度经济保持稳定增长，消费和投资均有所回升。"
    "专家表示，下半年政策效果将进一步显现。\n",
    "el": "Η κυβέρνηση ανακοίνωσε την Τετάρτη νέα μέτρα στήριξης για τα νοικοκυριά, "
    "καθώς οι τιμές της ενέργειας παραμένουν υψηλές.\n",
    "pl": "Rząd przyjął w środę projekt ustawy o ochronie środowiska. Minister powiedział, że "
    "nowe przepisy wejdą w życie na początku przyszłego roku i obejmą małe firmy.\n",
    "de": "Die Regierung hat am Mittwoch ein neues Gesetz über erneuerbare Energien beschlossen. "
    "Größere Anlagen sollen schneller genehmigt werden, sagte die Ministerin.\n",
}


def texts(bench: Path) -> list[tuple[str, str]]:
    found = [(f"sample-{lang}", text * 20) for lang, text in SAMPLES.items()]
    found += [
        (p.name, p.read_text(encoding="utf-8")) for p in sorted((ROOT / "seeds").glob("*.txt"))
    ]
    if (bench / "corpus").exists():
        found += [
            (p.name, p.read_text(encoding="utf-8"))
            for p in sorted((bench / "corpus").glob("*.txt"))
        ]
    return found


def ladder(data: bytes) -> str | None:
    r = decode_bytes(data)
    return r.text if isinstance(r, Decoded) else None


def plain_chardet(data: bytes) -> str | None:
    enc = chardet.detect(data).get("encoding")
    if not enc:
        return None
    try:
        return data.decode(enc, errors="replace")
    except LookupError:
        return None


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--bench", type=Path, default=DEFAULT_BENCH)
    args = ap.parse_args()
    corpus: list[tuple[str, bytes, str]] = []
    for _, text in texts(args.bench):
        for case, make in CASES.items():
            made = make(text)
            if made is not None:
                corpus.append((case, *made))
    total_bytes = sum(len(d) for _, d, _ in corpus)
    rows: dict[str, dict[str, list[int]]] = defaultdict(
        lambda: {"ladder": [0, 0], "chardet": [0, 0]}
    )
    speed = {}
    chardet.detect("warm up: chardet loads its models on first use".encode("utf-16"))
    for name, fn in (("ladder", ladder), ("chardet", plain_chardet)):
        t0 = time.perf_counter()
        results = [fn(data) for _, data, _ in corpus]
        speed[name] = total_bytes / (time.perf_counter() - t0) / 1e6
        for (case, _, want), got in zip(corpus, results, strict=True):
            rows[case][name][0] += got == want
            rows[case][name][1] += 1
    print(f"{len(corpus)} files, {total_bytes / 1e6:.1f} MB, {len(CASES)} encodings/damage types\n")
    print("| case | files | ladder exact | chardet exact |\n|---|---|---|---|")
    worse = []
    for case in CASES:
        if case not in rows:
            continue
        (lo, ln), (co, cn) = rows[case]["ladder"], rows[case]["chardet"]
        print(f"| {case} | {ln} | {lo / ln:.1%} | {co / cn:.1%} |")
        if lo < co:
            worse.append(case)
    lo = sum(r["ladder"][0] for r in rows.values())
    co = sum(r["chardet"][0] for r in rows.values())
    n = len(corpus)
    print(f"| **all** | {n} | **{lo / n:.1%}** | {co / n:.1%} |\n")
    print(
        f"speed: ladder {speed['ladder']:.1f} MB/s, chardet {speed['chardet']:.1f} MB/s "
        f"(ratio {speed['ladder'] / speed['chardet']:.1f}x)"
    )
    print("never worse than chardet on a case:", "yes" if not worse else f"NO: {', '.join(worse)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
