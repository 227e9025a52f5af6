"""The trip form: dates, destination, leader and level, units and persons, and the companies visited as a grid.

Keyboard first: Enter moves on like Tab; dates take ``3.5``; units and persons complete by name or pinyin;
Ctrl+L makes a lead from the current visit row (saving the trip first when needed); Ctrl+S saves and closes;
Esc with unsaved edits asks 保存 / 不保存 / 取消.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from zsdesk.dates import parse_date
from zsdesk.errors import ConflictError, FieldProblem, LedgerError, ValidationError
from zsdesk.labels import TRIP_LEVEL_LABELS
from zsdesk.ops import trips as trip_ops
from zsdesk.queries.choices import load_choices
from zsdesk.queries.names import unit_names
from zsdesk.queries.trips import trip_detail, trip_leaders
from zsdesk.rules import load_rules

from .. import strings as S
from ..common.completion import ListCompleter, name_completer
from ..common.context import LedgerContext
from ..common.errors import confirm, show_error
from ..common.permissions import reason
from ..common.record_form import RecordForm, match_persons
from .trip_visits import COL_COMPANY, VisitGrid, VisitLine, VisitModel, expand_short_date

ERROR_STYLE = "color: #c0392b;"
OK_STYLE = "color: #1e8449;"
HEADER_FIELDS = ("departure_date", "return_date", "province", "city", "leader", "level", "unit_ids", "person_ids",
                 "notes")


class TripForm(RecordForm):
    saved = Signal(int)  # trip id
    ask_save_text = S.TRIP_ASK_SAVE

    def __init__(self, context: LedgerContext, trip_id: int | None, parent: QWidget | None = None) -> None:
        super().__init__(context, parent, read_only_reason=reason(context, "edit_projects"))
        self.trip_id = trip_id
        self._loaded_visits: list[tuple[Any, ...]] = []
        with context.ledger.reading() as s:
            self.choices = load_choices(s, ("units", "persons"))
            leaders = trip_leaders(s)
            rules = load_rules(s, context.today.year)
        self.min_companies, self.min_intentions = rules.trip_min_companies, rules.trip_min_intentions
        self.person_ids = {p.value: p.id for p in self.choices.persons if p.id is not None}
        self.person_names = {pid: shown for shown, pid in self.person_ids.items()}
        self._build(leaders)
        if trip_id is not None:
            self._load(trip_id)
        else:
            self._loaded, self._loaded_visits = self.values(), []
        if self.read_only_reason:
            self._make_read_only()
        self._update_quota()
        self.resize(1000, 640)

    # --- layout ---------------------------------------------------------------------------
    def _build(self, leaders: list[str]) -> None:
        self.setWindowTitle(S.TRIP_FORM_NEW)
        self.departure = QLineEdit(self)
        self.departure.setPlaceholderText(S.TRIP_DATE_HINT)
        self.return_date = QLineEdit(self)
        self.return_date.setPlaceholderText(S.TRIP_DATE_HINT)
        self.province = QLineEdit(self)
        self.city = QLineEdit(self)
        self.leader = QLineEdit(self)
        self.leader.setCompleter(name_completer([*leaders, *(p.value for p in self.choices.persons)], self.leader))
        self.level = QComboBox(self)
        for code, label in TRIP_LEVEL_LABELS.items():
            self.level.addItem(label, code)
        self.level.setCurrentIndex(self.level.findData("department"))
        self.level.setToolTip(S.TRIP_LEVEL_HINT)
        self.units = QLineEdit(self)
        self.units.setPlaceholderText(S.FORM_LIST_HINT)
        self.units.setCompleter(ListCompleter(self.choices.units, self.units))
        self.persons = QLineEdit(self)
        self.persons.setPlaceholderText(S.FORM_LIST_HINT)
        self.persons.setCompleter(ListCompleter(self.choices.persons, self.persons))
        self.notes = QPlainTextEdit(self)
        self.notes.setTabChangesFocus(True)
        self.notes.setFixedHeight(self.fontMetrics().height() * 2 + 14)
        for key, w in zip(HEADER_FIELDS, (self.departure, self.return_date, self.province, self.city, self.leader,
                                          self.level, self.units, self.persons, self.notes), strict=True):
            self.widgets[key] = w
        for edit in (self.departure, self.return_date):
            edit.editingFinished.connect(lambda e=edit: self._tidy_date(e))
        grid = QGridLayout()
        places = {"departure_date": (0, 0), "return_date": (0, 2), "province": (1, 0), "city": (1, 2),
                  "leader": (2, 0), "level": (2, 2), "unit_ids": (3, 0), "person_ids": (3, 2), "notes": (4, 0)}
        for key, (r, c) in places.items():
            caption = QLabel(S.TRIP_FIELDS[key], self)
            caption.setBuddy(self.widgets[key])
            error = QLabel(self)
            error.setStyleSheet(ERROR_STYLE)
            error.setVisible(False)
            error.setObjectName(f"error_{key}")
            self.errors[key] = error
            box = QVBoxLayout()
            box.setSpacing(1)
            box.addWidget(self.widgets[key])
            box.addWidget(error)
            grid.addWidget(caption, r, c, Qt.AlignmentFlag.AlignTop)
            grid.addLayout(box, r, c + 1, 1, 3 if key == "notes" else 1)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)

        self.quota = QLabel(self)
        self.quota.setObjectName("quota")
        self.quota.setWordWrap(True)
        self.visit_model = VisitModel(self._anchor, self)
        self.grid = VisitGrid(self.visit_model, self)
        self.visit_model.dataChanged.connect(lambda *_a: self._update_quota())
        self.visit_model.rowsRemoved.connect(lambda *_a: self._update_quota())
        self.visit_model.modelReset.connect(self._update_quota)
        visits_title = QLabel(S.TRIP_VISITS_TITLE, self)
        visits_title.setWordWrap(True)

        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setStyleSheet(ERROR_STYLE)
        self.lead_button = QPushButton(S.TRIP_LEAD_ACTION, self)
        self.lead_button.setToolTip("Ctrl+L")
        self.lead_button.clicked.connect(lambda: self.lead_from_current())
        self.delete_row_button = QPushButton(S.TRIP_DELETE_ROW, self)
        self.delete_row_button.setToolTip("Ctrl+Delete")
        self.delete_row_button.clicked.connect(self.delete_current_row)
        self.save_button = QPushButton(S.TRIP_SAVE, self)
        self.save_button.setToolTip("Ctrl+S")
        self.save_button.clicked.connect(lambda: self.save())
        cancel = QPushButton(S.TRIP_CANCEL, self)
        cancel.clicked.connect(self.reject)
        for b in (self.lead_button, self.delete_row_button, self.save_button, cancel):
            b.setAutoDefault(False)  # Enter moves between fields; it never presses a button
        buttons = QHBoxLayout()
        buttons.addWidget(self.message, 1)
        for b in (self.lead_button, self.delete_row_button, self.save_button, cancel):
            buttons.addWidget(b)
        layout = QVBoxLayout(self)
        layout.addLayout(grid)
        layout.addWidget(self.quota)
        layout.addWidget(visits_title)
        layout.addWidget(self.grid, 1)
        layout.addLayout(buttons)
        order: list[QWidget] = [self.departure, self.return_date, self.province, self.city, self.leader, self.level,
                                self.units, self.persons, self.notes, self.grid, self.lead_button,
                                self.delete_row_button, self.save_button, cancel]
        for first, second in zip(order, order[1:], strict=False):
            QWidget.setTabOrder(first, second)
        QShortcut(QKeySequence.StandardKey.Save, self).activated.connect(lambda: self.save())
        QShortcut(QKeySequence("Ctrl+L"), self).activated.connect(lambda: self.lead_from_current())
        QShortcut(QKeySequence("Ctrl+Delete"), self).activated.connect(self.delete_current_row)
        self.departure.setFocus()

    def _departure(self) -> date | None:
        try:
            return parse_date(expand_short_date(self.departure.text(), self.context.today.year))
        except LedgerError:
            return None

    def _anchor(self) -> tuple[int, date | None]:
        """Short dates after the departure (return, visits) are on or after it; without one, in this year."""
        return self.context.today.year, self._departure()

    def _tidy_date(self, edit: QLineEdit) -> None:
        """``3.5`` → ``2026-03-05`` as the field is left (a wrong date stays as typed, the save names it)."""
        year, after = self.context.today.year, None if edit is self.departure else self._departure()
        try:
            on = parse_date(expand_short_date(edit.text(), year, after))
        except LedgerError:
            return
        if on is not None and edit.text() != on.isoformat():
            edit.setText(on.isoformat())

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        """Enter in a field moves to the next one (the paper form's order), never presses a button."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not event.modifiers():
            self.focusNextChild()
            return
        super().keyPressEvent(event)

    # --- values ---------------------------------------------------------------------------
    def values(self) -> dict[str, Any]:
        """The header as the engine takes it: dates expanded, names for units, ids for persons."""
        leave = expand_short_date(self.departure.text(), self.context.today.year)
        return {"departure_date": leave,
                "return_date": expand_short_date(self.return_date.text(), *self._anchor()),
                "province": self.province.text().strip(), "city": self.city.text().strip(),
                "leader": self.leader.text().strip(), "level": self.level.currentData(),
                "unit_ids": self.units.text().strip(), "person_ids": self.persons.text().strip(),
                "notes": self.notes.toPlainText()}

    def engine_values(self, values: dict[str, Any]) -> dict[str, Any]:
        out = dict(values)
        out["person_ids"] = self._person_ids(values["person_ids"])
        return out

    def _person_ids(self, text: str) -> list[int]:
        ids, problems = match_persons(text.replace(",", "、").replace("，", "、"), self.person_ids)
        if problems:
            raise ValidationError([FieldProblem("person_ids", S.TRIP_FIELDS["person_ids"], "；".join(problems))])
        return ids

    def _load(self, trip_id: int) -> None:
        with self.context.ledger.reading() as s:
            detail = trip_detail(s, trip_id)
            names = unit_names(s)
        if detail is None:
            raise LedgerError(f"找不到这条外出招商记录（编号 {trip_id}），可能已被删除。")
        v = detail.values
        self.version = detail.version
        self.departure.setText(v["departure_date"].isoformat())
        self.return_date.setText(v["return_date"].isoformat() if v["return_date"] else "")
        self.province.setText(v["province"] or "")
        self.city.setText(v["city"] or "")
        self.leader.setText(v["leader"] or "")
        self.level.setCurrentIndex(max(0, self.level.findData(v["level"])))
        self.units.setText("、".join(names.get(u, str(u)) for u in v["unit_ids"]))
        self.persons.setText("、".join(self.person_names.get(p, str(p)) for p in v["person_ids"]))
        self.notes.setPlainText(v["notes"] or "")
        self.visit_model.set_visits(detail.visits)
        self.setWindowTitle(S.TRIP_FORM_EDIT.format(title=f"{v['departure_date']:%Y-%m-%d} {v['province']}{v['city']}"))
        self._loaded, self._loaded_visits = self.values(), self.visit_model.snapshot()

    def _make_read_only(self) -> None:
        for w in (self.departure, self.return_date, self.province, self.city, self.leader, self.units, self.persons):
            w.setReadOnly(True)
        self.notes.setReadOnly(True)
        self.level.setEnabled(False)
        self.visit_model.read_only = True
        if self.visit_model.lines and self.visit_model.lines[-1].blank():
            self.visit_model.remove_row(len(self.visit_model.lines) - 1)
        for b in (self.save_button, self.lead_button, self.delete_row_button):
            b.setEnabled(False)
            b.setToolTip(self.read_only_reason or "")
        self.message.setText(S.TRIP_READ_ONLY)

    def dirty(self) -> bool:
        if self.read_only_reason:
            return False
        return self.values() != self._loaded or self.visit_model.snapshot() != self._loaded_visits

    # --- quota ----------------------------------------------------------------------------
    def _update_quota(self) -> None:
        companies, intentions = self.visit_model.counts()
        short = []
        if companies < self.min_companies:
            short.append(S.TRIPS_SHORT_COMPANIES.format(n=companies, min=self.min_companies))
        if intentions < self.min_intentions:
            short.append(S.TRIPS_SHORT_INTENTIONS.format(n=intentions, min=self.min_intentions))
        if short:
            self.quota.setText(S.TRIPS_UNDER_MARK + "；".join(short))
            self.quota.setStyleSheet(ERROR_STYLE)
        else:
            self.quota.setText(S.TRIPS_QUOTA_OK.format(companies=companies, intentions=intentions,
                                                       min_c=self.min_companies, min_i=self.min_intentions))
            self.quota.setStyleSheet(OK_STYLE)

    # --- saving ---------------------------------------------------------------------------
    def _write(self) -> bool:
        """Save the trip (new or changed) and stay open; True when the ledger now holds what is shown."""
        self.grid.commit_open_editor()
        for key in self.errors:
            self.show_problem(key, None)
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.setText("")
        grid_problems = self.visit_model.problems()
        if grid_problems:
            self.message.setText("；".join(grid_problems))
            return False
        if self.trip_id is not None and not self.dirty():
            return True
        values = self.values()
        try:
            fields = self.engine_values(values)
            visits = self.visit_model.visits()
            if self.trip_id is None:
                change = self.context.try_run(trip_ops.create_trip, fields, visits)
                self.trip_id = change.ids("trip", "insert")[0]
            else:
                changes = {k: fields[k] for k in fields if values[k] != self._loaded.get(k)}
                self.context.try_run(trip_ops.update_trip, self.trip_id, changes, visits,
                                     expected_version=self.version)
        except ValidationError as err:
            self._show_problems(err.problems)
            return False
        except ConflictError as err:
            self._stale(err)
            return False
        except LedgerError as err:
            show_error(self, err)
            return False
        row = self.grid.currentIndex()
        self._reload_keeping_row(row.row() if row.isValid() else -1, row.column() if row.isValid() else 0)
        self.saved.emit(self.trip_id)
        return True

    def _reload_keeping_row(self, row: int, column: int) -> None:
        """After a save the grid holds the saved visits (with ids); the cursor stays on the same visit."""
        before = [line.key()[1:] for line in self.visit_model.lines]
        assert self.trip_id is not None
        self._load(self.trip_id)
        if 0 <= row < len(before):
            wanted = before[row]
            target = next((r for r, line in enumerate(self.visit_model.lines) if line.key()[1:] == wanted), row)
            self.grid.setCurrentIndex(self.visit_model.index(min(target, self.visit_model.rowCount() - 1), column))

    def save(self) -> bool:
        """Ctrl+S: save and close."""
        if self.read_only_reason:
            return False
        if not self._write():
            return False
        self._left = True
        self.accept()
        return True

    def _show_problems(self, problems: list[FieldProblem]) -> None:
        visit_problems = []
        first = None
        for p in problems:
            if p.field in self.errors and not p.label.startswith("第"):
                self.show_problem(p.field, p.reason)
                first = first or p.field
            else:
                visit_problems.append(str(p))
        text = S.FORM_NOT_SAVED.format(n=len(problems))
        if visit_problems:
            text += "　" + "；".join(visit_problems)
        self.message.setText(text)
        if first is not None:
            self.widgets[first].setFocus()

    def _stale(self, err: ConflictError) -> None:
        """Someone saved this trip since it was opened: load theirs, then (if asked) type this clerk's edits in
        again on top, to check and save — as the project form does."""
        mine = {k: v for k, v in self.values().items() if v != self._loaded.get(k)}
        my_lines = [line for line in self.visit_model.lines if not line.blank()]
        grid_changed = self.visit_model.snapshot() != self._loaded_visits
        reapply = confirm(self, S.CONFLICT_TITLE, str(err), yes=S.CONFLICT_REAPPLY, no=S.CONFLICT_RELOAD)
        assert self.trip_id is not None
        self._load(self.trip_id)
        if not reapply:
            self.message.setText(S.CONFLICT_RELOADED)
            return
        for key, value in mine.items():
            w = self.widgets[key]
            if isinstance(w, QLineEdit):
                w.setText(value)
            elif isinstance(w, QPlainTextEdit):
                w.setPlainText(value)
            elif isinstance(w, QComboBox):
                w.setCurrentIndex(max(0, w.findData(value)))
        if grid_changed:
            live = {line.id for line in self.visit_model.lines if line.id is not None}
            self.visit_model.beginResetModel()
            self.visit_model.lines = [line for line in my_lines if line.id is None or line.id in live]
            self.visit_model.lines.append(VisitLine())
            self.visit_model.endResetModel()
        self.message.setText(S.CONFLICT_REAPPLIED)

    # --- visit rows -----------------------------------------------------------------------
    def lead_from_current(self) -> int | None:
        """Ctrl+L: a lead from the current visit row (the trip is saved first when needed); the lead's id."""
        if self.read_only_reason:
            return None
        self.grid.commit_open_editor()
        index = self.grid.currentIndex()
        lines = self.visit_model.lines
        if not index.isValid() or not lines[index.row()].company.strip():
            show_error(self, LedgerError(S.TRIP_LEAD_NO_ROW))
            return None
        if self.trip_id is None or self.dirty():
            if not self._write():
                return None
            index = self.grid.currentIndex()
        line = self.visit_model.lines[index.row()]
        if line.id is None:
            show_error(self, LedgerError(S.TRIP_LEAD_NO_ROW))
            return None
        change = self.context.run(self, trip_ops.lead_from_visit, line.id)
        if change is None:
            return None
        lead_id = change.ids("lead", "insert")[0]
        self._reload_keeping_row(index.row(), index.column())
        self.message.setStyleSheet(OK_STYLE)
        self.message.setText(S.TRIP_LEAD_MADE.format(company=line.company))
        return lead_id

    def delete_current_row(self) -> None:
        if self.read_only_reason:
            return
        index = self.grid.currentIndex()
        if index.isValid():
            self.visit_model.remove_row(index.row())
            row = min(index.row(), self.visit_model.rowCount() - 1)
            self.grid.setCurrentIndex(self.visit_model.index(row, COL_COMPANY))

    # --- leaving --------------------------------------------------------------------------
    def save_before_leaving(self) -> bool:
        return self._write()
