"""Regenerate the parts of the docs that the code knows best, between markers:

<!-- gen: help parse -->          `newsingest parse --help`
<!-- gen: exit-codes -->          the exit codes, from the commands' help
<!-- gen: validate-codes -->      validate's checks (newsingest.validate.CODES)
<!-- gen: reasons -->             reject reasons (newsingest.models.REJECT_REASON_HELP)
<!-- gen: schema Article -->      a model's fields, types and descriptions
<!-- gen: json-schema Reject -->  a model's JSON Schema, as `newsingest schema` prints it
<!-- gen: include PATH LANG -->   a file of the repository, verbatim
...
<!-- end gen -->

python docs/gen.py          rewrite the pages in place
python docs/gen.py --check  exit 1 and name the pages that are out of date (CI, tests)
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from pydantic import BaseModel

from newsingest import Article, Reject
from newsingest.cli import cli
from newsingest.models import REJECT_REASON_HELP
from newsingest.validate import CODES

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
MARKER = re.compile(r"(<!-- gen: (?P<what>[^>]+?) -->\n)(?P<body>.*?)(<!-- end gen -->)", re.S)
MODELS: dict[str, type[BaseModel]] = {"Article": Article, "Reject": Reject}
HELP_WIDTH = 100


def help_text(*command: str) -> str:
    result = CliRunner().invoke(
        cli, [*command, "--help"], prog_name="newsingest", terminal_width=HELP_WIDTH
    )
    if result.exit_code != 0:
        raise RuntimeError(f"newsingest {' '.join(command)} --help failed: {result.output}")
    shown = " ".join(["newsingest", *command, "--help"])
    return f"```text\n$ {shown}\n{result.stdout.rstrip()}\n```\n"


def exit_codes() -> str:
    """The table of exit codes, read from the 'Exit codes: 0 ...; 1 ...; 2 ...' paragraph of
    each command's help, so the docs say what --help says."""
    columns: dict[str, dict[str, str]] = {}
    for name in ("parse", "validate"):
        command = cli.commands[name]
        text = " ".join((command.help or "").split())
        found = re.search(r"Exit codes: (.*?)\.?$", text)
        if found is None:
            raise RuntimeError(f"the help of {name} has no 'Exit codes: 0 ...; 1 ...' paragraph")
        # "130/143 interrupted by SIGINT/SIGTERM": codes that share a meaning share a row.
        parts = re.split(r"(?:^|;\s+)(\d+(?:/\d+)*)\s+", found.group(1))[1:]
        codes_of = (" / ".join(c.split("/")) for c in parts[::2])
        columns[name] = dict(zip(codes_of, parts[1::2], strict=True))
    codes = sorted({c for col in columns.values() for c in col}, key=lambda c: int(c.split()[0]))
    rows = ["| code | `parse` | `validate` |", "|---|---|---|"]
    for c in codes:
        rows.append(f"| {c} | {columns['parse'].get(c, '')} | {columns['validate'].get(c, '')} |")
    return "\n".join(rows) + "\n"


def validate_codes() -> str:
    rows = ["| code | severity | check | what to do |", "|---|---|---|---|"]
    for code, (severity, title, hint) in CODES.items():
        rows.append(f"| {code} | {severity.value} | {title} | {hint} |")
    return "\n".join(rows) + "\n"


def reasons() -> str:
    rows = ["| reason | meaning |", "|---|---|"]
    rows += [f"| `{r.value}` | {text} |" for r, text in REJECT_REASON_HELP.items()]
    return "\n".join(rows) + "\n"


def _json_type(prop: dict[str, Any]) -> str:
    if "anyOf" in prop:
        return " or ".join(_json_type(p) for p in prop["anyOf"])
    if "$ref" in prop:
        return "string (code)"
    kind = str(prop.get("type", "any"))
    if kind == "object" and "additionalProperties" in prop:
        return f"object of {_json_type(prop['additionalProperties'])}"
    return kind


def schema_table(name: str) -> str:
    schema = MODELS[name].model_json_schema()
    rows = ["| field | JSON type | meaning |", "|---|---|---|"]
    for field, prop in schema["properties"].items():
        desc = str(prop.get("description", "")).replace("|", "\\|")
        rows.append(f"| `{field}` | {_json_type(prop)} | {desc} |")
    return "\n".join(rows) + "\n"


def json_schema(name: str) -> str:
    text = json.dumps(MODELS[name].model_json_schema(), ensure_ascii=False, indent=2)
    return f"```json\n{text}\n```\n"


def include(path: str, lang: str = "text") -> str:
    """A file of the repository, verbatim (the CI workflow sample, a saved output)."""
    text = (ROOT / path).read_text(encoding="utf-8").rstrip("\n")
    return f"```{lang}\n{text}\n```\n"


def record_example(number: str) -> str:
    """Record NUMBER (1-based) of samples/seeds.jsonl, its text and hash cut short."""
    lines = (ROOT / "samples" / "seeds.jsonl").read_text(encoding="utf-8").splitlines()
    record = json.loads(lines[int(number) - 1])
    record["text"] = record["text"][:60].rstrip() + "…"
    record["sha256"] = record["sha256"][:12] + "…"
    text = json.dumps(record, ensure_ascii=False, separators=(",", ":"))
    return f"```json\n{text}\n```\n"


GENERATORS: dict[str, Callable[..., str]] = {
    "include": include,
    "record-example": record_example,
    "help": help_text,
    "exit-codes": exit_codes,
    "validate-codes": validate_codes,
    "reasons": reasons,
    "schema": schema_table,
    "json-schema": json_schema,
}


def render(text: str, where: str = "") -> str:
    """The page with every generated part made anew."""

    def one(m: re.Match[str]) -> str:
        kind, *args = m.group("what").split()
        if kind not in GENERATORS:
            raise RuntimeError(f"{where}: unknown generator {kind!r}")
        return m.group(1) + GENERATORS[kind](*args) + m.group(4)

    return MARKER.sub(one, text)


def pages() -> list[Path]:
    return sorted(DOCS.rglob("*.md"))


def stale() -> dict[Path, str]:
    """Pages whose generated parts differ from what the code says now, with their new text."""
    out = {}
    for page in pages():
        text = page.read_text(encoding="utf-8")
        new = render(text, str(page))
        if new != text:
            out[page] = new
    return out


def main(argv: list[str]) -> int:
    changed = stale()
    if "--check" in argv:
        for page in changed:
            print(f"{page.relative_to(ROOT)} is out of date: run python docs/gen.py")
        return 1 if changed else 0
    for page, text in changed.items():
        page.write_text(text, encoding="utf-8")
        print(f"regenerated {page.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
