"""Language tags: script first, Devanagari languages apart, Hinglish, 'und', determinism."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

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
    # langdetect's seeded path, and the word-evidence path (diacritic folding, caches)
    texts = [
        "Der Rat hat am Montag beschlossen, die neue Bibliothek zu finanzieren.",
        "merā nām kyā hai",
    ]
    here = [detect_language(t) for t in texts]
    code = (
        "from newsingest.langid import detect_language as d\n"
        f"for t in {texts!r}:\n"
        "    r = d(t); print(r.language, r.script, r.confidence)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split("\n")[:2] == [f"{r.language} {r.script} {r.confidence}" for r in here]


# Romanized Hindi as lyrics, verse, diacritic transliteration and two-word snippets.
@pytest.mark.parametrize(
    "text",
    [
        "Teri galiyon mein phir se aaya hoon main",  # lyric line
        "Kaun kise samjhaaye, dil ki baat dil hi jaane",  # verse
        "Saajan ki yaad mein\nraat bhar jaagi\nchanda bhi roya\nmere saath",  # stanza
        "merā nām kyā hai",  # ISO 15919 / IAST
        "kal śām ko mẽ bāzār jāū̃gā",  # dot, acute and tilde marks
        "kya haal hai",  # snippet under the letters langdetect needs
        "abhi aata hoon",
    ],
)
def test_romanized_hindi(text: str) -> None:
    r = detect_language(text)
    assert (r.language, r.script) == ("hi", "Latn")


# English lines that carry Indian names, places, Hindi loanwords, or words that look Hindi
# when folded ("use", "car", "app"): never romanized Hindi.
@pytest.mark.parametrize(
    "text",
    [
        "Rahul Gandhi met Narendra Modi in Varanasi on Tuesday.",
        "Prem Chand and Suraj Lal were arrested in Meerut on Friday.",
        "Deepika Padukone, Ranveer Singh, Alia Bhatt",
        "The film's title song 'Dil Se Mila' was a hit with the crowd.",
        "Pilgrims walked in the yatra despite the heat.",
        "Continue reading the main story",
        "Use the app in your car",
        "Ravi Tendulkar",
    ],
)
def test_english_stays_english(text: str) -> None:
    assert detect_language(text).language == "en"


@pytest.mark.parametrize("text", ["آپ کہاں جا رہے ہیں؟", "بہت شکریہ", "دفتر بند ہے۔", "گھر چلو"])
def test_urdu_one_liners(text: str) -> None:
    r = detect_language(text)
    assert (r.language, r.script) == ("ur", "Arab")


@pytest.mark.parametrize(
    "text, lang",
    [("क्या आप कल आएंगे?", "hi"), ("तुम्ही उद्या याल का?", "mr"), ("तपाईं भोलि आउनुहुन्छ?", "ne")],
)
def test_short_devanagari(text: str, lang: str) -> None:
    assert detect_language(text).language == lang


def test_marathi_that_quotes_hindi_is_marathi() -> None:
    # A Marathi fact-check teaser quoting a Hindi social media post at length.
    text = (
        "फॅक्ट चेक : शाळा खरंच बंद होणार आहेत का?\n\n"
        "“सभी स्कूल अगले महीने से बंद रहेंगे, सरकार ने यह फैसला किया है और बच्चों को घर पर "
        "ही पढ़ाई करनी होगी, यह खबर सब को भेजें” अशी एक पोस्ट सध्या व्हायरल होत आहे. "
        "आम्ही या पोस्टची पडताळणी केली आहे."
    )
    assert detect_language(text).language == "mr"


# A Marathi headline over a teaser that is one long Hindi quote with a Marathi tail.
_MR_HEADLINE = "सत्य पडताळणी : मंत्र्यांनी खरंच असे वक्तव्य केले होते का?"
_HI_QUOTE_TEASER = (
    "“अगर अगले साल तक सड़कें नहीं बनीं तो मैं राजनीति छोड़ दूँगा, हम हर गाँव तक बिजली "
    "पहुँचाएंगे और किसानों का कर्ज़ माफ़ कर देंगे, यह मेरा वादा है” अशी एक पोस्ट […]"
)


def test_the_title_is_evidence_for_the_article_language() -> None:
    assert detect_language(_HI_QUOTE_TEASER).language == "hi"  # the text alone reads Hindi
    tagged = detect_language(_HI_QUOTE_TEASER, title=_MR_HEADLINE)
    assert tagged.language == "mr"
    # A title in the text's own language changes nothing.
    hindi = "मैं राजनीति छोड़ दूँगा: मंत्री का वादा"
    assert detect_language(_HI_QUOTE_TEASER, title=hindi).language == "hi"


def test_a_title_in_another_script_is_no_evidence() -> None:
    english = "Heavy rain in Delhi causes chaos across the city on Tuesday"
    assert detect_language(HI, title=english) == detect_language(HI)
    assert detect_language("बारिश से भारी परेशानी", title=english).script == "Deva"
    assert detect_language("", title=english).language == "und"


def test_a_record_is_tagged_with_its_title(tmp_path: Path) -> None:
    from newsingest import Article, parse_paths

    page = tmp_path / "fc_0001.txt"
    page.write_text(f"{_MR_HEADLINE}\n\n{_HI_QUOTE_TEASER}\n", encoding="utf-8")
    (record,) = parse_paths([str(page)])
    assert isinstance(record, Article)
    assert record.title == _MR_HEADLINE
    assert record.language == "mr"


def test_folding_meets_spellings() -> None:
    from newsingest.langid import fold

    assert fold("nām") == fold("naam") == fold("Naam") == "nam"
    assert fold("cāhie") == fold("chahie")
    assert fold("śām") == fold("shaam")


def test_other_latin_languages_are_not_hindi() -> None:
    # "de", "se", "ne" are Hindi words too: Portuguese, French and Spanish lines keep theirs.
    for text in [
        "Calendário: 10 de março, 8 de abril e 22 de maio em Curitiba",
        "Il ne se passe rien de nouveau dans la ville ce soir",
    ]:
        assert detect_language(text).language != "hi"


def test_capitalized_words_inside_a_sentence_are_names_whatever_list() -> None:
    # "Lajpat Nagar", "Green Park": capitalized English or Hindi words inside a lower-case
    # romanized Hindi line weigh as names, not as English or Hindi.
    for text in ["Didi ye auto Police Line jaayega na?", "Ye bus Model Town jaayegi kya?"]:
        assert detect_language(text).language == "hi"
    assert detect_language("Sagar and Prem Kumar met at Green Park.").language == "en"


@pytest.mark.parametrize("text", ["तिम्रो नाम के हो?", "तुझं नाव काय आहे?", "के कि"])
def test_short_marathi_or_nepali_never_hindi(text: str) -> None:
    # के, कि, की, का are Hindi markers and Marathi or Nepali words too.
    assert detect_language(text).language != "hi"


def test_hinglish_full_of_words_english_spells_too() -> None:
    # "the" (were), "to" (so), "is" (this) are English function words as well: a long
    # romanized Hindi paragraph with many of them is still Hindi, alone or as a page.
    text = (
        "Is baar to main bhi sochta tha ki woh log the hi nahi, to is baat ka kya matlab tha? "
        "Is sab ke baad to hum bhi wahan the aur tum bhi the, to phir is pe kya bolna."
    )
    assert detect_language(text).language == "hi"
    assert detect_language(text + "\n\n" + text).language == "hi"


@pytest.mark.parametrize("text", ["विद्युत प्राधिकरण विवाद समाधान", "जोखिममा को"])
def test_devanagari_without_a_word_only_hindi_uses_is_not_hindi(text: str) -> None:
    # Headlines of Sanskrit-derived nouns are as much Nepali or Marathi as Hindi: `und`.
    assert detect_language(text).language != "hi"


@pytest.mark.parametrize(
    "text, lang",
    [("खेलाडीहरूले स्वर्ण पदक जितिन्", "ne"), ("सकाळच्या सत्रात शेअर बाजार वधारला", "mr")],
)
def test_marathi_and_nepali_spelling_without_marker_words(text: str, lang: str) -> None:
    # ळ is Marathi spelling, a word-final virama Nepali spelling.
    assert detect_language(text).language == lang


@pytest.mark.parametrize(
    "text", ["Rupee gains on export data", "Bank holds key rate at 6.5%", "Tata bids for Air India"]
)
def test_english_headline_without_trace_of_another_language(text: str) -> None:
    # langdetect says fr, or is unsure, on short headlines: English words and no word or
    # letter of another language make them English.
    assert detect_language(text).language == "en"


@pytest.mark.parametrize(
    "text", ["Der Präsident kommt morgen nach Berlin", "Het regent vandaag in Amsterdam"]
)
def test_other_latin_lines_keep_langdetects_verdict(text: str) -> None:
    assert detect_language(text).language not in ("en", "hi")
