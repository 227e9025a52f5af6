"""Import and export dialogs. The xlsx engine does the work on the worker; these only ask and show.

Import: choose file → row-by-row report (errors and possible duplicates, sortable) → confirm → done.
Nothing is written until the clerk confirms a clean check; the import is one undoable operation.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from zsdesk import ops
from zsdesk.queries import ProjectQuery

from .. import strings as S
from ..common.context import LedgerContext
from ..common.errors import confirm, inform, show_error
from ..common.rows_model import RowsModel
from . import mapping_words as W
from .mapping_wizard import MappingWizard

DUPLICATE = "可能重复"
WILL_CHANGE = "将修改："


def _engine() -> Any:
    from zsdesk.xlsx import importer

    return importer


class ImportWizard(QDialog):
    def __init__(self, context: LedgerContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.report: Any = None
        ledger = context.ledger
        if ledger.read_only_reason is None:
            # The helper that checks a big project import on the other core: started now, it is ready
            # (~2 s) and has read the ledger's stored projects by the time the clerk has chosen a file (a
            # shared ledger's as this login, in a snapshot the import takes only if nothing was committed since).
            from zsdesk.xlsx.check_worker import WORKER, read_ahead_source

            WORKER.start(read_ahead_source(ledger))
        self._helper_reads_ahead = ledger.read_only_reason is None
        self.setWindowTitle(S.IMPORT_TITLE)
        self.pages = QStackedWidget(self)
        # 1. choose
        choose = QWidget(self)
        form = QFormLayout(choose)
        self.kind = QComboBox(choose)
        for code, label in S.IMPORT_KINDS.items():
            self.kind.addItem(label, code)
        self.path = QLineEdit(choose)
        browse = QPushButton(S.IMPORT_BROWSE, choose)
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        form.addRow(QLabel(S.IMPORT_CHOOSE, choose))
        form.addRow(S.IMPORT_KIND, self.kind)
        form.addRow(S.IMPORT_FILE, row)
        self.check_button = QPushButton(S.IMPORT_CHECK, choose)
        self.check_button.setDefault(True)
        self.check_button.clicked.connect(self.check)
        form.addRow(self.check_button)
        # issue 22: a unit's own layout (项目名, 签约金额（亿元）, 进展情况 …) goes through the column mapping
        self.mapping_button = QPushButton(W.OPEN_BUTTON, choose)
        self.mapping_button.clicked.connect(self.open_mapping)
        form.addRow(QLabel("表格的列与导入模板不同（本单位自己的台账）时：", choose), self.mapping_button)
        # 2. report
        report = QWidget(self)
        rv = QVBoxLayout(report)
        self.summary = QLabel(report)
        self.summary.setWordWrap(True)
        self.problems = RowsModel(["工作表", "行", "列", "问题"], [1], self)
        self.table = QTableView(report)
        self.table.setModel(self.problems)
        self.table.setSortingEnabled(True)
        self.table.setWordWrap(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.create_missing = QPushButton("创建缺少的单位、人员、产业链和标签", report)
        self.create_missing.clicked.connect(self._create_missing)
        self.aliases: dict[tuple[str, str], str] = {}  # (kind, name in the file) → existing name
        self.use_nearest = QPushButton("改用相近的已有名称", report)
        self.use_nearest.clicked.connect(self._use_nearest)
        self.path.textChanged.connect(lambda _text: self.aliases.clear())  # a mapping belongs to one file
        self.back_button = QPushButton("重新选择文件", report)
        self.back_button.clicked.connect(lambda: self.pages.setCurrentIndex(0))
        self.recheck_button = QPushButton(S.IMPORT_CHECK, report)
        self.recheck_button.clicked.connect(self.check)
        self.confirm_button = QPushButton(S.IMPORT_CONFIRM, report)
        self.confirm_button.clicked.connect(self.confirm)
        buttons = QHBoxLayout()
        buttons.addWidget(self.create_missing)
        buttons.addWidget(self.use_nearest)
        buttons.addStretch(1)
        for b in (self.back_button, self.recheck_button, self.confirm_button):
            buttons.addWidget(b)
        rv.addWidget(QLabel(S.IMPORT_REPORT, report))
        rv.addWidget(self.summary)
        rv.addWidget(self.table, 1)
        rv.addLayout(buttons)
        # 3. done
        done = QWidget(self)
        dv = QVBoxLayout(done)
        self.done_text = QLabel(done)
        self.done_text.setWordWrap(True)
        close = QPushButton("完成", done)
        close.clicked.connect(self.accept)
        dv.addWidget(QLabel(S.IMPORT_DONE, done))
        dv.addWidget(self.done_text, 1)
        dv.addWidget(close, 0, Qt.AlignmentFlag.AlignRight)
        for page in (choose, report, done):
            self.pages.addWidget(page)
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages)
        self.resize(900, 560)

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, S.IMPORT_TITLE, self.path.text(), S.XLSX_FILTER)
        if path:
            self.path.setText(path)

    def done(self, result: int) -> None:
        """Closed (import done, cancelled or the window's close box): the helper drops what it read ahead and
        lets go of the ledger file."""
        if self._helper_reads_ahead:
            from zsdesk.xlsx.check_worker import WORKER  # local: as in __init__

            WORKER.forget()
        super().done(result)

    def open_mapping(self) -> MappingWizard:
        wizard = MappingWizard(self.context, self.path.text().strip(), self.parentWidget())
        self.mapping_wizard = wizard  # kept: a dialog without a parent must outlive this one
        wizard.open()
        if wizard.path.text():
            wizard.read()
        self.accept()
        return wizard

    def _run(self, dry_run: bool) -> None:
        kind, path, ledger = self.kind.currentData(), self.path.text().strip(), self.context.ledger
        if not path:
            self.path.setFocus()
            return
        importer = _engine()
        self.context.runner.start(
            lambda progress, cancelled: importer.import_file(ledger, kind, path, dry_run=dry_run, progress=progress,
                                                             cancel=cancelled, aliases=dict(self.aliases)),
            S.IMPORT_TITLE, self, on_done=self._show_report if dry_run else self._written,
            on_error=self._failed, on_cancel=lambda: inform(self, S.IMPORT_TITLE, S.CANCELLED))

    def _failed(self, exc: BaseException) -> None:
        """A project sheet whose columns are not the template's: say why, then offer the column mapping."""
        show_error(self, exc)
        text = str(exc)
        if self.kind.currentData() == "projects" and ("找不到表头行" in text or "缺少必填列" in text) \
                and confirm(self, S.IMPORT_TITLE, W.OFFER):
            self.open_mapping()

    def check(self) -> None:
        self._run(dry_run=True)

    def confirm(self) -> None:
        if self.report is not None and self.report.ok:
            self._run(dry_run=False)

    def _show_report(self, report: Any) -> None:
        self.report = report
        rows = [(p.sheet, p.row or "", p.column, p.reason) for p in report.problems]
        rows += [(report.sheet, d.row, DUPLICATE, str(d)) for d in report.duplicates]
        rows += [(report.sheet, c.row, c.column, f"{WILL_CHANGE}{c.record}：{c.before} → {c.after}")
                 for c in report.changes]
        self.problems.set_rows(rows)
        lines = [report.summary()]
        if report.notes:
            lines += report.notes
        if report.changes:
            lines.append(f"已有记录中将修改 {len(report.changes)} 处字段，修改前 → 修改后见下表（“将修改”），请逐条核对后再确认导入。")
        lines += report.missing_lines()  # each once, with the nearest existing name
        self.summary.setText("\n".join(lines))
        self.confirm_button.setEnabled(report.ok)
        self.create_missing.setVisible(report.missing_any)
        self.use_nearest.setVisible(bool(self._nearest_for(report)))
        self.pages.setCurrentIndex(1)

    @staticmethod
    def _nearest_for(report: Any) -> dict[tuple[str, str], str]:
        missing = {("unit", n) for n in report.missing_units} | {("person", n) for n in report.missing_persons} | {
            ("chain", n) for n in report.missing_chains} | {("investor_tag", n) for n in report.missing_tags}
        return {k: v for k, v in report.nearest.items() if k in missing}

    def _use_nearest(self) -> None:
        """Map each missing name that has a close existing one to it (the file is not changed), then check
        again; what is still missing can be created."""
        if self.report is None:
            return
        self.aliases.update(self._nearest_for(self.report))
        self.check()

    def _create_missing(self) -> None:
        if self.report is None:
            return
        from zsdesk.xlsx.importer import guess_unit_kind

        for name in self.report.missing_units:
            kind = guess_unit_kind(name, name in self.report.missing_parks)
            if self.context.run(self, ops.create_unit, {"name": name, "short_name": name, "kind": kind}) is None:
                return
        for kind, names in (("chain", self.report.missing_chains), ("investor_tag", self.report.missing_tags)):
            for name in names:
                if self.context.run(self, ops.create_entry, {"kind": kind, "name": name}) is None:
                    return
        for name in self.report.missing_persons:
            if self.context.run(self, ops.create_person, {"name": name}) is None:
                return
        self.check()

    def _written(self, report: Any) -> None:
        self.report = report
        if not report.written:
            self._show_report(report)
            return
        self.context.announce(report.change)
        self.done_text.setText(f"{report.summary()}\n\n{S.IMPORT_DONE_TEXT.format(n=report.rows_read)}")
        self.pages.setCurrentIndex(2)


class ExportDialog(QDialog):
    def __init__(self, context: LedgerContext, query: ProjectQuery | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context, self.query = context, query
        self.setWindowTitle(S.EXPORT_TITLE)
        self.kind = QComboBox(self)
        for code, label in S.EXPORT_KINDS.items():
            if code == "ledger" and query is None:
                continue
            self.kind.addItem(label, code)
        self.year = QSpinBox(self)
        self.year.setRange(2000, 2100)
        self.year.setValue(context.today.year)
        self.quarter = QComboBox(self)
        self.quarter.addItem("全年", None)
        for q in range(1, 5):
            self.quarter.addItem(f"1—{q * 3}月（第{q}季度）", q)
        self.quarter.setCurrentIndex(max(1, (context.today.month - 1) // 3 + 1))
        self.path = QLineEdit(self)
        browse = QPushButton(S.IMPORT_BROWSE, self)
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        go = QPushButton(S.EXPORT_TITLE, self)
        go.setDefault(True)
        go.clicked.connect(self.export)
        form = QFormLayout(self)
        form.addRow(S.EXPORT_KIND, self.kind)
        form.addRow(S.EXPORT_YEAR, self.year)
        form.addRow("统计期：", self.quarter)
        form.addRow(S.IMPORT_FILE, row)
        form.addRow(go)
        self.kind.currentIndexChanged.connect(lambda _i: self._suggest())
        self._suggest()
        self.resize(620, 240)

    def _suggest(self) -> None:
        name = f"{self.kind.currentText().split('（')[0]}.xlsx"
        folder = Path(self.path.text()).parent if self.path.text() else Path.home()
        self.path.setText(str(folder / name))

    def _browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, S.EXPORT_TITLE, self.path.text(), S.XLSX_FILTER)
        if path:
            self.path.setText(path if path.lower().endswith(".xlsx") else f"{path}.xlsx")

    def period(self) -> str:
        q = self.quarter.currentData()
        return f"{self.year.value()}Q{q}" if q else str(self.year.value())

    def export(self) -> None:
        from zsdesk.xlsx import export_board, export_funding, export_ledger, export_targets

        kind, path, ledger, period, year = (self.kind.currentData(), self.path.text().strip(), self.context.ledger,
                                            self.period(), self.year.value())
        if not path:
            return
        query = self.query

        def task(progress: Any, cancelled: Any) -> Any:
            if kind == "ledger":
                return export_ledger(ledger, path, query, progress=progress, cancel=cancelled)
            if kind == "ledger_all":
                return export_ledger(ledger, path, None, progress=progress, cancel=cancelled)
            if kind == "targets":
                return export_targets(ledger, path, period, progress=progress, cancel=cancelled)
            if kind == "board":
                return export_board(ledger, path, period, progress=progress, cancel=cancelled)
            return export_funding(ledger, path, year, progress=progress, cancel=cancelled)

        def done(_result: Any) -> None:
            self.accept()
            inform(self.parentWidget(), S.EXPORT_TITLE, S.EXPORT_DONE.format(path=path))

        self.context.runner.start(task, S.EXPORT_TITLE, self, on_done=done,
                                  on_cancel=lambda: inform(self, S.EXPORT_TITLE, S.CANCELLED))


def save_templates(context: LedgerContext, parent: QWidget | None) -> list[Path]:
    folder = QFileDialog.getExistingDirectory(parent, S.ACT_TEMPLATES, str(Path.home()))
    if not folder:
        return []
    return write_templates(context, Path(folder), parent)


def write_templates(context: LedgerContext, folder: Path, parent: QWidget | None) -> list[Path]:
    from zsdesk.xlsx.template import make_template

    written = []
    try:
        for kind, label in S.IMPORT_KINDS.items():
            written.append(make_template(kind, context.ledger, folder / f"{label}导入模板.xlsx"))
    except Exception as exc:  # noqa: BLE001 - shown; a bug is logged
        show_error(parent, exc)
        return written
    inform(parent, S.ACT_TEMPLATES, "已保存导入模板：\n" + "\n".join(str(p) for p in written))
    return written
