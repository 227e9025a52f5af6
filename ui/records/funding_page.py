"""到位资金 page: type a month's funds row after row like in Excel; see the month's entries and the totals.

The entry grid's last row is where you type: Tab moves to the next cell, Enter saves the row and starts
the next one (the saved row stays above it), Ctrl+Z right after saving undoes that entry (not the text
field), Ctrl+V of several cells copied from Excel/WPS opens the paste grid with the import checks.
The month shown follows what was just entered.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, QEvent, QObject, Qt
from PySide6.QtGui import QColor, QGuiApplication, QKeyEvent, QKeySequence
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
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from zsdesk import ops
from zsdesk.dates import parse_date
from zsdesk.errors import FieldProblem, LedgerError, ValidationError
from zsdesk.labels import NO_LEAD_UNIT, field_label
from zsdesk.money import format_money, parse_money
from zsdesk.ops.history import Change
from zsdesk.queries.choices import project_choices
from zsdesk.queries.funding import funding_month

from .. import strings as S
from ..common import table_habits
from ..common.completion import ChoiceCompleter, name_completer
from ..common.context import LedgerContext
from ..common.page import PageWidget
from ..common.rows_model import RowsModel

ERROR_STYLE = "color: #c0392b;"
OK_STYLE = "color: #1e8449;"
GRID_COLUMNS = 4  # 项目, 日期, 金额, 备注
KEEP_SAVED_ROWS = 200  # rows saved this session that stay above the entry row
SAVED_COLOR = "#eef5ee"


def _table(model: RowsModel, parent: QWidget) -> QTableView:
    view = QTableView(parent)
    view.setModel(model)
    view.setSortingEnabled(True)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 8)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    view.horizontalHeader().setStretchLastSection(True)
    view.setAlternatingRowColors(True)
    return view


def _is_block(text: str) -> bool:
    """Clipboard text that is several cells (copied from Excel/WPS), not one value."""
    body = text.rstrip("\r\n")
    return "\t" in body or "\n" in body


class FundingPage(PageWidget):

    def __init__(self, context: LedgerContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        table_habits.install()
        self.context = context
        self._projects: dict[str, int] | None = None
        self._codes: dict[str, int] = {}
        self._names: dict[str, list[int]] = {}
        self._last_saved: Change | None = None  # what Ctrl+Z in the entry row undoes
        self.paste_dialog: QWidget | None = None
        # entry grid: saved rows above, the row being typed last (project → date → amount → note)
        self.grid = QTableWidget(0, GRID_COLUMNS, self)
        self.grid.setObjectName("funding_grid")
        self.grid.setHorizontalHeaderLabels([S.FUNDING_PROJECT, field_label("date"),
                                             f"{field_label('amount')}（万元）", field_label("note")])
        self.grid.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.grid.setTabKeyNavigation(False)  # Tab moves between the row's fields, as typed
        self.grid.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.grid.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 12)
        head = self.grid.horizontalHeader()
        head.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col, chars in ((1, 11), (2, 13), (3, 18)):
            head.setSectionResizeMode(col, QHeaderView.ResizeMode.Fixed)
            self.grid.setColumnWidth(col, self.fontMetrics().horizontalAdvance("0") * chars + 24)
        rows_visible = 5
        self.grid.setFixedHeight(head.sizeHint().height() + rows_visible * self.grid.verticalHeader()
                                 .defaultSectionSize() + 2 * self.grid.frameWidth() + 2)
        self.project = QLineEdit(self)
        self.project.setPlaceholderText(S.FUNDING_PROJECT)
        self.date = QLineEdit(context.today.isoformat(), self)
        self.date.setPlaceholderText(field_label("date"))
        self.amount = QLineEdit(self)
        self.amount.setPlaceholderText(f"{field_label('amount')}（万元）")
        self.amount.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.note = QLineEdit(self)
        self.note.setPlaceholderText(field_label("note"))
        self.editors = (self.project, self.date, self.amount, self.note)
        self.grid.insertRow(0)
        for col, edit in enumerate(self.editors):
            edit.setFrame(False)
            edit.installEventFilter(self)
            self.grid.setCellWidget(0, col, edit)
        self.grid.setVerticalHeaderItem(0, QTableWidgetItem("＋"))
        self.grid.installEventFilter(self)  # Ctrl+V on the grid itself pastes rows too
        for a, b in zip(self.editors, self.editors[1:], strict=False):
            QWidget.setTabOrder(a, b)
        self.add_button = QPushButton(S.ADD, self)
        self.add_button.clicked.connect(self.save_entry)
        QWidget.setTabOrder(self.note, self.add_button)
        self.paste_button = QPushButton(S.PASTE_FUNDING_TITLE, self)
        self.paste_button.clicked.connect(lambda: self.open_paste())
        self.project.returnPressed.connect(lambda: self._enter(self.project))
        self.date.returnPressed.connect(lambda: self._enter(self.date))
        self.amount.returnPressed.connect(lambda: self._enter(self.amount))
        self.note.returnPressed.connect(lambda: self._enter(self.note))
        self.entry_message = QLabel(self)
        self.entry_message.setObjectName("entry_message")
        self.entry_message.setStyleSheet(ERROR_STYLE)
        self.entry_message.setWordWrap(True)
        hint = QLabel(S.FUNDING_GRID_HINT, self)
        hint.setStyleSheet("color: #777;")
        hint.setWordWrap(True)
        entry = QGroupBox(S.FUNDING_ENTRY, self)
        box = QVBoxLayout(entry)
        box.addWidget(self.grid)
        below = QHBoxLayout()
        below.addWidget(hint, 1)
        below.addWidget(self.paste_button)
        below.addWidget(self.add_button)
        box.addLayout(below)
        box.addWidget(self.entry_message)

        self.month = QDateEdit(QDate(context.today.year, context.today.month, 1), self)
        self.month.setDisplayFormat("yyyy年M月")
        self.month.setCalendarPopup(False)
        self.month.setFixedWidth(self.fontMetrics().horizontalAdvance("0000年00月") + 48)
        self.month.dateChanged.connect(lambda _d: self.reload())
        self.month_note = QLabel(self)
        self.month_note.setStyleSheet("color: #1f5fa8;")
        self.delete_button = QPushButton(S.FUNDING_DELETE, self)
        self.delete_button.clicked.connect(self.delete_selected)
        money = f"{field_label('amount')}（万元）"
        self.entries = RowsModel([field_label("date"), field_label("code"), field_label("name"),
                                  field_label("lead_unit_id"), money, field_label("note")], [4], self)
        self.by_unit = RowsModel([field_label("lead_unit_id"), "笔数", money], [1, 2], self)
        self.by_month = RowsModel(["月份", "笔数", money], [1, 2], self)
        self.entries_view = _table(self.entries, self)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        left = QWidget(splitter)
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        head_row = QHBoxLayout()
        head_row.addWidget(QLabel(S.FUNDING_MONTH, left))
        head_row.addWidget(self.month)
        head_row.addWidget(QLabel(S.FUNDING_ENTRIES, left))
        head_row.addWidget(self.month_note, 1)
        head_row.addWidget(self.delete_button)
        lv.addLayout(head_row)
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

    def focus_search(self) -> bool:
        self.project.setFocus()
        return True

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
        completer = self.project.completer()
        if isinstance(completer, ChoiceCompleter):
            completer.set_choices(choices)
        else:
            self.project.setCompleter(name_completer(choices, self.project))

    def _next(self, widget: QLineEdit) -> None:
        widget.setFocus()
        widget.selectAll()

    def _enter(self, field: QLineEdit) -> None:
        """Enter saves the row once it has a project, a date and an amount; before that it goes to what is missing."""
        if self.project.text().strip():
            for missing in (self.date, self.amount):
                if not missing.text().strip():
                    self._next(missing)
                    return
        self.save_entry()

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

    def _project_text(self, pid: int) -> str:
        return next((shown for shown, i in (self._projects or {}).items() if i == pid), str(pid))

    def save_entry(self) -> bool:
        self.entry_message.setStyleSheet(ERROR_STYLE)
        try:
            pid = self.resolve_project(self.project.text())
            change = self.context.try_run(ops.add_funding, {"project_id": pid, "date": self.date.text(),
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
        when = parse_date(self.date.text())
        yuan = parse_money(self.amount.text(), allow_negative=True)
        project = self._project_text(pid)
        amount = format_money(yuan, "wan", 4 if yuan and yuan % 100 else 2, suffix=True)
        self._last_saved = change
        self._add_saved_row(project, when.isoformat() if when else self.date.text(), amount, self.note.text())
        self.entry_message.setStyleSheet(OK_STYLE)
        self.entry_message.setText(S.FUNDING_SAVED_WHAT.format(project=project, amount=amount,
                                                              date=when.isoformat() if when else ""))
        for edit in (self.project, self.amount, self.note):
            edit.setText("")  # setText, not clear(): clear() is undoable and Ctrl+Z would bring the text back
        if when is not None:
            self.follow_month(when)
        self.project.setFocus()  # the date stays: a month's list shares it
        return True

    def _add_saved_row(self, project: str, when: str, amount: str, note: str) -> None:
        row = self.grid.rowCount() - 1  # above the entry row
        self.grid.insertRow(row)
        for col, text in enumerate((project, when, amount, note)):
            item = QTableWidgetItem(text)
            item.setBackground(QColor(SAVED_COLOR))
            if col == 2:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.grid.setItem(row, col, item)
        while self.grid.rowCount() - 1 > KEEP_SAVED_ROWS:
            self.grid.removeRow(0)
        self._number_rows()
        self.grid.scrollToBottom()

    def _number_rows(self) -> None:
        for r in range(self.grid.rowCount() - 1):
            self.grid.setVerticalHeaderItem(r, QTableWidgetItem(str(r + 1)))
        self.grid.setVerticalHeaderItem(self.grid.rowCount() - 1, QTableWidgetItem("＋"))

    @property
    def saved_rows(self) -> list[tuple[str, ...]]:
        """The rows saved this session, as shown above the entry row (oldest first)."""
        def text(r: int, c: int) -> str:
            item = self.grid.item(r, c)
            return item.text() if item is not None else ""

        return [tuple(text(r, c) for c in range(GRID_COLUMNS)) for r in range(self.grid.rowCount() - 1)]

    def follow_month(self, when: date) -> None:
        """Show the month of what was just entered (an April entry must not vanish from a November view)."""
        target = QDate(when.year, when.month, 1)
        if self.month.date() != target:
            self.month.setDate(target)
            self.month_note.setText(S.FUNDING_SHOWING_MONTH.format(month=f"{when.year}年{when.month}月"))
        else:
            self.month_note.setText("")

    def undo_last_entry(self) -> bool:
        """Ctrl+Z in the entry row: undo the entry just saved, if it is still the last change."""
        label = self.context.undo_label
        stack = self.context.ledger.history.undo_stack
        if self._last_saved is None or not stack or stack[-1][0] != self._last_saved.op_id:
            self.entry_message.setStyleSheet(ERROR_STYLE)
            self.entry_message.setText(S.FUNDING_NOTHING_TO_UNDO)
            return False
        if self.context.undo(self) is None:
            return False
        self._last_saved = None
        if self.grid.rowCount() > 1:
            self.grid.removeRow(self.grid.rowCount() - 2)
            self._number_rows()
        self.entry_message.setStyleSheet(OK_STYLE)
        self.entry_message.setText(S.FUNDING_UNDONE.format(label=label))
        return True

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if (obj not in self.editors and obj is not self.grid) \
                or event.type() not in (QEvent.Type.KeyPress, QEvent.Type.ShortcutOverride):
            return False
        assert isinstance(event, QKeyEvent)
        if isinstance(obj, QLineEdit) and event.matches(QKeySequence.StandardKey.Undo) and not obj.isUndoAvailable():
            # Nothing typed to take back in this field: Ctrl+Z means the entry just saved.
            if event.type() == QEvent.Type.ShortcutOverride:
                event.accept()
                return True
            self.undo_last_entry()
            return True
        if event.matches(QKeySequence.StandardKey.Paste) and _is_block(QGuiApplication.clipboard().text()):
            if event.type() == QEvent.Type.ShortcutOverride:
                event.accept()
                return True
            self.open_paste(QGuiApplication.clipboard().text())
            return True
        return False

    def open_paste(self, text: str | None = None) -> QWidget:
        """The paste grid for funding rows (the same checks and report as an xlsx import)."""
        from ..common.paste_dialog import PasteDialog

        dialog = PasteDialog(self.context, "funding", self)
        if text:
            dialog.paste_text(text)
            dialog.check()
        self.paste_dialog = dialog
        dialog.show()
        return dialog

    def delete_selected(self) -> None:
        ids = [self.entries.ids[i.row()] for i in self.entries_view.selectionModel().selectedRows()]
        if ids:
            self.context.run(self, ops.delete_funding, ids)

    # --- lists ----------------------------------------------------------------------------
    def reload(self) -> None:
        d = self.month.date()
        with self.context.ledger.reading() as s:
            view = funding_month(s, d.year(), d.month())
        entries = view.entries
        self.entries.set_rows([(e.date.isoformat(), e.code, e.name, e.unit, format_money(e.amount), e.note)
                               for e in entries], [e.id for e in entries],
                              [(e.date, e.code, e.name, e.unit, e.amount, e.note) for e in entries])
        total = sum(e.amount for e in entries)
        self.month_total.setText(f"{S.FUNDING_TOTAL}：{len(entries)} 笔，{format_money(total, suffix=True)}")
        by_unit = view.by_unit
        unit_rows = [(u or NO_LEAD_UNIT, n, format_money(t)) for u, n, t in by_unit]
        unit_rows.append((S.FUNDING_TOTAL, sum(n for _u, n, _t in by_unit), format_money(sum(t for *_x, t in by_unit))))
        self.by_unit.set_rows(unit_rows, keys=[(u, n, t) for u, n, t in by_unit] + [("", 10**12, 10**18)])
        month_rows, keys = [], []
        for m in range(1, 13):
            n, t = view.by_month.get(m, (0, 0))
            month_rows.append((S.FUNDING_MONTH_LABEL.format(m=m), n, format_money(t)))
            keys.append((m, n, t))
        all_n = sum(n for n, _t in view.by_month.values())
        all_t = sum(t for _n, t in view.by_month.values())
        month_rows.append((S.FUNDING_TOTAL, all_n, format_money(all_t)))
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
