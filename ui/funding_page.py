"""到位资金 page: type a month's funds row after row; see the month's entries and the totals."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import func, select

from zsdesk import ops
from zsdesk.choices import project_choices
from zsdesk.errors import FieldProblem, LedgerError, ValidationError
from zsdesk.labels import field_label
from zsdesk.models import Funding, Project, Unit
from zsdesk.money import format_wan
from zsdesk.ops.history import Change

from . import strings as S
from .completion import ChoiceCompleter, name_completer
from .context import LedgerContext
from .rows_model import RowsModel

ERROR_STYLE = "color: #c0392b;"


def _table(model: RowsModel, parent: QWidget) -> QTableView:
    view = QTableView(parent)
    view.setModel(model)
    view.setSortingEnabled(True)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 8)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    view.horizontalHeader().setStretchLastSection(True)
    view.setAlternatingRowColors(True)
    return view


class FundingPage(QWidget):
    selection_changed = Signal()  # the main window refreshes the status bar on it

    def __init__(self, context: LedgerContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self._projects: dict[str, int] | None = None
        # entry line: project → date → amount → note, Enter saves
        self.project = QLineEdit(self)
        self.project.setPlaceholderText(S.FUNDING_PROJECT)
        self.project.setMinimumWidth(360)
        self.date = QLineEdit(context.today.isoformat(), self)
        self.date.setPlaceholderText(field_label("date"))
        self.amount = QLineEdit(self)
        self.amount.setPlaceholderText(f"{field_label('amount')}（万元）")
        self.note = QLineEdit(self)
        self.note.setPlaceholderText(field_label("note"))
        self.add_button = QPushButton(S.ADD, self)
        self.add_button.clicked.connect(self.save_entry)
        self.project.returnPressed.connect(lambda: self._next(self.date))
        self.date.returnPressed.connect(lambda: self._next(self.amount))
        self.amount.returnPressed.connect(self.save_entry)
        self.note.returnPressed.connect(self.save_entry)
        self.entry_message = QLabel(self)
        self.entry_message.setStyleSheet(ERROR_STYLE)
        entry = QGroupBox(S.FUNDING_ENTRY, self)
        row = QHBoxLayout()
        row.addWidget(self.project, 4)
        row.addWidget(self.date, 1)
        row.addWidget(self.amount, 1)
        row.addWidget(self.note, 2)
        row.addWidget(self.add_button)
        box = QVBoxLayout(entry)
        box.addLayout(row)
        box.addWidget(self.entry_message)

        self.month = QDateEdit(QDate(context.today.year, context.today.month, 1), self)
        self.month.setDisplayFormat("yyyy年M月")
        self.month.setCalendarPopup(False)
        self.month.dateChanged.connect(lambda _d: self.reload())
        self.delete_button = QPushButton(S.FUNDING_DELETE, self)
        self.delete_button.clicked.connect(self.delete_selected)
        money = f"{field_label('amount')}（万元）"
        self.entries = RowsModel([field_label("date"), field_label("code"), field_label("name"),
                                  field_label("lead_unit_id"), money, field_label("note")], [4], self)
        self.by_unit = RowsModel([field_label("lead_unit_id"), "笔数", money], [1, 2], self)
        self.by_month = RowsModel(["月份", "笔数", money], [1, 2], self)
        self.entries_view = _table(self.entries, self)
        self.entries_view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        left = QWidget(splitter)
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        head = QHBoxLayout()
        head.addWidget(QLabel(S.FUNDING_MONTH, left))
        head.addWidget(self.month)
        head.addWidget(QLabel(S.FUNDING_ENTRIES, left))
        head.addStretch(1)
        head.addWidget(self.delete_button)
        lv.addLayout(head)
        lv.addWidget(self.entries_view)
        self.month_total = QLabel(left)
        lv.addWidget(self.month_total)
        right = QWidget(splitter)
        rv = QVBoxLayout(right)
        rv.setContentsMargins(0, 0, 0, 0)
        rv.addWidget(QLabel(S.FUNDING_BY_UNIT, right))
        rv.addWidget(_table(self.by_unit, right), 3)
        rv.addWidget(QLabel(S.FUNDING_BY_MONTH, right))
        rv.addWidget(_table(self.by_month, right), 2)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 0)
        layout.addWidget(entry)
        layout.addWidget(splitter, 1)
        context.changed.connect(self._changed)
        self.reload()

    # --- entry ----------------------------------------------------------------------------
    def activated(self) -> None:
        if self._projects is None:
            self._load_projects()
        self.project.setFocus()

    def focus_search(self) -> None:
        self.project.setFocus()

    def _load_projects(self) -> None:
        with self.context.ledger.reading() as s:
            choices = project_choices(s)
        self._projects = {c.value: c.id for c in choices if c.id is not None}
        self._codes = {c.value.split(" ", 1)[0]: c.id for c in choices if c.id is not None}
        names: dict[str, list[int]] = {}
        for c in choices:
            if c.id is not None:
                names.setdefault(c.value.split(" ", 1)[1] if " " in c.value else c.value, []).append(c.id)
        self._names = names
        if isinstance(self.project.completer(), ChoiceCompleter):
            self.project.completer().set_choices(choices)  # type: ignore[union-attr]
        else:
            self.project.setCompleter(name_completer(choices, self.project))

    def _next(self, widget: QLineEdit) -> None:
        widget.setFocus()
        widget.selectAll()

    def resolve_project(self, text: str) -> int:
        if self._projects is None:
            self._load_projects()
        text = text.strip()
        assert self._projects is not None
        if text in self._projects:
            return self._projects[text]
        first = text.split(" ", 1)[0]
        if first in self._codes:
            return self._codes[first]
        if len(self._names.get(text, [])) == 1:
            return self._names[text][0]
        raise ValidationError([FieldProblem("project_id", field_label("project_id"),
                                            S.FUNDING_UNKNOWN_PROJECT.format(text=text))])

    def save_entry(self) -> bool:
        self.entry_message.setStyleSheet(ERROR_STYLE)
        try:
            pid = self.resolve_project(self.project.text())
            self.context.try_run(ops.add_funding, {"project_id": pid, "date": self.date.text(),
                                                   "amount": self.amount.text(), "note": self.note.text()})
        except ValidationError as err:
            self.entry_message.setText(str(err))
            field = err.problems[0].field if err.problems else ""
            target = {"project_id": self.project, "date": self.date, "amount": self.amount}.get(field, self.amount)
            target.setFocus()
            target.selectAll()
            return False
        except LedgerError as err:
            self.entry_message.setText(str(err))
            return False
        self.entry_message.setStyleSheet("color: #1e8449;")
        self.entry_message.setText(f"{S.FUNDING_SAVED}：{self.project.text()} {self.amount.text()} 万元")
        self.project.clear()
        self.amount.clear()
        self.note.clear()
        self.project.setFocus()  # the date stays: a month's list shares it
        return True

    def delete_selected(self) -> None:
        ids = [self.entries.ids[i.row()] for i in self.entries_view.selectionModel().selectedRows()]
        if ids:
            self.context.run(self, ops.delete_funding, ids)

    # --- lists ----------------------------------------------------------------------------
    def _month_range(self) -> tuple[date, date]:
        d = self.month.date()
        start = date(d.year(), d.month(), 1)
        end = date(d.year() + (d.month() == 12), d.month() % 12 + 1, 1)
        return start, end

    def reload(self) -> None:
        start, end = self._month_range()
        live = (Funding.deleted_at.is_(None), Project.deleted_at.is_(None))
        with self.context.ledger.reading() as s:
            entries = s.execute(
                select(Funding.id, Funding.date, Project.code, Project.name, Unit.name, Funding.amount, Funding.note)
                .join(Project, Project.id == Funding.project_id).outerjoin(Unit, Unit.id == Project.lead_unit_id)
                .where(*live, Funding.date >= start, Funding.date < end)
                .order_by(Funding.date.desc(), Funding.id.desc()).limit(20000)).all()
            by_unit = s.execute(
                select(Unit.name, func.count(Funding.id), func.sum(Funding.amount))
                .join(Project, Project.id == Funding.project_id).outerjoin(Unit, Unit.id == Project.lead_unit_id)
                .where(*live, Funding.date >= start, Funding.date < end)
                .group_by(Unit.name).order_by(func.sum(Funding.amount).desc())).all()
            month = func.strftime("%m", Funding.date) if self.context.ledger.url.startswith("sqlite") \
                else func.to_char(Funding.date, "MM")
            by_month = dict((int(m), (n, total)) for m, n, total in s.execute(
                select(month, func.count(Funding.id), func.sum(Funding.amount))
                .join(Project, Project.id == Funding.project_id)
                .where(*live, Funding.date >= date(start.year, 1, 1), Funding.date < date(start.year + 1, 1, 1))
                .group_by(month)).all())
        self.entries.set_rows([(d.isoformat(), code, name, unit or "", format_wan(amount), note)
                               for _fid, d, code, name, unit, amount, note in entries],
                              [e[0] for e in entries],
                              [(d, code, name, unit or "", amount, note) for _fid, d, code, name, unit, amount, note
                               in entries])
        total = sum(e[5] for e in entries)
        self.month_total.setText(f"{S.FUNDING_TOTAL}：{len(entries)} 笔，{format_wan(total, unit=True)}")
        unit_rows = [(u or S.FUNDING_NO_UNIT, n, format_wan(t)) for u, n, t in by_unit]
        unit_rows.append((S.FUNDING_TOTAL, sum(n for _u, n, _t in by_unit), format_wan(sum(t for *_x, t in by_unit))))
        self.by_unit.set_rows(unit_rows, keys=[(u or "", n, t) for u, n, t in by_unit] +
                              [("", 10**12, 10**18)])
        month_rows, keys = [], []
        for m in range(1, 13):
            n, t = by_month.get(m, (0, 0))
            month_rows.append((S.FUNDING_MONTH_LABEL.format(m=m), n, format_wan(t)))
            keys.append((m, n, t))
        all_n = sum(n for n, _t in by_month.values())
        all_t = sum(t for _n, t in by_month.values())
        month_rows.append((S.FUNDING_TOTAL, all_n, format_wan(all_t)))
        keys.append((13, 10**12, 10**18))
        self.by_month.set_rows(month_rows, keys=keys)
        self.selection_changed.emit()

    def _changed(self, change: Change) -> None:
        if any(r.entity in ("funding", "project", "unit") for r in change.records):
            if any(r.entity == "project" and r.action != "update" for r in change.records):
                self._projects = None
            self.reload()

    def status_text(self) -> str:
        return self.month_total.text()
