"""What the screenshot scripts share: the demo district in a temporary ledger, waiting for the window to
settle (and for work on the runner), and saving a widget as it is seen at the office PC's screen size.

The scripts run under a real X server, e.g. ``xvfb-run -a -s "-screen 0 1366x768x24" python scripts/…``.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

import ui  # noqa: E402,F401 - the None guard first
from ui.common import errors  # noqa: E402
from ui.common.context import LedgerContext  # noqa: E402
from ui.shell.app import SMALL_SCREEN, fit_on_screen, make_application  # noqa: E402
from zsdesk.demo import build_demo  # noqa: E402
from zsdesk.opening import open_unlocked  # noqa: E402

OUT = ROOT / "docs" / "screenshots"


def start_app() -> QApplication:
    """The application as users get it, messages not modal (a shot must not wait on a click)."""
    app = make_application(sys.argv[:1])
    errors.MODAL = False
    OUT.mkdir(parents=True, exist_ok=True)
    return app


@contextmanager
def demo_context(operator: str, today: date) -> Iterator[LedgerContext]:
    """The demo district built in a temporary ledger file, as of ``today``."""
    with tempfile.TemporaryDirectory() as tmp:
        ledger = open_unlocked(Path(tmp) / "demo.sqlite", operator=operator, create=True)
        build_demo(ledger, today=today)
        context = LedgerContext(ledger)
        context.today = today
        try:
            yield context
        finally:
            ledger.close()


def settle(app: QApplication, until: Callable[[], object] | None = None, seconds: float = 30.0) -> None:
    """Events until ``until()`` holds (or ``seconds`` pass), then 0.4 s more for paints and renders to land."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        if until is None or until():
            break
        time.sleep(0.02)
    for _ in range(20):
        app.processEvents()
        time.sleep(0.02)


def save_shot(widget: QWidget, path: Path, small: bool = True) -> Path:
    """A window fitted to the screen first (1366×768 less a 40-pixel taskbar when ``small``); the PNG's path."""
    if widget.isWindow():
        fit_on_screen(widget, SMALL_SCREEN if small else None)
        for _ in range(10):
            QApplication.processEvents()
    widget.grab().save(str(path))
    return path
