"""The year's counting rules (计数规则) as a form: validated as typed, with a preview of how the
ranking would change, and the history of saved versions. Saving makes a new version (audited)."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from zsdesk.board import compute_board
from zsdesk.errors import FieldProblem, LedgerError, ValidationError
from zsdesk.labels import ORIGIN_LABELS
from zsdesk.models import ORIGINS
from zsdesk.money import YUAN_PER_YI, format_input_wan, parse_money
from zsdesk.rules import (
    NO_TARGET_POLICIES,
    SCORE_ITEM_LABELS,
    SCORE_ITEMS,
    SCORE_METHODS,
    SIZE_CLASS_LABELS,
    Rules,
    default_document,
    load_rules,
    parse_rules,
    rules_versions,
    save_rules,
)

from .. import strings as S
from ..common.context import LedgerContext
from ..common.errors import DISCARD, SAVE, ask_save
from ..common.latest_task import LatestTask
from ..common.period_picker import PeriodPicker
from ..common.permissions import limit
from .board_models import RankChangeModel, rank_changes

CLASSES = ("major", "large", "key")


def _yi_text(yuan: int | None) -> str:
    """Exact 亿元 text for an edit field (``2000000000`` → ``"20"``)."""
    if yuan is None:
        return ""
    return f"{(Decimal(yuan) / YUAN_PER_YI).normalize():f}"


def _number_text(value: Any) -> str:
    return "" if value is None else f"{value:g}" if isinstance(value, float) else str(value)


@dataclass
class Preview:
    changes: list[Any]
    moved: int


def preview_ranking(context: LedgerContext, code: str, rules: Rules) -> Preview:
    """The board under the rules in force and under ``rules``: each unit's old and new rank."""
    with context.ledger.reading() as session:
        before = compute_board(session, code)
        after = compute_board(session, code, rules=rules)
    changes = rank_changes(before.units, after.units)
    return Preview(changes, sum(1 for c in changes if c.move))


class RulesEditor(QDialog):
    def __init__(self, context: LedgerContext, year: int, period_code: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.year = year
        self.setWindowTitle(S.RULES_TITLE.format(year=year))
        self.task = LatestTask(context, self)
        self.preview: Preview | None = None
        self.problems: list[str] = []
        self.document: dict[str, Any] = {}
        self._shared = context.ledger.path is None  # a server ledger: 认定 required unless the rules say not

        form = QWidget(self)
        self.form = form
        form_layout = QVBoxLayout(form)
        form_layout.addWidget(self._size_group())
        form_layout.addWidget(self._weights_group())
        form_layout.addWidget(self._scoring_group())
        form_layout.addWidget(self._boards_group())
        form_layout.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setWidget(form)
        scroll.setWidgetResizable(True)
        scroll.setMinimumWidth(520)

        right = QWidget(self)
        rl = QVBoxLayout(right)
        self.picker = PeriodPicker(right)
        self.picker.set_code(period_code)
        row = QHBoxLayout()
        row.addWidget(QLabel(S.RULES_PREVIEW_PERIOD, right))
        row.addWidget(self.picker)
        row.addStretch(1)
        rl.addWidget(QLabel(f"<b>{S.RULES_PREVIEW}</b>", right))
        rl.addLayout(row)
        self.status = QLabel(S.RULES_PREVIEW_HINT, right)
        self.status.setWordWrap(True)
        rl.addWidget(self.status)
        self.change_model = RankChangeModel(self)
        self.change_table = QTableView(right)
        self.change_table.setModel(self.change_model)
        self.change_table.verticalHeader().setVisible(False)
        self.change_table.verticalHeader().setDefaultSectionSize(24)
        self.change_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.change_table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        rl.addWidget(self.change_table, 3)
        rl.addWidget(QLabel(f"<b>{S.RULES_HISTORY}</b>", right))
        self.version_label = QLabel(right)
        rl.addWidget(self.version_label)
        self.history = QTableWidget(0, 4, right)
        self.history.setHorizontalHeaderLabels([S.COL_VERSION, S.COL_SAVED_AT, S.COL_OPERATOR, S.COL_NOTE])
        self.history.verticalHeader().setVisible(False)
        self.history.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.history.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.history.horizontalHeader().setStretchLastSection(True)
        rl.addWidget(self.history, 1)
        self.load_version_button = QPushButton(S.RULES_LOAD_VERSION, right)
        rl.addWidget(self.load_version_button, 0, Qt.AlignmentFlag.AlignLeft)

        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.addWidget(scroll)
        split.addWidget(right)
        split.setSizes([560, 520])
        self.note = QLineEdit(self)
        self.note.setPlaceholderText(S.RULES_NOTE_HINT)
        self.save_button = QPushButton(S.RULES_SAVE, self)
        self.save_button.setDefault(True)
        self.defaults_button = QPushButton(S.RULES_RESET_DEFAULTS, self)
        close = QPushButton(S.CLOSE, self)
        bottom = QHBoxLayout()
        bottom.addWidget(QLabel(S.RULES_NOTE, self))
        bottom.addWidget(self.note, 1)
        bottom.addWidget(self.defaults_button)
        bottom.addWidget(self.save_button)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(split, 1)
        layout.addLayout(bottom)
        self.resize(1180, 760)

        self.save_button.clicked.connect(self.save)
        self.defaults_button.clicked.connect(lambda: self.fill(default_document()))
        close.clicked.connect(self.reject)
        self.load_version_button.clicked.connect(self.load_selected_version)
        self.picker.changed.connect(lambda _c: self.edited())
        QShortcut(QKeySequence("Ctrl+S"), self, self.save)
        rules = load_rules(context.ledger, year)
        self.base_version = rules.version  # what 保存 names: a newer version saved meanwhile is not reverted
        self.fill(rules.document)
        self.saved_snapshot = self.snapshot()
        self.refresh_history()

    # --- form ---------------------------------------------------------------------------------
    def _line(self, width: int = 110) -> QLineEdit:
        edit = QLineEdit(self)
        edit.setMaximumWidth(width)
        edit.textEdited.connect(lambda _t: self.edited())
        return edit

    def _size_group(self) -> QGroupBox:
        box = QGroupBox(S.RULES_GROUP_SIZE, self)
        grid = QGridLayout(box)
        grid.addWidget(QLabel(S.RULES_AGREEMENT_YI, box), 0, 1)
        grid.addWidget(QLabel(S.RULES_OUTPUT_YI, box), 0, 2)
        self.thresholds: dict[str, tuple[QLineEdit, QLineEdit]] = {}
        for i, name in enumerate(CLASSES, start=1):
            grid.addWidget(QLabel(f"{SIZE_CLASS_LABELS[name]}项目", box), i, 0)
            agreement, output = self._line(), self._line()
            output.setPlaceholderText(S.RULES_NOT_USED)
            agreement.setPlaceholderText(S.RULES_NOT_USED)
            grid.addWidget(agreement, i, 1)
            grid.addWidget(output, i, 2)
            self.thresholds[name] = (agreement, output)
        self.general_ind, self.general_non = self._line(), self._line()
        grid.addWidget(QLabel(S.RULES_GENERAL_IND, box), 4, 0, 1, 2)
        grid.addWidget(self.general_ind, 4, 2)
        grid.addWidget(QLabel(S.RULES_GENERAL_NON, box), 5, 0, 1, 2)
        grid.addWidget(self.general_non, 5, 2)
        return box

    def _weights_group(self) -> QGroupBox:
        box = QGroupBox(S.RULES_GROUP_WEIGHTS, self)
        form = QFormLayout(box)
        self.origin_edits = {}
        for origin in ORIGINS:
            self.origin_edits[origin] = self._line(80)
            form.addRow(S.RULES_ORIGIN.format(origin=ORIGIN_LABELS[origin]), self.origin_edits[origin])
        self.lead_edit, self.coop_edit = self._line(80), self._line(80)
        form.addRow(S.RULES_LEAD, self.lead_edit)
        form.addRow(S.RULES_COOP, self.coop_edit)
        return box

    def _scoring_group(self) -> QGroupBox:
        box = QGroupBox(S.RULES_GROUP_SCORING, self)
        lay = QVBoxLayout(box)
        form = QFormLayout()
        self.method = QComboBox(box)
        for key, label in SCORE_METHODS.items():
            self.method.addItem(label, key)
        self.no_target = QComboBox(box)
        for key, label in NO_TARGET_POLICIES.items():
            self.no_target.addItem(label, key)
        self.method.currentIndexChanged.connect(lambda _i: self.edited())
        self.no_target.currentIndexChanged.connect(lambda _i: self.edited())
        form.addRow(S.RULES_METHOD, self.method)
        form.addRow(S.RULES_NO_TARGET, self.no_target)
        lay.addLayout(form)
        grid = QGridLayout()
        for col, title in enumerate((S.RULES_ITEM, S.RULES_USE, S.RULES_WEIGHT, S.RULES_CAP)):
            grid.addWidget(QLabel(title, box), 0, col)
        self.items: dict[str, tuple[QCheckBox, QLineEdit, QLineEdit]] = {}
        for row, item in enumerate(SCORE_ITEMS, start=1):
            use = QCheckBox(box)
            use.toggled.connect(lambda _on: self.edited())
            weight, cap = self._line(80), self._line(80)
            cap.setPlaceholderText(S.RULES_NO_CAP)
            grid.addWidget(QLabel(SCORE_ITEM_LABELS[item], box), row, 0)
            grid.addWidget(use, row, 1)
            grid.addWidget(weight, row, 2)
            grid.addWidget(cap, row, 3)
            self.items[item] = (use, weight, cap)
        lay.addLayout(grid)
        self.weight_sum = QLabel(box)
        lay.addWidget(self.weight_sum)
        self.stale = QSpinBox(box)
        self.stale.setRange(1, 3650)
        self.stale.valueChanged.connect(lambda _v: self.edited())
        row2 = QFormLayout()
        row2.addRow(S.RULES_STALE, self.stale)
        # SPEC §11: only 已认定 projects count; on by default for a shared ledger (load_rules)
        self.require_verification = QCheckBox(S.RULES_REQUIRE_VERIFICATION, box)
        self.require_verification.setToolTip(S.RULES_REQUIRE_VERIFICATION_TIP)
        self.require_verification.toggled.connect(lambda _v: self.edited())
        row2.addRow("", self.require_verification)
        lay.addLayout(row2)
        return box

    def _boards_group(self) -> QGroupBox:
        box = QGroupBox(S.RULES_GROUP_BOARDS, self)
        form = QFormLayout(box)
        self.big_classes: dict[str, QCheckBox] = {}
        self.started_classes: dict[str, QCheckBox] = {}
        for target, label in ((self.big_classes, S.RULES_BIG_CLASSES), (self.started_classes, S.RULES_STARTED_CLASSES)):
            row = QHBoxLayout()
            for name in CLASSES:
                check = QCheckBox(SIZE_CLASS_LABELS[name], box)
                check.toggled.connect(lambda _on: self.edited())
                target[name] = check
                row.addWidget(check)
            row.addStretch(1)
            holder = QWidget(box)
            holder.setLayout(row)
            form.addRow(label, holder)
        return box

    def fill(self, document: dict[str, Any]) -> None:
        """Show ``document`` in the form (without triggering a preview per field)."""
        self._filling = True
        try:
            self.document = copy.deepcopy(document)
            sizes = document.get("size_classes", {})
            for name, (agreement, output) in self.thresholds.items():
                node = sizes.get(name, {})
                agreement.setText(_yi_text(node.get("agreement_amount")))
                output.setText(_yi_text(node.get("expected_output")))
            general = sizes.get("general", {})
            self.general_ind.setText(format_input_wan(general.get("industrial")))
            self.general_non.setText(format_input_wan(general.get("non_industrial")))
            for origin, edit in self.origin_edits.items():
                edit.setText(_number_text(document.get("origin_weights", {}).get(origin)))
            shares = document.get("joint_shares", {})
            self.lead_edit.setText(_number_text(shares.get("lead")))
            self.coop_edit.setText(_number_text(shares.get("cooperating")))
            scoring = document.get("scoring", {})
            self.method.setCurrentIndex(max(self.method.findData(scoring.get("method")), 0))
            self.no_target.setCurrentIndex(max(self.no_target.findData(scoring.get("no_target", "skip")), 0))
            given = {node.get("item"): node for node in scoring.get("items", []) if isinstance(node, dict)}
            for item, (use, weight, cap) in self.items.items():
                node = given.get(item)
                use.setChecked(node is not None)
                weight.setText(_number_text(node.get("weight")) if node else "0")
                cap.setText(_number_text(node.get("cap")) if node else "")
            self.stale.setValue(int(document.get("stale_days", 30)))
            required = document.get("require_verification")
            self.require_verification.setChecked(self._shared if required is None else bool(required))
            boards = document.get("boards", {})
            for name, check in self.big_classes.items():
                check.setChecked(name in boards.get("big", {}).get("classes", []))
            for name, check in self.started_classes.items():
                check.setChecked(name in boards.get("major_started", {}).get("classes", []))
        finally:
            self._filling = False
        self.edited()

    def form_document(self) -> dict[str, Any]:
        """The document the form shows; amounts that are not amounts are listed in ``self.problems``."""
        problems: list[FieldProblem] = []
        doc = copy.deepcopy(self.document)

        def money(edit: QLineEdit, unit: str, label: str) -> int | None:
            try:
                return parse_money(edit.text(), unit)
            except LedgerError as err:
                problems.append(FieldProblem("", label, str(err)))
                return None

        def number(edit: QLineEdit) -> Any:
            text = edit.text().strip()
            if not text:
                return None
            try:
                value = float(text)
            except ValueError:
                return text  # the rules' own check names the field
            return int(value) if value.is_integer() else value

        sizes = doc.setdefault("size_classes", {})
        for name, (agreement, output) in self.thresholds.items():
            label = SIZE_CLASS_LABELS[name]
            sizes[name] = {"agreement_amount": money(agreement, "亿元", f"{label}项目协议资金标准"),
                           "expected_output": money(output, "亿元", f"{label}项目达产产值标准")}
        sizes["general"] = {"industrial": money(self.general_ind, "万元", "一般项目（工业）标准"),
                            "non_industrial": money(self.general_non, "万元", "一般项目（非工业）标准")}
        doc["origin_weights"] = {origin: number(edit) for origin, edit in self.origin_edits.items()}
        doc["joint_shares"] = {"lead": number(self.lead_edit), "cooperating": number(self.coop_edit)}
        items = []
        for item, (use, weight, cap) in self.items.items():
            if use.isChecked():
                items.append({"item": item, "weight": number(weight), "cap": number(cap)})
        doc["scoring"] = {"method": self.method.currentData(), "no_target": self.no_target.currentData(),
                          "items": items}
        doc["stale_days"] = self.stale.value()
        if self.require_verification.isChecked() != self._shared or "require_verification" in doc:
            doc["require_verification"] = self.require_verification.isChecked()  # absent: the ledger's default
        boards = doc.setdefault("boards", {})
        boards.setdefault("big", {})["classes"] = [n for n, c in self.big_classes.items() if c.isChecked()]
        boards.setdefault("major_started", {})["classes"] = [n for n, c in self.started_classes.items() if c.isChecked()]
        self.problems = [str(ValidationError(problems, "计数规则有误："))] if problems else []
        return doc

    # --- validation and preview -------------------------------------------------------------------
    def validated(self) -> Rules | None:
        doc = self.form_document()
        total = 0.0
        for use, weight, _cap in self.items.values():
            try:
                total += float(weight.text() or 0) if use.isChecked() else 0.0
            except ValueError:
                pass
        self.weight_sum.setText(S.RULES_WEIGHT_SUM.format(total=f"{total:g}"))
        if self.problems:
            return None
        try:
            return parse_rules(doc, self.year)
        except ValidationError as err:
            self.problems = [str(err)]
            return None

    def edited(self) -> None:
        if getattr(self, "_filling", False):
            return
        rules = self.validated()
        self.save_button.setEnabled(rules is not None and limit(self.save_button, self.context, "edit_rules"))
        if rules is None:
            self.status.setText(f"<span style='color:#c62828'>{'；'.join(self.problems)}</span>")
            return
        self.status.setText(S.RULES_VALID + " " + S.BOARD_COMPUTING)
        code = self.picker.code()
        self.task.request(lambda: preview_ranking(self.context, code, rules), self.show_preview, self.preview_failed)

    def show_preview(self, preview: Preview) -> None:
        self.preview = preview
        self.change_model.set_rows(preview.changes)
        self.status.setText(S.RULES_VALID + " " + (S.RULES_PREVIEW_CHANGED.format(n=preview.moved) if preview.moved
                                                   else S.RULES_PREVIEW_SAME))

    def preview_failed(self, exc: BaseException) -> None:
        self.status.setText(f"<span style='color:#c62828'>{exc}</span>")

    # --- history and saving ---------------------------------------------------------------------
    def refresh_history(self) -> None:
        versions = rules_versions(self.context.ledger, self.year)
        self.versions = versions
        self.history.setRowCount(len(versions))
        for row, v in enumerate(versions):
            for col, text in enumerate((str(v.version), v.saved_at.strftime("%Y-%m-%d %H:%M"), v.operator, v.note)):
                self.history.setItem(row, col, QTableWidgetItem(text))
        self.version_label.setText(S.RULES_VERSION_LABEL.format(version=versions[0].version) if versions
                                   else S.RULES_HISTORY_EMPTY)
        self.load_version_button.setEnabled(bool(versions))

    def load_selected_version(self) -> None:
        row = self.history.currentRow()
        if 0 <= row < len(self.versions):
            self.base_version = self.versions[0].version  # edits start over from the newest listed
            self.fill(self.versions[row].document)

    # --- unsaved edits ----------------------------------------------------------------------------
    def snapshot(self) -> tuple[Any, ...]:
        """What the form shows, to tell whether anything was typed since the last save."""
        values: list[Any] = []
        for w in self.form.findChildren(QWidget):
            if isinstance(w, QLineEdit):
                values.append(w.text())
            elif isinstance(w, QCheckBox):
                values.append(w.isChecked())
            elif isinstance(w, QComboBox):
                values.append(w.currentIndex())
            elif isinstance(w, QSpinBox):
                values.append(w.value())
        return tuple(values)

    def dirty(self) -> bool:
        return self.snapshot() != self.saved_snapshot

    def leave(self) -> bool:
        """保存 / 不保存 / 取消 when the form holds edits; True when the editor may close."""
        if not self.dirty():
            return True
        answer = ask_save(self, S.RULES_WHAT)
        if answer == SAVE:
            return self.save()
        if answer == DISCARD:
            self.saved_snapshot = self.snapshot()
            return True
        return False

    def reject(self) -> None:
        if self.leave():
            super().reject()

    def save(self) -> bool:
        if self.validated() is None:
            self.status.setText(f"<span style='color:#c62828'>{'；'.join(self.problems)}</span>")
            return False
        change = self.context.run(self, save_rules, self.year, self.form_document(), self.note.text().strip(),
                                  based_on_version=self.base_version)
        if change is None:
            self.refresh_history()  # a newer version, if that was it, is listed to load and edit
            return False
        self.base_version = load_rules(self.context.ledger, self.year).version
        self.note.clear()
        self.saved_snapshot = self.snapshot()
        self.refresh_history()
        self.edited()
        return True
