"""The column-mapping import wizard (issue 22): a bureau's own workbook, whatever its columns.

Read the workbook (every sheet, on the worker) → for each sheet, one row per column: header, sample values,
the field it feeds and its amount unit → the value map of the categorical columns (origin, units, stage
words …) and the rule for a stage word without a date → a preview of the first rows as they will be stored →
the importer's own check (row, column, reason) → import, every sheet in one undoable operation. A mapping
saved here is chosen again for a sheet with the same headers. Everything works from the keyboard: each step
has a mnemonic, Tab walks the combos, 下一步 is Alt+N.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from zsdesk.labels import ORIGIN_LABELS
from zsdesk.xlsx.mapping import (
    CATEGORY_LABELS,
    CATEGORY_OF,
    FIELD_LABELS,
    IGNORE,
    MONEY_FIELDS,
    MONEY_UNITS,
    NOTES,
    STAGE,
    STAGE_DATE,
    STAGE_NOTES,
)

from ..common.context import LedgerContext
from ..common.errors import inform, show_error
from ..common.rows_model import RowsModel
from . import mapping_words as W

PAGE_COLUMNS, PAGE_VALUES, PAGE_PREVIEW, PAGE_REPORT, PAGE_DONE = range(5)
# The field combo: 忽略, 备注, 进展 words, then the project fields in template order.
FIELD_CHOICES = [(IGNORE, FIELD_LABELS[IGNORE]), (NOTES, "备注"), (STAGE, FIELD_LABELS[STAGE])] + [
    (f, label) for f, label in FIELD_LABELS.items() if f not in (IGNORE, NOTES, STAGE)]
SAMPLE_SHOWN = 3


def _engine() -> Any:
    # loaded when the wizard runs, not when the window starts
    from zsdesk.xlsx import mapping_apply, mapping_sheet, mapping_store

    return mapping_apply, mapping_sheet, mapping_store


def _text(value: Any) -> str:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return str(value.isoformat())[:10]
    return str(value)


class MappingWizard(QDialog):
    def __init__(self, context: LedgerContext, path: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.plans: list[Any] = []
        self.vocab: Any = None
        self.report: Any = None
        self.sheet_index = 0
        self.setWindowTitle(W.TITLE)
        # file and sheet, above every step
        self.path = QLineEdit(path, self)
        browse = QPushButton(W.BROWSE, self)
        browse.clicked.connect(self._browse)
        self.read_button = QPushButton(W.READ, self)
        self.read_button.clicked.connect(self.read)
        file_label = QLabel(W.FILE, self)
        file_label.setBuddy(self.path)
        top = QHBoxLayout()
        top.addWidget(file_label)
        top.addWidget(self.path, 1)
        top.addWidget(browse)
        top.addWidget(self.read_button)
        self.sheet = QComboBox(self)
        self.sheet.currentIndexChanged.connect(self._sheet_changed)
        sheet_label = QLabel(W.SHEET, self)
        sheet_label.setBuddy(self.sheet)
        self.include = QCheckBox(W.INCLUDE, self)
        self.include.toggled.connect(self._include_toggled)
        self.origin_text = QLabel(self)
        sheet_row = QHBoxLayout()
        sheet_row.addWidget(sheet_label)
        sheet_row.addWidget(self.sheet, 1)
        sheet_row.addWidget(self.include)
        sheet_row.addWidget(self.origin_text, 2)
        self.step = QLabel(self)
        self.step.setStyleSheet("font-weight: bold")
        self.pages = QStackedWidget(self)
        self.pages.addWidget(self._columns_page())
        self.pages.addWidget(self._values_page())
        self.pages.addWidget(self._preview_page())
        self.pages.addWidget(self._report_page())
        self.pages.addWidget(self._done_page())
        self.back_button = QPushButton(W.BACK, self)
        self.back_button.clicked.connect(self.back)
        self.next_button = QPushButton(W.NEXT, self)
        self.next_button.setDefault(True)
        self.next_button.clicked.connect(self.next)
        nav = QHBoxLayout()
        nav.addStretch(1)
        nav.addWidget(self.back_button)
        nav.addWidget(self.next_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(sheet_row)
        layout.addWidget(self.step)
        layout.addWidget(self.pages, 1)
        layout.addLayout(nav)
        self.resize(1180, 680)
        self._show_page(PAGE_COLUMNS)

    # -- pages --------------------------------------------------------------------------------------------
    def _columns_page(self) -> QWidget:
        page = QWidget(self)
        v = QVBoxLayout(page)
        self.columns = QTableWidget(0, len(W.COLUMN_HEADERS), page)
        self.columns.setHorizontalHeaderLabels(W.COLUMN_HEADERS)
        self.columns.verticalHeader().setVisible(False)
        self.columns.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.columns.setTabKeyNavigation(False)  # Tab walks the combos
        head = self.columns.horizontalHeader()
        head.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        head.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        head.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        head.setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        v.addWidget(self.columns, 1)
        self.stage_rule = QComboBox(page)
        self.stage_rule.addItem(W.STAGE_NOTES, STAGE_NOTES)
        self.stage_rule.addItem(W.STAGE_DATE, STAGE_DATE)
        self.stage_rule.currentIndexChanged.connect(self._stage_changed)
        self.stage_date = QComboBox(page)
        self.stage_date.currentIndexChanged.connect(self._stage_changed)
        rule_label = QLabel(W.STAGE_RULE, page)
        rule_label.setBuddy(self.stage_rule)
        self.no_stage = QLabel(W.NO_STAGE, page)
        row = QHBoxLayout()
        row.addWidget(rule_label)
        row.addWidget(self.stage_rule)
        row.addWidget(self.stage_date)
        row.addWidget(self.no_stage)
        row.addStretch(1)
        v.addLayout(row)
        return page

    def _values_page(self) -> QWidget:
        page = QWidget(self)
        v = QVBoxLayout(page)
        self.values = QTableWidget(0, len(W.VALUE_HEADERS), page)
        self.values.setHorizontalHeaderLabels(W.VALUE_HEADERS)
        self.values.verticalHeader().setVisible(False)
        self.values.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.values.setTabKeyNavigation(False)
        self.values.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.no_values = QLabel(W.NO_VALUES, page)
        v.addWidget(self.values, 1)
        v.addWidget(self.no_values)
        return page

    def _preview_page(self) -> QWidget:
        page = QWidget(self)
        v = QVBoxLayout(page)
        self.preview = QTableWidget(0, 0, page)
        self.preview.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.preview.verticalHeader().setVisible(False)
        self.preview.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        v.addWidget(self.preview, 1)
        self.mapping_name = QLineEdit(page)
        name_label = QLabel(W.MAPPING_NAME, page)
        name_label.setBuddy(self.mapping_name)
        save = QPushButton(W.SAVE_MAPPING, page)
        save.clicked.connect(self.save_mapping)
        export = QPushButton(W.EXPORT_MAPPING, page)
        export.clicked.connect(self.export_mapping)
        load = QPushButton(W.IMPORT_MAPPING, page)
        load.clicked.connect(self.load_mapping)
        row = QHBoxLayout()
        row.addWidget(name_label)
        row.addWidget(self.mapping_name, 1)
        row.addWidget(save)
        row.addWidget(export)
        row.addWidget(load)
        v.addLayout(row)
        return page

    def _report_page(self) -> QWidget:
        page = QWidget(self)
        v = QVBoxLayout(page)
        self.summary = QLabel(page)
        self.summary.setWordWrap(True)
        self.problems = RowsModel(["工作表", "行", "列", "问题"], [1], self)
        table = QTableView(page)
        table.setModel(self.problems)
        table.setSortingEnabled(True)
        table.setWordWrap(True)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.verticalHeader().setVisible(False)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        table.horizontalHeader().setStretchLastSection(True)
        self.problem_table = table
        self.confirm_button = QPushButton(W.CONFIRM, page)
        self.confirm_button.clicked.connect(self.confirm)
        recheck = QPushButton(W.RECHECK, page)
        recheck.clicked.connect(self.check)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(recheck)
        row.addWidget(self.confirm_button)
        v.addWidget(self.summary)
        v.addWidget(table, 1)
        v.addLayout(row)
        return page

    def _done_page(self) -> QWidget:
        page = QWidget(self)
        v = QVBoxLayout(page)
        self.done_text = QLabel(page)
        self.done_text.setWordWrap(True)
        self.done_text.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        close = QPushButton(W.CLOSE, page)
        close.clicked.connect(self.accept)
        v.addWidget(self.done_text, 1)
        v.addWidget(close, 0, Qt.AlignmentFlag.AlignRight)
        return page

    # -- reading ------------------------------------------------------------------------------------------
    def _browse(self) -> None:
        from .. import strings as S

        path, _ = QFileDialog.getOpenFileName(self, W.TITLE, self.path.text(), S.XLSX_FILTER)
        if path:
            self.path.setText(path)
            self.read()

    def read(self) -> None:
        path, ledger = self.path.text().strip(), self.context.ledger
        if not path:
            self.path.setFocus()
            return
        _, _, store = _engine()
        self.context.runner.start(lambda progress, cancelled: store.plan_workbook(ledger, path, progress, cancelled),
                                  W.READING, self, on_done=self._read_done)

    def _read_done(self, result: Any) -> None:
        self.plans, self.vocab = result
        self.sheet.blockSignals(True)
        self.sheet.clear()
        for plan in self.plans:
            self.sheet.addItem(f"{plan.sample.sheet}（{len(plan.sample.rows or [])} 行）")
        self.sheet.blockSignals(False)
        self.sheet_index = 0
        self._fill_sheet()
        self._show_page(PAGE_COLUMNS)
        self.columns.setFocus()

    @property
    def plan(self) -> Any:
        return self.plans[self.sheet_index] if self.plans else None

    def _sheet_changed(self, index: int) -> None:
        if 0 <= index < len(self.plans):
            self.sheet_index = index
            self._fill_sheet()
            page = self.pages.currentIndex()
            if page in (PAGE_VALUES, PAGE_PREVIEW):
                self._show_page(page)

    def _include_toggled(self, on: bool) -> None:
        if self.plan is not None:
            self.plan.include = on

    def _fill_sheet(self) -> None:
        plan = self.plan
        if plan is None:
            return
        self.include.blockSignals(True)
        self.include.setChecked(plan.include)
        self.include.blockSignals(False)
        self.origin_text.setText(W.SAVED.format(name=plan.saved_name) if plan.saved_name else W.SUGGESTED)
        self.mapping_name.setText(plan.saved_name or plan.mapping.name)
        sample, mapping = plan.sample, plan.mapping
        self.columns.setRowCount(0)
        self.columns.setRowCount(len(mapping.columns))
        for row, col in enumerate(mapping.columns):
            self.columns.setItem(row, 0, QTableWidgetItem(col.header))
            shown = [_text(v) for v in sample.samples[row][:20] if v is not None][:SAMPLE_SHOWN] \
                if row < len(sample.samples) else []
            self.columns.setItem(row, 1, QTableWidgetItem("、".join(shown)))
            field = QComboBox(self.columns)
            for code, label in FIELD_CHOICES:
                field.addItem(label, code)
            field.setCurrentIndex(max(0, field.findData(col.field)))
            field.currentIndexChanged.connect(lambda _i, r=row: self._field_changed(r))
            self.columns.setCellWidget(row, 2, field)
            unit = QComboBox(self.columns)
            unit.addItem("", None)
            for u in MONEY_UNITS:
                unit.addItem(u, u)
            unit.setCurrentIndex(max(0, unit.findData(col.unit)))
            unit.setEnabled(col.field in MONEY_FIELDS)
            unit.currentIndexChanged.connect(lambda _i, r=row: self._unit_changed(r))
            self.columns.setCellWidget(row, 3, unit)
        self._fill_stage()

    def field_combo(self, row: int) -> QComboBox:
        widget = self.columns.cellWidget(row, 2)
        assert isinstance(widget, QComboBox)
        return widget

    def unit_combo(self, row: int) -> QComboBox:
        widget = self.columns.cellWidget(row, 3)
        assert isinstance(widget, QComboBox)
        return widget

    def _field_changed(self, row: int) -> None:
        col = self.plan.mapping.columns[row]
        col.field = self.field_combo(row).currentData()
        unit = self.unit_combo(row)
        unit.setEnabled(col.field in MONEY_FIELDS)
        if col.field in MONEY_FIELDS and not col.unit:
            unit.setCurrentIndex(unit.findData(self.plan.sample.default_unit or "万元"))
        self._fill_stage()

    def _unit_changed(self, row: int) -> None:
        self.plan.mapping.columns[row].unit = self.unit_combo(row).currentData()

    def _fill_stage(self) -> None:
        mapping = self.plan.mapping
        has_stage = bool(mapping.field_columns(STAGE))
        for widget in (self.stage_rule, self.stage_date):
            widget.blockSignals(True)
        self.stage_date.clear()
        self.stage_date.addItem("", "")
        for c in mapping.columns:
            self.stage_date.addItem(c.header, c.header)
        self.stage_rule.setCurrentIndex(self.stage_rule.findData(mapping.stage_rule))
        self.stage_date.setCurrentIndex(max(0, self.stage_date.findData(mapping.stage_date_column)))
        for widget in (self.stage_rule, self.stage_date):
            widget.blockSignals(False)
        self.stage_rule.setEnabled(has_stage)
        self.stage_date.setEnabled(has_stage and mapping.stage_rule == STAGE_DATE)
        self.no_stage.setVisible(not has_stage)

    def _stage_changed(self) -> None:
        mapping = self.plan.mapping
        mapping.stage_rule = self.stage_rule.currentData()
        mapping.stage_date_column = self.stage_date.currentData() or ""
        self.stage_date.setEnabled(mapping.stage_rule == STAGE_DATE)

    # -- value maps ---------------------------------------------------------------------------------------
    def _choices(self, category: str) -> list[str]:
        from zsdesk.xlsx.mapping_apply import stage_choices

        vocab = self.vocab
        if category == "origin":
            return list(ORIGIN_LABELS.values())
        if category == "industrial":
            return ["是", "否"]
        if category == "stage":
            return stage_choices()
        if category == "unit":
            return sorted(set(vocab.units.values()))
        pool = {"chain": vocab.chains, "tag": vocab.tags, "person": vocab.persons}.get(category, frozenset())
        return sorted(pool)

    def _fill_values(self) -> None:
        _, sheet_engine, _ = _engine()
        plan = self.plan
        sheet_engine.fill_value_maps(plan.sample, plan.mapping, self.vocab)
        rows: list[tuple[str, str]] = []
        seen: set[tuple[str, str]] = set()
        for i, col in enumerate(plan.mapping.columns):
            category = CATEGORY_OF.get(col.field)
            if category is None:
                continue
            for word in sheet_engine.distinct_words(plan.sample, i, limit=200):
                if (category, word) not in seen:
                    seen.add((category, word))
                    rows.append((category, word))
        self.values.setRowCount(0)
        self.values.setRowCount(len(rows))
        for r, (category, word) in enumerate(rows):
            self.values.setItem(r, 0, QTableWidgetItem(CATEGORY_LABELS[category]))
            self.values.setItem(r, 1, QTableWidgetItem(word))
            combo = QComboBox(self.values)
            combo.setEditable(category not in ("origin", "industrial", "stage"))
            combo.addItem(W.UNKNOWN, "")
            for choice in self._choices(category):
                combo.addItem(choice, choice)
            current = plan.mapping.values.get(category, {}).get(word, "")
            combo.setCurrentIndex(max(0, combo.findData(current)))
            combo.currentIndexChanged.connect(lambda _i, c=category, w=word, box=combo: self._value_changed(c, w, box))
            self.values.setCellWidget(r, 2, combo)
        self.no_values.setVisible(not rows)

    def value_combo(self, word: str) -> QComboBox | None:
        for r in range(self.values.rowCount()):
            item = self.values.item(r, 1)
            if item is not None and item.text() == word:
                widget = self.values.cellWidget(r, 2)
                return widget if isinstance(widget, QComboBox) else None
        return None

    def _value_changed(self, category: str, word: str, combo: QComboBox) -> None:
        words = self.plan.mapping.values.setdefault(category, {})
        chosen = combo.currentData() or ""
        if chosen:
            words[word] = chosen
        else:
            words.pop(word, None)

    # -- preview, saving ----------------------------------------------------------------------------------
    def _fill_preview(self) -> None:
        apply, _, _ = _engine()
        try:
            labels, rows = apply.preview(self.plan.sample, self.plan.mapping)
        except Exception as exc:  # noqa: BLE001 - shown; a bug is logged
            show_error(self, exc)
            return
        self.preview.clear()
        self.preview.setColumnCount(len(labels))
        self.preview.setHorizontalHeaderLabels(labels)
        self.preview.setRowCount(len(rows))
        for r, line in enumerate(rows):
            for c, text in enumerate(line):
                self.preview.setItem(r, c, QTableWidgetItem(text))

    def save_mapping(self) -> None:
        _, _, store = _engine()
        name = self.mapping_name.text().strip()
        if not name:
            self.mapping_name.setFocus()
            return
        self.plan.mapping.name = name
        if self.context.run(self, store.save_mapping, self.plan.mapping) is not None:
            for plan in self.plans:  # sheets sharing this mapping (one per year) share its name
                if plan.mapping is self.plan.mapping:
                    plan.saved_name = name
            self.origin_text.setText(W.SAVED.format(name=name))
            inform(self, W.TITLE, W.SAVED_DONE.format(name=name))

    def export_mapping(self) -> None:
        _, _, store = _engine()
        path, _ = QFileDialog.getSaveFileName(self, W.EXPORT_MAPPING, f"{self.mapping_name.text() or '导入对照'}.json",
                                              W.JSON_FILTER)
        if not path:
            return
        self.plan.mapping.name = self.mapping_name.text().strip()
        try:
            store.write_mapping_file([self.plan.mapping], path)
        except Exception as exc:  # noqa: BLE001 - shown; a bug is logged
            show_error(self, exc)
            return
        inform(self, W.TITLE, W.EXPORTED.format(path=path))

    def load_mapping(self) -> None:
        _, _, store = _engine()
        path, _ = QFileDialog.getOpenFileName(self, W.IMPORT_MAPPING, "", W.JSON_FILTER)
        if not path:
            return
        try:
            read = store.read_mapping_file(path)
        except Exception as exc:  # noqa: BLE001 - shown; a bug is logged
            show_error(self, exc)
            return
        found = store.find_saved(read, self.plan.sample.headers) or read[0]
        self.plan.mapping = store.fitted(found, self.plan.sample.headers)
        self._fill_sheet()
        self._show_page(PAGE_COLUMNS)

    # -- steps --------------------------------------------------------------------------------------------
    def _show_page(self, page: int) -> None:
        if page == PAGE_VALUES:
            self._fill_values()
        elif page == PAGE_PREVIEW:
            self._fill_preview()
        self.pages.setCurrentIndex(page)
        self.step.setText({PAGE_COLUMNS: W.STEP_COLUMNS, PAGE_VALUES: W.STEP_VALUES, PAGE_PREVIEW: W.STEP_PREVIEW,
                           PAGE_REPORT: W.STEP_REPORT, PAGE_DONE: W.STEP_DONE}[page])
        ready = bool(self.plans)
        self.back_button.setEnabled(ready and PAGE_COLUMNS < page < PAGE_DONE)
        self.next_button.setEnabled(ready and page < PAGE_REPORT)
        self.next_button.setText(W.CHECK if page == PAGE_PREVIEW else W.NEXT)

    def next(self) -> None:
        page = self.pages.currentIndex()
        if page == PAGE_COLUMNS:
            unsettled = self.plan.mapping.problems() if self.plan.include else []
            if unsettled:
                inform(self, W.TITLE, "\n".join(unsettled))
                return
        if page == PAGE_PREVIEW:
            self.check()
            return
        self._show_page(page + 1)

    def back(self) -> None:
        self._show_page(max(PAGE_COLUMNS, self.pages.currentIndex() - 1))

    def _chosen(self) -> list[tuple[Any, Any]]:
        return [(p.sample, p.mapping) for p in self.plans if p.include]

    def _run(self, dry_run: bool) -> None:
        chosen = self._chosen()
        if not chosen:
            inform(self, W.TITLE, W.NO_SHEETS)
            return
        apply, _, _ = _engine()
        path, ledger = self.path.text().strip(), self.context.ledger
        self.context.runner.start(
            lambda progress, cancelled: apply.import_mapped(ledger, path, chosen, dry_run=dry_run, progress=progress,
                                                            cancel=cancelled),
            W.CHECKING, self, on_done=self._show_report if dry_run else self._written)

    def check(self) -> None:
        self._run(dry_run=True)

    def confirm(self) -> None:
        if self.report is not None and self.report.ok:
            self._run(dry_run=False)

    def _show_report(self, report: Any) -> None:
        self.report = report
        rows = [(p.sheet, p.row or "", p.column, p.reason) for p in report.all_problems()]
        for sheet in report.sheets:
            rows += [(sheet.sheet, d.row, "可能重复", str(d)) for d in sheet.duplicates]
            rows += [(sheet.sheet, c.row, c.column, f"将修改：{c.record}：{c.before} → {c.after}")
                     for c in sheet.changes]
        self.problems.set_rows(rows)
        lines = [report.summary(), *report.sheet_lines()]
        for sheet in report.sheets:
            lines += [f"{sheet.sheet}：{n}" for n in sheet.notes]
            lines += [f"{sheet.sheet}：{m}" for m in sheet.missing_lines()]
        self.summary.setText("\n".join(lines))
        self.confirm_button.setEnabled(report.ok)
        self._show_page(PAGE_REPORT)
        (self.confirm_button if report.ok else self.problem_table).setFocus()

    def _written(self, report: Any) -> None:
        self.report = report
        if not report.written:
            self._show_report(report)
            return
        self.context.announce(report.change)
        self.done_text.setText("\n".join([report.summary(), *report.sheet_lines(), "", W.DONE_TEXT]))
        self._show_page(PAGE_DONE)
