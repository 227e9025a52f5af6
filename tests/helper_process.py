"""What the helper process (zsdesk/xlsx/check_worker.py) has open, and what it answers a board, for the tests
that look at it."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from zsdesk.board.beside import FundsHalf, FundsJob
from zsdesk.xlsx.check_worker import WORKER


def helper_holds(path: Path) -> bool:
    """Whether the helper has ``path`` open (Linux: its file descriptors)."""
    proc = WORKER._proc  # noqa: SLF001 - the helper process itself
    if proc is None:
        return False
    held = set()
    for fd in Path(f"/proc/{proc.pid}/fd").iterdir():
        try:
            held.add(Path(fd.readlink()))
        except OSError:  # closed meanwhile
            continue
    return path.resolve() in held


def helper_lets_go(path: Path, seconds: float = 15) -> bool:
    """Whether the helper closes ``path`` within ``seconds``."""
    end = time.monotonic() + seconds
    while helper_holds(path):
        if time.monotonic() > end:
            return False
        time.sleep(0.05)
    return True


class Spy:
    """``WORKER.board_funds`` as the board calls it, with what the helper answered (None: it was not asked, or
    could not take it), and an optional step run just before the answer is awaited."""

    def __init__(self, before: Callable[[], None] | None = None) -> None:
        self.jobs: list[FundsJob] = []
        self.halves: list[FundsHalf | None] = []
        self.before = before

    @contextmanager
    def __call__(self, job: FundsJob) -> Iterator[Callable[[], FundsHalf] | None]:
        self.jobs.append(job)
        with WORKER.board_funds(job) as receive:
            if receive is None:
                self.halves.append(None)
                yield None
                return

            def answer() -> FundsHalf:
                if self.before is not None:
                    self.before()
                half = receive()
                self.halves.append(half)
                return half
            yield answer
