"""Per-document budget: a CPU-time limit, so one pathological document cannot stall a run."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


class DocumentTimeout(BaseException):
    """The document used up its budget. A BaseException, so that no `except Exception` on the
    way (in the cleaner, say) swallows it and lets the document run on."""


_state = {"armed": False}


def _expire(signum: int, frame: FrameType | None) -> None:
    # A tick that arrives just after a document finished (the timer is disarmed right after)
    # must not hit the next one or whatever runs between documents.
    if _state["armed"]:
        _state["armed"] = False
        raise DocumentTimeout


def timer_available() -> bool:
    """A budget needs setitimer and the main thread, where Python runs signal handlers: true
    in the CLI and its worker processes, not in a Dask worker's task threads."""
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


@contextmanager
def cpu_budget(seconds: float | None) -> Iterator[None]:
    """Raise DocumentTimeout inside the block once it has used `seconds` of the process's CPU
    time (user + system: a busy machine slows the clock, not the count). No limit when
    seconds is 0 or None, or where no timer is available. The handler is installed once per
    process and stays (restoring the default between documents would let a late tick kill
    the process: SIGPROF's default action is to terminate)."""
    if not seconds or not timer_available():
        yield
        return
    if signal.getsignal(signal.SIGPROF) is not _expire:
        signal.signal(signal.SIGPROF, _expire)
    _state["armed"] = True
    signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        yield
    finally:
        _state["armed"] = False
        signal.setitimer(signal.ITIMER_PROF, 0)
