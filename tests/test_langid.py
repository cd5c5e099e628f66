"""Language tags: script first, Devanagari languages apart, Hinglish, 'und', determinism."""

from __future__ import annotations

import subprocess
import sys

import pytest

from newsingest.langid import detect_language

EN = (
    "The council met on Monday and agreed to fund the new library, which will open next "
    "year in the old market hall after a long campaign by residents of the town."
)
HI = (
    "राजधानी दिल्ली में मंगलवार सुबह से हो रही भारी बारिश के कारण कई इलाकों में पानी भर गया है "
    "और लोगों को दफ्तर पहुंचने में काफी परेशानी हुई।"
)
MR = (
    "मुंबईत मंगळवारी सकाळपासून जोरदार पाऊस सुरू आहे आणि अनेक भागांत पाणी साचले आहे. "
    "त्यामुळे लोकांना कामावर पोहोचण्यात अडचणी आल्या, असे पोलिसांनी सांगितले."
)
NE = (
    "काठमाडौंमा मंगलबार बिहानदेखि भारी वर्षा भइरहेको छ र धेरै ठाउँमा पानी जमेको छ। "
    "यसले गर्दा मानिसहरूलाई कार्यालय पुग्न समस्या भएको प्रहरीले बताएको छ।"
)
HINGLISH = (
    "Yaar aaj office mein bahut kaam tha aur boss ne bhi kaha ki kal tak report "
    "chahiye, toh main abhi ghar ja raha hoon lekin raat ko phir kaam karna hoga."
)


@pytest.mark.parametrize(
    "text, lang, script",
    [
        (EN, "en", "Latn"),
        (HI, "hi", "Deva"),
        (MR, "mr", "Deva"),
        (NE, "ne", "Deva"),
        (HINGLISH, "hi", "Latn"),
        ("মুখ্যমন্ত্রী আজ নতুন প্রকল্পের উদ্বোধন করেছেন এবং বলেছেন", "bn", "Beng"),
    ],
)
def test_languages(text: str, lang: str, script: str) -> None:
    r = detect_language(text)
    assert (r.language, r.script) == (lang, script)
    assert 0.5 <= r.confidence <= 1.0


@pytest.mark.parametrize("text", ["", "ok", "12 34 56", "!!!"])
def test_too_short_is_und(text: str) -> None:
    r = detect_language(text)
    assert r.language == "und" and r.confidence < 0.5


def test_mixed_article_shares() -> None:
    r = detect_language(HI + "\n\n" + HI + "\n\n" + EN)
    assert r.language == "hi" and set(r.languages) == {"hi", "en"}
    assert r.languages["hi"] > r.languages["en"] > 0


def test_same_answer_in_a_fresh_process() -> None:
    text = "Der Rat hat am Montag beschlossen, die neue Bibliothek zu finanzieren."
    here = detect_language(text)
    code = (
        "from newsingest.langid import detect_language as d; "
        f"r = d({text!r}); print(r.language, r.confidence)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == [here.language, str(here.confidence)]
