"""Every name a line's decision can carry: the chrome rules and the engine's own steps."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict

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


def decisions(rules_file: Path | None = None) -> list[Decision]:
    """The rules in file order (with a --rules file layered on top), then the engine's steps."""
    ruleset = load_ruleset(rules_file)
    out = [
        Decision(id=r.id, source="rule", group=r.group, kind=r.kind, why=r.why, example=r.example)
        for r in ruleset.rules
    ]
    out += [Decision(id=k, source="engine", why=v) for k, v in ruleset.decisions.items()]
    return out
