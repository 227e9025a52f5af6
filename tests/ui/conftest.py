"""Window fixtures: a ledger with a few units, persons and projects, and its LedgerContext."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ui.common import errors
from ui.common.context import LedgerContext
from zsdesk import ops
from zsdesk.ledger import Ledger


@pytest.fixture(autouse=True)
def _no_modal_errors() -> Iterator[list[tuple[str, str]]]:
    """Error boxes are recorded instead of blocking the test on a modal dialog."""
    errors.MODAL = False
    errors.shown.clear()
    errors.answers.clear()  # 保存/不保存/取消 answers a test queued (none: 取消)
    yield errors.shown
    errors.MODAL = True
    errors.answers.clear()


@pytest.fixture
def shown_errors() -> list[tuple[str, str]]:
    return errors.shown


@pytest.fixture
def district(ledger: Ledger) -> Ledger:
    for name, short, kind in (("正阳工业园区", "正阳园区", "园区"), ("舟白工业园区", "舟白园区", "园区"),
                              ("区商务委", "商务委", "部门"), ("濯水镇", "濯水", "乡镇街道")):
        ops.create_unit(ledger, {"name": name, "short_name": short, "kind": kind})
    ops.create_person(ledger, {"name": "张伟", "unit_id": "正阳工业园区"})
    ops.create_person(ledger, {"name": "李娜", "unit_id": "区商务委"})
    projects = [
        {"name": "玻纤新材料生产线", "investor": "浙江丽水玻纤有限公司", "chain_id": "新材料",
         "agreement_amount": "3.2亿", "framework_date": "2025-03-01", "formal_date": "2025-05-10",
         "lead_unit_id": "正阳工业园区", "notes": "重点跟踪"},
        {"name": "预制菜生产基地", "investor": "重庆渝北食品科技有限公司", "origin": "区外市内", "chain_id": "食品加工",
         "agreement_amount": "8000", "first_contact_date": "2026-01-05", "lead_unit_id": "区商务委"},
        {"name": "濯水古镇文旅综合体", "investor": "福建厦门文旅集团", "chain_id": "文旅康养", "industrial": False,
         "agreement_amount": "12亿", "formal_date": "2026-02-01", "started_date": "2026-04-01",
         "lead_unit_id": "濯水镇", "cooperating_unit_ids": "区商务委"},
        {"name": "碳化硅新材料项目", "investor": "浙江丽水玻纤有限公司", "chain_id": "新材料",
         "agreement_amount": "500", "first_contact_date": "2024-06-01", "withdrawn_date": "2024-12-01",
         "lead_unit_id": "舟白工业园区"},
    ]
    for fields in projects:
        ops.create_project(ledger, fields)
    ledger.history.undo_stack.clear()
    return ledger


@pytest.fixture
def context(district: Ledger, qtbot: object) -> LedgerContext:
    return LedgerContext(district)


@pytest.fixture
def type_text() -> object:
    return _type_text


def _type_text(qtbot: object, widget: object, text: str) -> None:
    """Type like a clerk: ASCII as key clicks, Chinese as an input method commit (how a Chinese IME
    delivers text; QTest cannot synthesize key events for non-Latin-1 characters)."""
    from PySide6.QtGui import QInputMethodEvent
    from PySide6.QtWidgets import QApplication

    run = ""
    for ch in text + "\0":
        if ch != "\0" and ord(ch) < 128:
            run += ch
            continue
        if run:
            qtbot.keyClicks(widget, run)  # type: ignore[attr-defined]
            run = ""
        if ch != "\0":
            event = QInputMethodEvent()
            event.setCommitString(ch)
            QApplication.sendEvent(widget, event)  # type: ignore[arg-type]


@pytest.fixture(autouse=True, scope="session")
def _chinese_qt(qapp: object) -> None:
    """The tests' QApplication gets what the app's gets (Qt's Chinese translations, screen fitting),
    through the same function."""
    from ui.shell.app import prepare_application

    prepare_application(qapp)  # type: ignore[arg-type]


@pytest.fixture(params=["every id", "first screen"])
def ledger_table_reads(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """A test of the ledger table twice: the table reading every id of its view, and reading a first block
    (of 2 rows here) with the count, the rest when a row past it is asked for (zsdesk/queries/first_screen.py;
    a real ledger reads a first block of 100 from 2,000 projects in view)."""
    if request.param == "first screen":
        from ui.ledger import ledger_model  # local: only this fixture changes its threshold

        monkeypatch.setattr(ledger_model, "LAZY_FROM", 0)
        monkeypatch.setattr(ledger_model.ProjectTableModel, "block", 2)
