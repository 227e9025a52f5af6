"""The lead form (招商线索): every field of SPEC §10 in one dialog, keyboard first, as the project form.

Names complete as typed (units, persons, sources, chains: name, short name or pinyin); Enter or Ctrl+S
saves; Esc asks 保存 / 不保存 / 取消 when something was typed; a save over someone else's newer save
offers to load theirs and type this clerk's edits in again (the project form's ConflictError handling).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from zsdesk.dates import parse_date
from zsdesk.errors import ConflictError, LedgerError
from zsdesk.labels import LEAD_STATUS_LABELS, field_label
from zsdesk.money import format_input_wan, format_wan, parse_money
from zsdesk.ops import leads as lead_ops
from zsdesk.queries.choices import choice, load_choices
from zsdesk.queries.leads import lead_detail
from zsdesk.queries.names import entry_names, live_entries, live_project, unit_names

from .. import strings as S
from ..common.completion import name_completer
from ..common.context import LedgerContext
from ..common.permissions import reason
from ..common.record_form import RecordForm

ERROR_STYLE = "color: #c0392b;"
LINE_FIELDS = ("received_date", "company", "contact_name", "phone", "intended_investment", "status_reason")
REF_FIELDS = ("source_id", "chain_id", "unit_id")
EDITABLE_STATUSES = ("new", "following", "invalid")  # 已转项目 comes only from 转为项目
LABELS = {"unit_id": S.LEADS_COL_UNIT, "intended_investment": f"{S.LEADS_COL_INVESTMENT}（{S.MONEY_UNIT_WAN}）"}


class LeadForm(RecordForm):
    saved = Signal(int)  # lead id
    open_project = Signal(int)  # project id: the page asks the window to show it
    ask_save_text = S.LEADS_FORM_ASK_SAVE
    problem_fallback = "company"

    def __init__(self, context: LedgerContext, lead_id: int | None, parent: QWidget | None = None) -> None:
        # Leads are written like projects (SPEC §11).
        super().__init__(context, parent, read_only_reason=reason(context, "edit_projects"))
        self.lead_id = lead_id
        self.project_id: int | None = None
        self._load_choices()
        self._build()
        if lead_id is not None:
            self._load(lead_id)
        else:
            self.set_text("received_date", context.today.isoformat())
            self._loaded = self.values()
        if self.read_only_reason is not None:
            for widget in self.widgets.values():
                widget.setEnabled(False)
            self.save_button.setEnabled(False)
            self.message.setText(S.LEADS_READ_ONLY.format(why=self.read_only_reason))
        self.resize(760, self.sizeHint().height())

    # --- choices --------------------------------------------------------------------------
    def _load_choices(self) -> None:
        with self.context.ledger.reading() as s:
            self.choices = load_choices(s, ("units", "persons", "chains"))
            self.sources = [choice(name, id=eid) for eid, name in live_entries(s, "lead_source")]
        self.person_ids: dict[str, int] = {p.value: p.id for p in self.choices.persons if p.id is not None}
        self.person_names = {pid: shown for shown, pid in self.person_ids.items()}

    # --- layout ---------------------------------------------------------------------------
    def _field(self, form: QFormLayout, key: str, widget: QWidget, hint: QLabel | None = None) -> None:
        form.addRow(LABELS.get(key) or field_label(key), self.field_box(key, widget, hint))

    def _line(self, placeholder: str = "") -> QLineEdit:
        edit = QLineEdit(self)
        edit.setPlaceholderText(placeholder)
        return edit

    def _combo(self, names: list[Any]) -> QComboBox:
        box = QComboBox(self)
        box.setEditable(True)
        box.addItems(["", *[c.value for c in names]])
        box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        box.setCompleter(name_completer(names, box))
        return box

    def _build(self) -> None:
        self.setWindowTitle(S.LEADS_FORM_NEW)
        g1 = QGroupBox(S.LEADS_FORM_GROUP_LEAD, self)
        f1 = QFormLayout(g1)
        received = self._line("2026-03-01")
        received.editingFinished.connect(self._check_date)
        self._field(f1, "received_date", received)
        self._field(f1, "source_id", self._combo(self.sources))
        self._field(f1, "company", self._line())
        self._field(f1, "chain_id", self._combo(self.choices.chains))
        self.money_hint = QLabel(" ", self)
        money = self._line(S.MONEY_UNIT_WAN)
        money.textChanged.connect(lambda _t: self._money_hint())
        self._field(f1, "intended_investment", money, self.money_hint)
        status = QComboBox(self)
        for code in EDITABLE_STATUSES:
            status.addItem(LEAD_STATUS_LABELS[code], code)
        self._field(f1, "status", status)
        self.status_box = status
        self._field(f1, "status_reason", self._line(S.LEADS_FORM_REASON_HINT))

        g2 = QGroupBox(S.LEADS_FORM_GROUP_CONTACT, self)
        f2 = QFormLayout(g2)
        self._field(f2, "contact_name", self._line())
        self._field(f2, "phone", self._line())
        self._field(f2, "unit_id", self._combo(self.choices.units))
        person = self._line()
        person.setCompleter(name_completer(self.choices.persons, person))
        self._field(f2, "person_id", person)
        notes = QPlainTextEdit(self)
        notes.setTabChangesFocus(True)
        notes.setFixedHeight(self.fontMetrics().height() * 4)
        self._field(f2, "notes", notes)
        self.project_label = QLabel(S.LEADS_FORM_NO_PROJECT, self)
        self.project_label.setObjectName("project_link")
        self.project_button = QPushButton(S.LEADS_ACT_OPEN_PROJECT, self)
        self.project_button.setAutoDefault(False)
        self.project_button.setVisible(False)
        self.project_button.clicked.connect(self._open_project)
        link = QHBoxLayout()
        link.addWidget(self.project_label, 1)
        link.addWidget(self.project_button)
        f2.addRow(S.LEADS_FORM_PROJECT, link)

        self.message = QLabel(self)
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.setWordWrap(True)
        self.save_button = QPushButton(S.FORM_SAVE, self)
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        cancel = QPushButton(S.FORM_CANCEL, self)
        cancel.setAutoDefault(False)
        cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.message, 1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(cancel)
        columns = QHBoxLayout()
        columns.addWidget(g1, 1)
        columns.addWidget(g2, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(columns)
        layout.addStretch(1)
        layout.addLayout(buttons)
        QShortcut(QKeySequence.StandardKey.Save, self).activated.connect(self.save)
        (self.widgets["company"] if self.lead_id is not None else received).setFocus()

    # --- values ---------------------------------------------------------------------------
    def values(self) -> dict[str, Any]:
        """What the clerk typed, as the engine takes it (text for dates and money, names for references)."""
        values: dict[str, Any] = {key: self.text_of(key) for key in (*LINE_FIELDS, "notes")}
        for key in REF_FIELDS:
            values[key] = self.text_of(key).strip() or None
        values["status"] = self.status_box.currentData()
        typed = self.text_of("person_id").strip()
        values["person_id"] = self.person_ids.get(typed, typed) if typed else None
        return values

    def _load(self, lead_id: int) -> None:
        with self.context.ledger.reading() as s:
            detail = lead_detail(s, lead_id)
            if detail is None:
                raise LedgerError(f"找不到这条线索（编号 {lead_id}），可能已被删除。")
            entries = entry_names(s)
            units = unit_names(s)
            project = live_project(s, detail.values["project_id"]) if detail.values["project_id"] else None
            code = project.code if project is not None else ""
        v = detail.values
        self.version = detail.version
        self.project_id = v["project_id"]
        self.setWindowTitle(S.LEADS_FORM_EDIT.format(company=v["company"]))
        self.set_text("received_date", v["received_date"].isoformat() if v["received_date"] else "")
        for key in ("company", "contact_name", "phone", "status_reason", "notes"):
            self.set_text(key, v[key] or "")
        money = v["intended_investment"]
        self.set_text("intended_investment", format_input_wan(money) if money else "")
        self.set_text("source_id", entries.get(v["source_id"], "") if v["source_id"] else "")
        self.set_text("chain_id", entries.get(v["chain_id"], "") if v["chain_id"] else "")
        self.set_text("unit_id", units.get(v["unit_id"], "") if v["unit_id"] else "")
        self.set_text("person_id", self.person_names.get(v["person_id"], "") if v["person_id"] else "")
        converted = v["status"] == "converted"
        if converted and self.status_box.findData("converted") < 0:
            self.status_box.addItem(LEAD_STATUS_LABELS["converted"], "converted")
        self.status_box.setCurrentIndex(max(0, self.status_box.findData(v["status"])))
        self.status_box.setEnabled(not converted)
        self.project_label.setText(code if self.project_id is not None else S.LEADS_FORM_NO_PROJECT)
        self.project_button.setVisible(self.project_id is not None)
        self._loaded = self.values()

    def dirty(self) -> bool:
        return self.values() != self._loaded

    # --- live checks ----------------------------------------------------------------------
    def _check_date(self) -> None:
        try:
            value = parse_date(self.text_of("received_date"))
        except LedgerError as err:
            self.show_problem("received_date", str(err))
            return
        self.show_problem("received_date", None)
        if value is not None and self.text_of("received_date") != value.isoformat():
            self.set_text("received_date", value.isoformat())

    def _money_hint(self) -> None:
        try:
            yuan = parse_money(self.text_of("intended_investment"))
        except LedgerError:
            self.money_hint.setText(" ")
            return
        self.money_hint.setText(" " if yuan is None else f"＝{format_wan(yuan, 4 if yuan % 100 else 2, unit=True)}")

    def _open_project(self) -> None:
        if self.project_id is not None:
            self.open_project.emit(self.project_id)

    # --- saving ---------------------------------------------------------------------------
    def save(self) -> bool:
        if self.read_only_reason is not None:
            return False
        self.clear_problems()
        lead_id = self.write_record(self.lead_id, lead_ops.create_lead, lead_ops.update_lead,
                                    lambda change: change.ids("lead", "insert")[0])
        if lead_id is None:
            return False
        self._left = True
        self.saved.emit(lead_id)
        self.accept()
        return True

    def after_conflict(self, err: ConflictError, mine: set[str]) -> None:
        status = self.status_box.currentIndex()
        lead_id = self.lead_id
        assert lead_id is not None  # only an edit can be stale

        def restore() -> None:
            if "status" in mine:
                self.status_box.setCurrentIndex(status)

        self.reload_over_conflict(err, mine, lambda: self._load(lead_id), restore, lambda key: key != "status")
