"""Inputs built to hurt: huge single lines and pathological repetition finish, in bounded time."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from newsingest import parse_text
from newsingest.clean import clean_text


@contextmanager
def deadline(seconds: int) -> Iterator[None]:
    """Fail instead of hanging if a regex backtracks catastrophically."""

    def fail(signum: int, frame: object) -> None:
        raise TimeoutError(f"did not finish in {seconds}s")

    old = signal.signal(signal.SIGALRM, fail)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


@pytest.mark.parametrize(
    "unit",
    [
        "a",
        "Home ",
        "— ",
        "by ",
        "â€",
        "12/12/2024 ",
        "www.x.com/",
        "@a ",
        "Leave a ",
        "« ",
        "यह भी ",
    ],
)
def test_five_megabyte_single_line(unit: str) -> None:
    line = unit * (5_000_000 // len(unit.encode()))
    with deadline(60):
        result = clean_text(line)
    assert len(result.decisions) == 1


def test_many_short_lines() -> None:
    page = "\n".join(f"Home › Section {k} › Story" for k in range(50_000))
    with deadline(60):
        items = parse_text(page)
    assert len(items) == 1
