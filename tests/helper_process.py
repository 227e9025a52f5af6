"""What the import's helper process (zsdesk/xlsx/check_worker.py) has open, for the tests that look at it."""

from __future__ import annotations

import time
from pathlib import Path

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
