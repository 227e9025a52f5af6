"""The project form: every field of SPEC §2 in the order of the paper form, keyboard first.

Amounts accept ``3.2亿`` / ``1,200万元``, dates accept ``2026/3/1``; every problem is shown next to
its field in Chinese; the stage is derived live; possible duplicates appear while typing.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from zsdesk import ops
from zsdesk.dates import parse_date
from zsdesk.errors import ConflictError, FieldProblem, LedgerError, ValidationError
from zsdesk.labels import ORIGIN_LABELS, STAGE_LABELS, field_label
from zsdesk.money import format_input_wan, format_wan, parse_money
from zsdesk.ops.projects import DATE_FIELDS, PROMISED_DATE_FIELDS
from zsdesk.queries.choices import Choice, load_choices
from zsdesk.queries.names import entry_names, live_project, project_links, unit_names
from zsdesk.stage import date_order_problems, derive_stage

from .. import strings as S
from ..common.completion import ListCompleter, name_completer
from ..common.context import LedgerContext
from ..common.record_form import RecordForm, match_persons

MONEY_FIELDS = ("planned_investment", "agreement_amount", "expected_output")
TEXT_FIELDS = ("name", "investor", "origin_province", "origin_city", "leader")
ERROR_STYLE = "color: #c0392b;"


class ProjectForm(RecordForm):
    saved = Signal(int)  # project id
    _stage_timer: QTimer  # made after the date fields whose edits restart it

    def __init__(self, context: LedgerContext, project_id: int | None, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.project_id = project_id
        self._load_choices()
        self._build()
        if project_id is not None:
            self._load(project_id)
        self._update_stage()
        self.resize(860, 760)

    # --- choices --------------------------------------------------------------------------
    def _load_choices(self) -> None:
        # What the fields suggest while typing comes from the engine (names, short names, pinyin).
        with self.context.ledger.reading() as s:
            self.choices = load_choices(s)
        c = self.choices
        self.units = [(u.value, c.unit_kinds.get(u.value, "")) for u in c.units]
        self.chains = [x.value for x in c.chains]
        self.tags = [x.value for x in c.tags]
        self.investors = [x.value for x in c.investors]
        self.person_ids: dict[str, int] = {p.value: p.id for p in c.persons if p.id is not None}
        self.person_names = {pid: shown for shown, pid in self.person_ids.items()}

    # --- layout ---------------------------------------------------------------------------
    def _field(self, form: QFormLayout, key: str, widget: QWidget, hint: str | None = None) -> None:
        note = QLabel(hint, self) if hint else None
        if note is not None and (key in MONEY_FIELDS or key in DATE_FIELDS or key in PROMISED_DATE_FIELDS):
            setattr(self, f"_hint_{key}", note)
        form.addRow(field_label(key), self.field_box(key, widget, note))

    def _line(self, placeholder: str = "") -> QLineEdit:
        edit = QLineEdit(self)
        edit.setPlaceholderText(placeholder)
        return edit

    def _combo(self, items: list[str], choices: list[Choice] | None = None) -> QComboBox:
        box = QComboBox(self)
        box.setEditable(True)
        box.addItems(["", *items])
        box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        box.setCompleter(name_completer(choices if choices is not None else items, box))
        return box

    def _build(self) -> None:
        self.setWindowTitle(S.FORM_NEW if self.project_id is None else S.FORM_EDIT.format(code=""))
        main = QWidget(self)
        outer = QVBoxLayout(main)

        g1 = QGroupBox(S.FORM_GROUP_INVESTOR, main)
        f1 = QFormLayout(g1)
        name = self._line()
        self._field(f1, "name", name)
        investor = self._line()
        investor.setCompleter(name_completer(self.choices.investors, investor))
        self._field(f1, "investor", investor)
        tags = self._line(S.FORM_LIST_HINT)
        tags.setCompleter(ListCompleter(self.choices.tags, tags))
        self._field(f1, "tag_ids", tags)
        origin = QComboBox(self)
        for code, label in ORIGIN_LABELS.items():
            origin.addItem(label, code)
        self._field(f1, "origin", origin)
        self.origin_box = origin
        self._field(f1, "origin_province", self._line())
        self._field(f1, "origin_city", self._line())
        self._field(f1, "chain_id", self._combo(self.chains, self.choices.chains))
        industrial = QCheckBox(S.FORM_INDUSTRIAL, self)
        industrial.setChecked(True)
        self._field(f1, "industrial", industrial)
        self.industrial_box = industrial

        g2 = QGroupBox(S.FORM_GROUP_MONEY, main)
        f2 = QFormLayout(g2)
        for key in MONEY_FIELDS:
            edit = self._line("万元")
            edit.editingFinished.connect(lambda k=key: self._check_money(k))
            edit.textChanged.connect(lambda _t, k=key: self._money_hint(k))
            self._field(f2, key, edit, hint=" ")

        g3 = QGroupBox(S.FORM_GROUP_DATES, main)
        f3 = QFormLayout(g3)
        for key in DATE_FIELDS:
            edit = self._line("2026-03-01")
            edit.editingFinished.connect(lambda k=key: self._check_date(k))
            edit.textChanged.connect(lambda _t: self._stage_timer.start())
            self._field(f3, key, edit, hint=" ")
        for key in PROMISED_DATE_FIELDS:  # 合同约定 deadlines (SPEC §9); they do not move the stage
            edit = self._line("2026-06-30")
            edit.editingFinished.connect(lambda k=key: self._check_date(k))
            self._field(f3, key, edit, hint=" ")
        self.stage_label = QLabel(self)
        self.stage_label.setObjectName("stage")
        self.stage_label.setStyleSheet("font-weight: bold; color: #1f5fa8;")
        f3.addRow(S.FORM_STAGE, self.stage_label)
        self.verification_label = QLabel(self)  # 认定 state (SPEC §11), filled by _load
        self.verification_label.setObjectName("verification")
        self.verification_label.setWordWrap(True)
        f3.addRow(S.FORM_VERIFICATION, self.verification_label)

        g4 = QGroupBox(S.FORM_GROUP_UNITS, main)
        f4 = QFormLayout(g4)
        unit_names = [name for name, _kind in self.units]
        self._field(f4, "lead_unit_id", self._combo(unit_names, self.choices.units))
        coop = self._line(S.FORM_LIST_HINT)
        coop.setCompleter(ListCompleter(self.choices.units, coop))
        self._field(f4, "cooperating_unit_ids", coop)
        self._field(f4, "landing_park_id", self._combo([p.value for p in self.choices.parks], self.choices.parks))
        self._field(f4, "leader", self._line())
        persons = self._line(S.FORM_LIST_HINT)
        persons.setCompleter(ListCompleter(self.choices.persons, persons))
        self._field(f4, "person_ids", persons)
        notes = QPlainTextEdit(self)
        notes.setTabChangesFocus(True)
        notes.setFixedHeight(self.fontMetrics().height() * 4)
        self._field(f4, "notes", notes)

        self.duplicates = QLabel(self)
        self.duplicates.setObjectName("duplicates")
        self.duplicates.setStyleSheet("color: #b9770e;")
        self.duplicates.setWordWrap(True)
        self.duplicates.setVisible(False)
        self._dup_timer = QTimer(self, singleShot=True, interval=300)
        self._dup_timer.timeout.connect(self.check_duplicates)
        self._stage_timer = QTimer(self, singleShot=True, interval=200)
        self._stage_timer.timeout.connect(self._update_stage)
        for edit in (name, investor):
            edit.textEdited.connect(lambda _t: self._dup_timer.start())

        top = QHBoxLayout()
        top.addWidget(g1, 1)
        right = QVBoxLayout()
        right.addWidget(g2)
        right.addWidget(g3)
        top.addLayout(right, 1)
        outer.addWidget(self.duplicates)
        outer.addLayout(top)
        outer.addWidget(g4)
        outer.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(main)

        self.tabs = QTabWidget(self)
        self.tabs.addTab(scroll, S.FORM_TAB_MAIN)
        if self.project_id is not None:
            from .project_tabs import FundingTab, HistoryTab, ProgressTab

            self.funding_tab = FundingTab(self.context, self.project_id, self)
            self.progress_tab = ProgressTab(self.context, self.project_id, self)
            self.history_tab = HistoryTab(self.context, self.project_id, self)
            self.tabs.addTab(self.funding_tab, S.FORM_TAB_FUNDING)
            self.tabs.addTab(self.progress_tab, S.FORM_TAB_PROGRESS)
            self.tabs.addTab(self.history_tab, S.FORM_TAB_HISTORY)

        self.message = QLabel(self)
        self.message.setStyleSheet(ERROR_STYLE)
        self.save_button = QPushButton(S.FORM_SAVE, self)
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        self.save_new_button = QPushButton(S.FORM_SAVE_NEW, self)
        self.save_new_button.setToolTip("Ctrl+Enter")
        self.save_new_button.clicked.connect(lambda: self.save(and_new=True))
        self.save_new_button.setAutoDefault(False)
        self.save_new_button.setVisible(self.project_id is None)
        cancel = QPushButton(S.FORM_CANCEL, self)
        cancel.setAutoDefault(False)
        cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.message, 1)
        buttons.addWidget(self.save_new_button)
        buttons.addWidget(self.save_button)
        buttons.addWidget(cancel)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(buttons)
        QShortcut(QKeySequence.StandardKey.Save, self).activated.connect(self.save)
        QShortcut(QKeySequence("Ctrl+Return"), self).activated.connect(
            lambda: self.save(and_new=self.project_id is None))
        self.widgets["name"].setFocus()

    # --- values ---------------------------------------------------------------------------
    def values(self) -> dict[str, Any]:
        """What the clerk typed, as the engine accepts it (text for money and dates, names for refs)."""
        values: dict[str, Any] = {key: self.text_of(key) for key in (
            *TEXT_FIELDS, *MONEY_FIELDS, *DATE_FIELDS, *PROMISED_DATE_FIELDS, "tag_ids", "chain_id", "lead_unit_id",
            "cooperating_unit_ids", "landing_park_id", "notes")}
        values["origin"] = self.origin_box.currentData()
        values["industrial"] = self.industrial_box.isChecked()
        values["person_ids"] = self._person_ids()
        for key in ("chain_id", "lead_unit_id", "landing_park_id"):
            values[key] = values[key].strip() or None
        return values

    def _person_ids(self) -> list[int] | str:
        ids, problems = match_persons(self.text_of("person_ids").replace(",", "、"), self.person_ids)
        if problems:
            raise ValidationError([FieldProblem("person_ids", field_label("person_ids"), "；".join(problems))])
        return ids

    def _load(self, project_id: int) -> None:
        with self.context.ledger.reading() as s:
            p = live_project(s, project_id)
            if p is None:
                raise LedgerError(f"找不到这个项目（编号 {project_id}），可能已被删除。")
            links = project_links(s, project_id)
            names = unit_names(s)
            entries = entry_names(s)
            self.version = p.version
            self.verification_label.setText(S.verification_text(p.verification, p.verification_reason,
                                                                p.verification_by))
            self.setWindowTitle(S.FORM_EDIT.format(code=p.code))
            for key in TEXT_FIELDS:
                self.set_text(key, getattr(p, key) or "")
            for key in MONEY_FIELDS:
                self.set_text(key, format_input_wan(getattr(p, key)) if getattr(p, key) else "")
            for key in (*DATE_FIELDS, *PROMISED_DATE_FIELDS):
                value = getattr(p, key)
                self.set_text(key, value.isoformat() if value else "")
            self.set_text("notes", p.notes or "")
            self.origin_box.setCurrentIndex(max(0, self.origin_box.findData(p.origin)))
            self.industrial_box.setChecked(bool(p.industrial))
            self.set_text("chain_id", entries.get(p.chain_id, "") if p.chain_id else "")
            self.set_text("lead_unit_id", names.get(p.lead_unit_id, "") if p.lead_unit_id else "")
            self.set_text("landing_park_id", names.get(p.landing_park_id, "") if p.landing_park_id else "")
            self.set_text("cooperating_unit_ids", "、".join(names[u] for u in links["cooperating_unit_ids"]))
            self.set_text("tag_ids", "、".join(entries[t] for t in links["tag_ids"]))
            self.set_text("person_ids", "、".join(self.person_names.get(i, str(i)) for i in links["person_ids"]))
        self._loaded = self.values()

    def dirty(self) -> bool:
        try:
            now = self.values()
        except LedgerError:
            return True
        if self.project_id is None:
            return any(v not in (None, "", [], True, "out_of_city") for v in now.values())
        return now != self._loaded

    # --- live checks ----------------------------------------------------------------------
    def _check_money(self, key: str) -> int | None:
        hint: QLabel = getattr(self, f"_hint_{key}")
        try:
            yuan = parse_money(self.text_of(key))
        except LedgerError as err:
            self.show_problem(key, str(err))
            hint.setText("")
            return None
        self.show_problem(key, None)
        hint.setText("" if yuan is None else f"＝{format_wan(yuan, 4 if yuan % 100 else 2, unit=True)}")
        return yuan

    def _money_hint(self, key: str) -> None:
        """While typing: show what the amount means (＝32,000.0000万元), quietly; errors wait for Tab."""
        hint: QLabel = getattr(self, f"_hint_{key}")
        try:
            yuan = parse_money(self.text_of(key))
        except LedgerError:
            hint.setText("")
            return
        hint.setText("" if yuan is None else f"＝{format_wan(yuan, 4 if yuan % 100 else 2, unit=True)}")

    def _check_date(self, key: str) -> None:
        try:
            value = parse_date(self.text_of(key))
        except LedgerError as err:
            self.show_problem(key, str(err))
            return
        self.show_problem(key, None)
        if value is not None and self.text_of(key) != value.isoformat():
            self.set_text(key, value.isoformat())
        self._update_stage()

    def _dates(self) -> dict[str, date | None]:
        out: dict[str, date | None] = {}
        for key in DATE_FIELDS:
            try:
                out[key] = parse_date(self.text_of(key))
            except LedgerError:
                out[key] = None
        return out

    def _update_stage(self) -> None:
        dates = self._dates()
        self.stage_label.setText(STAGE_LABELS[derive_stage(dates)])
        order = {p.field: p.reason for p in date_order_problems(dates)}
        for key in DATE_FIELDS:
            if key in order:
                self.show_problem(key, order[key])
            elif self.errors[key].text() and "早于" in self.errors[key].text():
                self.show_problem(key, None)

    def check_duplicates(self) -> None:
        name, investor = self.text_of("name").strip(), self.text_of("investor").strip()
        similar = []
        if name:
            with self.context.ledger.reading() as s:
                similar = [f"{p.code} {p.name}" for p in ops.find_similar(s, name, investor, self.project_id)]
        self.duplicates.setText(S.FORM_DUPLICATES.format(items="；".join(similar)) if similar else "")
        self.duplicates.setVisible(bool(similar))

    # --- saving ---------------------------------------------------------------------------
    def save(self, and_new: bool = False) -> bool:
        self.clear_problems()
        self.message.setStyleSheet(ERROR_STYLE)
        self._update_stage()
        pid = self.write_record(self.project_id, ops.create_project, ops.update_project,
                                lambda change: change.ids("project")[0])
        if pid is None:
            return False
        self.saved.emit(pid)
        if and_new:
            self._clear_for_next()
        else:
            self.accept()
        return True

    def after_conflict(self, err: ConflictError, mine: set[str]) -> None:
        origin, industrial = self.origin_box.currentIndex(), self.industrial_box.isChecked()
        project_id = self.project_id
        assert project_id is not None  # only an edit can be stale

        def restore() -> None:
            if "origin" in mine:
                self.origin_box.setCurrentIndex(origin)
            if "industrial" in mine:
                self.industrial_box.setChecked(industrial)
            self._update_stage()

        self.reload_over_conflict(err, mine, lambda: self._load(project_id), restore)

    def focus_field(self, key: str) -> None:
        self.tabs.setCurrentIndex(0)
        super().focus_field(key)

    def _clear_for_next(self) -> None:
        """Save-and-new keeps what repeats on a paper list (investor source, units); clears the rest."""
        keep = {"origin", "industrial", "lead_unit_id", "landing_park_id", "leader", "chain_id"}
        for key in self.widgets:
            if key not in keep and key not in ("origin", "industrial"):
                self.set_text(key, "")
        for key in self.errors:
            self.show_problem(key, None)
        self.duplicates.setVisible(False)
        self._update_stage()
        self.message.setStyleSheet("color: #1e8449;")
        self.message.setText(S.TITLE_SAVED)
        self.widgets["name"].setFocus()
