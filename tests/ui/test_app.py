"""Opening ledgers: demo district, recent list, title; unexpected errors become an apology."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from ui.common.errors import install_excepthook
from ui.shell.app import Controller, last_ledger, recent_ledgers
from ui.shell.pages import PlaceholderPage, page_factory
from zsdesk.paths import log_file


def test_demo_opens_and_is_remembered(qtbot: Any, tmp_path: Path) -> None:
    controller = Controller()
    window = controller.open_ledger("", create=True, demo=True)
    assert window is not None
    qtbot.addWidget(window)
    assert "演示台账" in window.windowTitle() and "已保存" in window.windowTitle()
    assert window.page("ledger").model.rowCount() > 100  # type: ignore[attr-defined]
    demo = str(controller.context.ledger.path)  # type: ignore[union-attr]
    assert recent_ledgers()[0] == demo and last_ledger() == demo
    new = tmp_path / "新台账.zsdesk.sqlite"
    second = controller.open_ledger(str(new), create=True)
    assert second is not None
    qtbot.addWidget(second)
    assert new.exists() and recent_ledgers()[:2] == [str(new), demo]
    assert second.page("ledger").model.rowCount() == 0  # type: ignore[attr-defined]
    controller._close_current()


def test_a_file_that_is_not_a_ledger_is_refused_in_chinese(qtbot: Any, tmp_path: Path,
                                                           shown_errors: list) -> None:
    bogus = tmp_path / "报表.sqlite"
    bogus.write_text("这不是台账", encoding="utf-8")
    assert Controller().open_ledger(str(bogus)) is None
    assert "不是招商桌面台账文件" in shown_errors[-1][1]


def test_unexpected_exception_is_logged_and_apologised(qtbot: Any, shown_errors: list) -> None:
    old = sys.excepthook
    install_excepthook()
    try:
        try:
            raise ZeroDivisionError("测试用的意外错误")
        except ZeroDivisionError:
            sys.excepthook(*sys.exc_info())  # type: ignore[arg-type]
    finally:
        sys.excepthook = old
    title, text = shown_errors[-1]
    assert title == "出错了" and "很抱歉" in text and str(log_file()) in text
    assert "Traceback" not in text
    assert "测试用的意外错误" in log_file().read_text(encoding="utf-8")


def test_unknown_nav_key_gets_a_placeholder(qtbot: Any) -> None:
    page = page_factory("archive-not-yet")(None, None)  # type: ignore[arg-type]
    qtbot.addWidget(page)
    assert isinstance(page, PlaceholderPage)


def test_no_display_is_a_clear_message_not_a_core_dump(tmp_path):
    """Without X11/Wayland Qt aborts the process; the launcher says so in Chinese and exits 2."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env["PYTHONPATH"] = str(root)
    env["ZSDESK_DATA_DIR"] = str(tmp_path)
    result = subprocess.run([sys.executable, "-c", "import sys; from ui.launcher import main; sys.exit(main([]))"],
                            cwd=root, env=env, capture_output=True, text=True, timeout=60)
    if sys.platform.startswith("linux"):
        assert result.returncode == 2, result.stderr
        assert "没有可用的图形显示器" in result.stderr and "Traceback" not in result.stderr
