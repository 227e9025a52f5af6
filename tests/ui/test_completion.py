"""Type-ahead: every field that takes a project, unit, person, investor, chain or tag suggests as
the clerk types — by name, short name, code and pinyin initials — in a real popup."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtWidgets import QComboBox, QLineEdit, QWidget

from ui.common.completion import ChoiceCompleter
from ui.common.context import LedgerContext
from ui.ledger.project_form import ProjectForm
from ui.records.funding_page import FundingPage
from zsdesk import ops
from zsdesk.queries.choices import pinyin_keys, search_keys


def _line(widget: QWidget) -> QLineEdit:
    if isinstance(widget, QComboBox):
        edit = widget.lineEdit()
        assert edit is not None
        return edit
    assert isinstance(widget, QLineEdit)
    return widget


def _popup_after_typing(qtbot: Any, widget: QWidget, text: str, type_text: Any) -> list[str]:
    edit = _line(widget)
    edit.setFocus()
    edit.clear()
    type_text(qtbot, edit, text)  # ASCII as key clicks, Chinese as an input-method commit
    completer = edit.completer()
    assert completer is not None, "no completer on the field"
    assert completer.model() is not None, "the completer lost its model"
    assert isinstance(completer, ChoiceCompleter)
    qtbot.waitUntil(lambda: completer.popup().isVisible(), timeout=2000)
    shown = completer.suggestions()
    edit.clear()
    completer.popup().hide()
    return shown


def test_pinyin_initials_are_computed_once_per_name() -> None:
    assert pinyin_keys("中药贴剂") == ("zytj", "zhongyaotieji")
    pinyin_keys.cache_clear()
    search_keys("正阳工业园区", "正阳园区")
    search_keys("正阳工业园区", "正阳园区")
    info = pinyin_keys.cache_info()
    assert info.misses == 2 and info.hits == 2


@pytest.fixture
def form(context: LedgerContext, qtbot: Any) -> ProjectForm:
    ops.create_project(context.ledger, {"name": "中药贴剂生产线", "investor": "重庆太极实业集团",
                                        "lead_unit_id": "区商务委", "tag_ids": "专精特新"})
    ops.create_person(context.ledger, {"name": "张伟", "unit_id": "区商务委"})  # two 张伟 now
    form = ProjectForm(context, None)
    qtbot.addWidget(form)
    form.show()
    qtbot.waitExposed(form)
    return form


@pytest.mark.parametrize(("field", "typed", "expected", "not_expected"), [
    ("investor", "tjsy", ["重庆太极实业集团"], ["浙江丽水玻纤有限公司"]),  # pinyin initials
    ("investor", "丽水", ["浙江丽水玻纤有限公司"], ["福建厦门文旅集团"]),
    ("tag_ids", "zjtx", ["专精特新"], ["上市公司"]),
    ("tag_ids", "上市公司、500", ["世界500强", "中国500强", "民营500强"], ["上市公司"]),
    ("chain_id", "xcl", ["新材料"], ["生物医药"]),
    ("lead_unit_id", "zyyq", ["正阳工业园区"], ["舟白工业园区"]),  # short name 正阳园区 by initials
    ("lead_unit_id", "商务委", ["区商务委"], ["濯水镇"]),
    ("cooperating_unit_ids", "区商务委、zs", ["濯水镇"], ["区商务委"]),
    ("landing_park_id", "zbyq", ["舟白工业园区"], ["区商务委"]),  # parks only
    ("landing_park_id", "园区", ["正阳工业园区", "舟白工业园区"], ["区商务委", "濯水镇"]),
    ("person_ids", "ln", ["李娜"], []),
    ("person_ids", "zw", ["张伟（正阳园区）", "张伟（商务委）"], ["李娜"]),
])
def test_form_fields_suggest_as_you_type(form: ProjectForm, qtbot: Any, field: str, typed: str,
                                         expected: list[str], not_expected: list[str], type_text: Any) -> None:
    shown = _popup_after_typing(qtbot, form.widgets[field], typed, type_text)
    for value in expected:
        assert value in shown, (field, typed, shown)
    for value in not_expected:
        assert value not in shown, (field, typed, shown)


def test_choosing_from_the_list_fills_the_field(form: ProjectForm, qtbot: Any, type_text: Any) -> None:
    edit = _line(form.widgets["cooperating_unit_ids"])
    edit.setFocus()
    type_text(qtbot, edit, "区商务委、zs")
    completer = edit.completer()
    qtbot.waitUntil(lambda: completer.popup().isVisible())
    popup = completer.popup()
    popup.setCurrentIndex(completer.completionModel().index(0, 0))
    qtbot.keyClick(popup, "\r")
    assert edit.text() == "区商务委、濯水镇"
    box = form.widgets["lead_unit_id"]
    assert isinstance(box, QComboBox)
    _line(box).setFocus()
    qtbot.keyClicks(_line(box), "zyyq")
    completer = _line(box).completer()
    qtbot.waitUntil(lambda: completer.popup().isVisible())
    completer.popup().setCurrentIndex(completer.completionModel().index(0, 0))
    qtbot.keyClick(completer.popup(), "\r")
    assert box.currentText() == "正阳工业园区"


def test_funding_project_field_suggests_by_code_name_and_initials(context: LedgerContext, qtbot: Any,
                                                                  type_text: Any) -> None:
    ops.create_project(context.ledger, {"name": "中药贴剂生产线", "lead_unit_id": "区商务委"})
    page = FundingPage(context)
    qtbot.addWidget(page)
    page.show()
    page.activated()
    shown = _popup_after_typing(qtbot, page.project, "zytj", type_text)
    assert len(shown) == 1 and shown[0].endswith(" 中药贴剂生产线")
    code = shown[0].split(" ")[0]
    assert _popup_after_typing(qtbot, page.project, code, type_text) == [shown[0]]
    assert any(s.endswith("玻纤新材料生产线") for s in _popup_after_typing(qtbot, page.project, "玻纤", type_text))
    assert _popup_after_typing(qtbot, page.project, "xcl", type_text) == [
        s for s in _popup_after_typing(qtbot, page.project, "新材料", type_text)]


def test_person_unit_cell_suggests_units(context: LedgerContext, qtbot: Any) -> None:
    from PySide6.QtWidgets import QApplication

    from ui.records.units_page import UnitsPage

    page = UnitsPage(context)
    qtbot.addWidget(page)
    page.show()
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)
    persons = next(v for v in page.sheets if v.sheet.entity == "person")
    page.tabs.setCurrentWidget(persons)
    column = persons.sheet.fields.index("unit_id")
    index = persons.model.index(0, column)
    persons.table.setCurrentIndex(index)
    persons.table.edit(index)
    qtbot.waitUntil(lambda: isinstance(QApplication.focusWidget(), QLineEdit))
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit)
    editor.clear()
    qtbot.keyClicks(editor, "zbyq")
    completer = editor.completer()
    assert isinstance(completer, ChoiceCompleter)
    qtbot.waitUntil(lambda: completer.popup().isVisible())
    assert completer.suggestions() == ["舟白工业园区"]
