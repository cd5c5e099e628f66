"""Assemble pages.json: each hand-written story (stories.json) inside site templates
(templates.json), every line labelled title/date/body/chrome by construction.

Run from anywhere: python tests/cases/hindi/build.py  (the output is committed).

A story is {"title", "date", "body": [paragraph, ...]} and may have
- "highlights": short bullets that sit directly under the headline, labelled body (they go
  right after the template's title line);
- "chrome_before": {"k": [line, ...]}: lines of the story that are not body, placed before body
  paragraph k (the timestamps of a live blog's entries).
A template is {"name", "blank_lines", "lines": [[label, text], ...]} with one ["body", "*"] slot,
and may have "after_para": {"k": [[label, text], ...]}: lines placed after body paragraph k
(a photo with its caption and credit, an app banner), and the older single-line forms
"read_also_after"/"read_also" and "tweet_after".
short_texts.json beside them is not built: hand-written short texts (verse, lyrics, a one-line
quote, a snippet), a list of {"label", "text"} with no chrome in them, all of whose lines are body.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

HERE = Path(__file__).parent
MONTHS_HI = [
    "जनवरी",
    "फरवरी",
    "मार्च",
    "अप्रैल",
    "मई",
    "जून",
    "जुलाई",
    "अगस्त",
    "सितंबर",
    "अक्टूबर",
    "नवंबर",
    "दिसंबर",
]
WEEKDAYS_HI = ["सोमवार", "मंगलवार", "बुधवार", "गुरुवार", "शुक्रवार", "शनिवार", "रविवार"]
DEVA = str.maketrans("0123456789", "०१२३४५६७८९")
TODAY = dt.date(2024, 12, 31)  # the "today" widget some sites show above the headline
TWEET = [
    "Heavy rain lashes the capital, several roads waterlogged. Visuals from ITO. pic.twitter.com/Ab12Cd34Ef",
    "— ANI (@ANI) {mon_en} {d}, {yyyy}",
]
PAGES_PER_STORY = 3


def fields(title: str, date: dt.date) -> dict[str, str]:
    return {
        "title": title,
        "title_short": " ".join(title.split()[:5]) + "...",
        "d": str(date.day),
        "d_deva": str(date.day).translate(DEVA),
        "mon_hi": MONTHS_HI[date.month - 1],
        "mon_en": date.strftime("%B"),
        "mon_en3": date.strftime("%b"),
        "yyyy": str(date.year),
        "yyyy_deva": str(date.year).translate(DEVA),
        "weekday_en": date.strftime("%A"),
        "weekday_en3": date.strftime("%a"),
        "weekday_hi": WEEKDAYS_HI[TODAY.weekday()],
        "yyyy_today": str(TODAY.year),
    }


def page(story: dict, tpl: dict) -> dict:
    date = dt.date.fromisoformat(story["date"])
    f = fields(story["title"], date)
    # The today widget shows TODAY, not the story's date.
    today = fields(story["title"], TODAY)
    lines: list[list[str]] = []
    stamps = story.get("chrome_before", {})
    inserts = tpl.get("after_para", {})
    for label, text in tpl["lines"]:
        if label == "body":
            for k, para in enumerate(story["body"]):
                lines.extend(["chrome", t] for t in stamps.get(str(k), []))
                lines.append(["body", para])
                if tpl.get("read_also_after") == k:
                    lines.append(["chrome", tpl["read_also"]])
                if tpl.get("tweet_after") == k:
                    lines.extend(["chrome", t.format(**f)] for t in TWEET)
                lines.extend([lab, t.format(**f)] for lab, t in inserts.get(str(k), []))
            continue
        values = today if "{yyyy_today}" in text else f
        lines.append([label, text.format(**{**values, "d": values["d"]})])
        if label == "title":
            lines.extend(["body", h] for h in story.get("highlights", []))
    return {
        "label": f"{tpl['name']}: {story['title']}",
        "blank_lines": tpl["blank_lines"],
        "lines": lines,
        "title": story["title"],
        "published": story["date"],
    }


def main() -> None:
    stories = json.loads((HERE / "stories.json").read_text(encoding="utf-8"))
    templates = json.loads((HERE / "templates.json").read_text(encoding="utf-8"))
    pages = [
        page(story, templates[(i + j) % len(templates)])
        for i, story in enumerate(stories)
        for j in range(PAGES_PER_STORY)
    ]
    out = HERE / "pages.json"
    out.write_text(json.dumps(pages, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{len(pages)} pages -> {out}")


if __name__ == "__main__":
    main()
