"""保存正文 on a shared ledger (issue 17): a narrative another 科长 saved meanwhile is not overwritten; the
message says what they wrote, the typed text stays, and a second 保存正文 saves it knowingly."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

import ui  # noqa: F401 - installs the None guard before any Qt call
from ui.common import errors
from ui.common.context import LedgerContext
from ui.notice.notice_page import NoticePage
from zsdesk.ledger import Ledger
from zsdesk.notice.narrative import Narrative, load_narrative, save_narrative
from zsdesk.opening import open_unlocked


@pytest.fixture
def page(ledger: Ledger, qtbot: Any) -> Iterator[NoticePage]:
    errors.MODAL = False
    errors.shown.clear()
    context = LedgerContext(ledger)
    context.today = date(2026, 11, 20)
    notice = NoticePage(context)
    qtbot.addWidget(notice)
    yield notice
    context.runner.wait()


def test_a_narrative_saved_meanwhile_is_not_overwritten(page: NoticePage, ledger: Ledger) -> None:
    code = page.shown  # the Period the page shows
    page.sections["highlights"].setPlainText("甲写的亮点")
    assert ledger.path is not None
    with open_unlocked(ledger.path, operator="乙") as other:
        seen = load_narrative(other, code)
        save_narrative(other, code, Narrative("乙写的亮点", seen.problems, seen.next_steps), based_on=seen)
    assert not page.save_text()
    text = errors.shown[-1][1]
    assert "通报正文刚被其他人修改过（乙）" in text and "→ 乙写的亮点" in text and "保存正文" in text
    assert load_narrative(ledger, code).highlights == "乙写的亮点"
    assert page.sections["highlights"].toPlainText() == "甲写的亮点"  # nothing typed is lost
    assert page.save_text()  # told what changed, the 科长 saves on top of it
    assert load_narrative(ledger, code).highlights == "甲写的亮点"
