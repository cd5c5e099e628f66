"""Progress on stderr: a live status line on a terminal, plain lines at a steady rate in logs.

Inputs are counted by following the input list (items come back in input order, and an
item's source starts with the input path it came from), so the count, the rate and the ETA
are those of whole inputs, whatever bundles or archives hold."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from typing import Any, Literal

from rich.console import Console

from .models import Item, Reject

# Seconds between two plain progress lines: a steady trickle in a CI log, not a flood.
LINE_INTERVAL = 10.0
LOOKAHEAD = 1000

Mode = Literal["live", "lines"]


def progress_mode(requested: bool | None, is_terminal: bool) -> Mode | None:
    """--progress: live on a terminal, plain lines elsewhere; default: live on a terminal
    only; --no-progress: nothing."""
    if requested is False:
        return None
    if is_terminal:
        return "live"
    return "lines" if requested else None


def _clock(seconds: float) -> str:
    s = int(seconds + 0.5)
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}"


class Progress:
    """Counts inputs, records and rejects, and shows them."""

    def __init__(
        self,
        console: Console,
        mode: Mode | None,
        inputs: Sequence[str] | None = None,
        verb: str = "parsing",
        interval: float = LINE_INTERVAL,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.console = console
        self.mode = mode
        self.inputs = list(inputs) if inputs is not None else None
        self.verb = verb
        self.interval = interval
        self.clock = clock
        self.start = clock()
        self.last = self.start
        self.done = 0  # inputs before the current one
        self.records = 0
        self.rejects = 0
        self._status: AbstractContextManager[Any] | None = None
        self._live: Any = None

    def __enter__(self) -> Progress:
        if self.mode == "live":
            self._status = self.console.status(f"{self.verb}…", spinner="dots")
            self._live = self._status.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._status is not None:
            self._status.__exit__(None, None, None)
        elif self.mode == "lines" and exc[0] is None:
            self.done = len(self.inputs) if self.inputs is not None else self.done
            self.console.print(self.line(final=True), markup=False)

    def _advance(self, source: str) -> None:
        if self.inputs is None:
            return
        # Items come in input order; a bounded look-ahead keeps a source that matches no
        # input (it should not happen) from costing a scan of the whole list per item.
        for k in range(self.done, min(self.done + LOOKAHEAD, len(self.inputs))):
            p = self.inputs[k]
            if source == p or source.startswith((p + "!", p + "#")):
                self.done = k
                return

    def item(self, item: Item) -> None:
        if isinstance(item, Reject):
            self.rejects += 1
        else:
            self.records += 1
        if self.mode is None:
            return
        self._advance(item.source)
        now = self.clock()
        if self.mode == "live":
            if (self.records + self.rejects) % 50 == 0:
                self._live.update(f"{self.verb}… {self.records} records, {self.rejects} rejects")
        elif now - self.last >= self.interval:
            self.last = now
            self.console.print(self.line(), markup=False)

    def line(self, final: bool = False) -> str:
        elapsed = max(self.clock() - self.start, 1e-9)
        items = self.records + self.rejects
        head = f"newsingest: {self.verb} {'done' if final else 'at'}"
        if self.inputs is not None:
            total = len(self.inputs)
            share = f" ({100 * self.done // total}%)" if total else ""
            head += f" {self.done}/{total} inputs{share},"
        text = (
            f"{head} {self.records} records, {self.rejects} rejects,"
            f" {items / elapsed:.1f} articles/s, {_clock(elapsed)} elapsed"
        )
        if not final and self.inputs is not None and self.done:
            left = (len(self.inputs) - self.done) * elapsed / self.done
            text += f", ETA {_clock(left)}"
        return text
