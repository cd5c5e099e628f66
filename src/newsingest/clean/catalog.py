"""Every name a line's decision can carry: the chrome rules and the engine's own steps."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict

from .engine import hard_rule
from .model import packaged_model
from .rules import load_ruleset


class Decision(BaseModel):
    """One name that `explain` and records' `removed` use, and what it means."""

    model_config = ConfigDict(frozen=True)

    id: str
    source: str  # "rule" (from a rule file) or "engine" (a step of the cleaner)
    group: str | None = None
    kind: str | None = None
    why: str
    example: str | None = None
    # How the cleaner uses a rule: "hard" drops its lines whatever the line model says (its
    # lines were ~never gold body in training, or it is metadata or the user's own rule);
    # "feature" only informs the model. `measured`: training lines it matched, and how many
    # of them were gold body.
    decides: str | None = None
    measured: dict[str, int] | None = None


def decisions(rules_file: Path | None = None) -> list[Decision]:
    """The rules in file order (with a --rules file layered on top), then the engine's steps."""
    ruleset = load_ruleset(rules_file)
    model = packaged_model()
    measured = model.doc.get("training", {}).get("rule_measurements", {})
    out = [
        Decision(
            id=r.id,
            source="rule",
            group=r.group,
            kind=r.kind,
            why=r.why,
            example=r.example,
            decides="hard" if hard_rule(r, ruleset, model.hard_rules) else "feature",
            measured=measured.get(r.id),
        )
        for r in ruleset.rules
    ]
    out += [Decision(id=k, source="engine", why=v) for k, v in ruleset.decisions.items()]
    return out


class Setting(BaseModel):
    """A number or a word list the cleaner decides with, by its name in the rule files."""

    model_config = ConfigDict(frozen=True)

    name: str
    kind: str  # "threshold" ([thresholds]) or "words" ([words], [months])
    value: int | float | list[str] | dict[str, int]


def settings(rules_file: Path | None = None) -> list[Setting]:
    """The thresholds, then the word lists, merged from all rule files (and a --rules file)."""
    ruleset = load_ruleset(rules_file)
    out = [
        Setting(name=name, kind="threshold", value=value)
        for name, value in ruleset.thresholds.model_dump().items()
    ]
    words: dict[str, list[str] | dict[str, int]] = {
        "stopwords": sorted(ruleset.stopwords),
        "weekdays": sorted(ruleset.weekdays),
        "publish_cues": list(ruleset.publish_cues),
        "update_cues": list(ruleset.update_cues),
        "months": dict(sorted(ruleset.months.items(), key=lambda kv: (kv[1], kv[0]))),
    }
    out += [Setting(name=name, kind="words", value=value) for name, value in words.items()]
    return out
