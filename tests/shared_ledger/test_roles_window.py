"""The window's side of shared ledgers (SPEC §11): the sign-in dialog, who is signed in as which role,
controls the role may not use disabled with the reason, and no password in the recent list."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer

from ui.common import errors
from ui.shell.app import Controller
from ui.shell.recent import add_recent, last_ledger, recent_ledgers, without_password
from ui.shell.signin import SignInDialog

from .conftest import PASSWORD, Shared


@pytest.fixture(autouse=True)
def _no_modal_errors() -> Iterator[list[tuple[str, str]]]:
    errors.MODAL = False
    errors.shown.clear()
    yield errors.shown
    errors.MODAL = True


def drive(controller: Controller, qtbot: Any, steps: list[Callable[[SignInDialog], None]]) -> None:
    """Run each step on the sign-in dialog the next time it is on screen (it is modal)."""
    def tick() -> None:
        dialog = controller.sign_in_dialog
        if dialog is None or not dialog.isVisible():
            QTimer.singleShot(20, tick)
            return
        steps.pop(0)(dialog)
        if steps:
            QTimer.singleShot(50, tick)
    QTimer.singleShot(0, tick)


def fill(shared: Shared, login: str, password: str, server: str = "") -> Callable[[SignInDialog], None]:
    def step(d: SignInDialog) -> None:
        from sqlalchemy.engine import make_url

        u = make_url(shared.url)
        d.server.setText(server or f"{u.host}:{u.port or 5432}")
        d.database.setText(shared.database)
        d.login.setText(login)
        d.password.setText(password)
        d.ok_button.click()
    return step


def test_sign_in_a_wrong_password_then_the_right_one_shows_the_liaisons_window(shared: Shared, qtbot: Any) -> None:
    login = shared.login("liaison", unit="甲园区")
    controller = Controller()
    seen: list[str] = []
    drive(controller, qtbot, [fill(shared, login, "wrong-password"),
                              lambda d: (seen.append(d.message.text()), fill(shared, login, PASSWORD)(d))])
    window = controller.sign_in()
    assert window is not None
    qtbot.addWidget(window)
    try:
        assert "登录名或密码不对" in seen[0]
        assert window.status_user.text() == f"已登录：{login}，角色：单位联络员（甲园区）"
        assert window.act_import.isEnabled()  # a liaison enters their unit's projects
        assert not window.act_check.isEnabled() and "单位联络员只能看到本单位的数据" in window.act_check.toolTip()
        assert not window.act_stale_days.isEnabled() and "只有科长或管理员" in window.act_stale_days.toolTip()
        assert window.page("ledger").model.rowCount() == 2  # type: ignore[attr-defined]  # lead or cooperating only
        # Remembered without any password; reopening it asks again.
        assert recent_ledgers()[0] == f"postgresql+psycopg://{login}@{shared.url.split('@')[1]}"
        assert PASSWORD not in str(recent_ledgers()) and PASSWORD not in str(last_ledger())
    finally:
        controller._close_current()


def test_a_reader_sees_why_writing_is_disabled(shared: Shared, qtbot: Any) -> None:
    login = shared.login("reader")
    controller = Controller()
    drive(controller, qtbot, [fill(shared, login, PASSWORD)])
    window = controller.sign_in()
    assert window is not None
    qtbot.addWidget(window)
    try:
        assert window.status_user.text() == f"已登录：{login}，角色：只读"
        ledger_page = window.page("ledger")
        for action in (window.act_import, ledger_page.act_new):  # type: ignore[attr-defined]  # the ledger room's action
            assert not action.isEnabled() and action.toolTip() == "只读账号不能修改台账。"
        notice = window.page("notice")
        assert not notice.issue_button.isEnabled()  # type: ignore[attr-defined]  # the notice room's button
        assert notice.issue_button.toolTip() == "只读账号不能修改台账。"  # type: ignore[attr-defined]
    finally:
        controller._close_current()


def test_an_unreachable_server_then_cancel_leaves_the_window_usable_for_a_local_ledger(
        shared: Shared, qtbot: Any, tmp_path: Path) -> None:
    controller = Controller()
    local = controller.open_ledger(str(tmp_path / "本机.sqlite"), create=True)
    assert local is not None
    qtbot.addWidget(local)
    assert local.status_user.text() == "单机台账：一名操作员，无需登录"
    seen: list[str] = []
    drive(controller, qtbot, [fill(shared, "someone", PASSWORD, server="127.0.0.1:1"),
                              lambda d: (seen.append(d.message.text()), d.reject())])
    controller._sign_in_switch()
    assert "无法连接台账服务器" in seen[0] and "本机的台账文件仍可照常打开" in seen[0]
    assert controller.window is local and local.isVisible()
    other = controller.open_ledger(str(tmp_path / "另一个.sqlite"), create=True)
    assert other is not None
    qtbot.addWidget(other)
    controller._close_current()


def test_a_password_never_reaches_the_recent_list(qtbot: Any) -> None:
    assert without_password("postgresql+psycopg://张三:秘密@10.0.0.5:5432/台账") == \
        "postgresql+psycopg://张三@10.0.0.5:5432/台账"
    assert without_password("postgresql+psycopg://张三:***@10.0.0.5/台账") == "postgresql+psycopg://张三@10.0.0.5/台账"
    assert without_password("/home/u/台账.sqlite") == "/home/u/台账.sqlite"
    add_recent("postgresql+psycopg://lisi:hunter2-secret@db.local/ledger")
    assert recent_ledgers()[0] == "postgresql+psycopg://lisi@db.local/ledger"
    assert "hunter2" not in str(last_ledger())


def test_the_sign_in_dialog_asks_for_what_is_missing(qtbot: Any) -> None:
    dialog = SignInDialog(None, "postgresql+psycopg://%E5%BC%A0%E4%B8%89@10.0.0.5:5433/zsdesk")
    qtbot.addWidget(dialog)
    assert (dialog.server.text(), dialog.database.text(), dialog.login.text()) == ("10.0.0.5:5433", "zsdesk", "张三")
    assert dialog.password.echoMode() == dialog.password.EchoMode.Password
    dialog.database.clear()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.message.text() == "请填写服务器、台账数据库和登录名。" and not dialog.result()
    dialog.database.setText("台账 2026")
    assert dialog.address() == "postgresql+psycopg://%E5%BC%A0%E4%B8%89@10.0.0.5:5433/%E5%8F%B0%E8%B4%A6%202026"
