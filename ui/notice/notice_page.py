"""季度通报 page: pick the period, fill the notice settings, edit the narrative with placeholders, see the
figures the engine prints, preview the exact PDF, print, save, issue (numbered, frozen) and browse the archive.

The PDF is rendered on the worker (reportlab, about a second at district scale), never on the UI thread.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from zsdesk.errors import ConflictError
from zsdesk.notice.compose import render_notice
from zsdesk.notice.issuing import IssuedNoticeInfo, issue_notice, next_serial
from zsdesk.notice.monthly import build_notice, series_settings
from zsdesk.notice.narrative import (
    NARRATIVE_LABELS,
    PLACEHOLDERS,
    Narrative,
    NoticeDraft,
    NoticeSettings,
    discard_draft,
    format_doc_number,
    load_draft,
    load_narrative,
    load_settings,
    save_draft,
    save_narrative,
    save_settings,
)
from zsdesk.periods import Period, parse_period

from .. import strings as S
from ..common import errors
from ..common.context import LedgerContext
from ..common.latest_task import LatestTask
from ..common.page import PageWidget
from ..common.period_picker import PeriodPicker, latest_closed_quarter
from ..common.permissions import limit
from .pdf_preview import PdfPreview

SETTING_FIELDS = (("authority", S.NOTICE_AUTHORITY), ("number_pattern", S.NOTICE_NUMBER_PATTERN),
                  ("monthly_number_pattern", S.NOTICE_MONTHLY_NUMBER_PATTERN),
                  ("addressees", S.NOTICE_ADDRESSEES), ("cc", S.NOTICE_CC), ("signatory", S.NOTICE_SIGNATORY),
                  ("printer", S.NOTICE_PRINTER))
_SPACE = re.compile(r"\s")
# The draft is saved this long after the typing stops (a kill -9 loses at most the last few seconds).
AUTOSAVE_MS = 1500


def char_count(text: str) -> int:
    """Characters as an office counts them for a notice: everything but spaces and line breaks."""
    return len(_SPACE.sub("", text))


@dataclass
class Draft:
    pdf: bytes
    figures: dict[str, Any]


def render_draft(context: LedgerContext, period: Period, narrative: Narrative, settings: NoticeSettings,
                 issue_date: date) -> Draft:
    doc, figures = build_notice(context.ledger, period, narrative, settings, None, issue_date)
    pdf = render_notice(doc)
    return Draft(pdf, figures)


class NoticePage(PageWidget):
    """Typing is kept like a word processor keeps it: an autosaved draft per period in the ledger
    (``notice.draft.<period>``), restored when the period is opened again; 保存正文与设置 makes it the text."""


    def __init__(self, context: LedgerContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.pending = False  # typed but not yet in the ledger (the autosave timer is running)
        self.has_draft = False  # the editors show a draft that differs from the saved text
        self.draft_error: str | None = None
        self.autosave = QTimer(self)
        self.autosave.setSingleShot(True)
        self.autosave.setInterval(AUTOSAVE_MS)
        self.autosave.timeout.connect(self.save_draft_now)
        self.task = LatestTask(context, self, delay_ms=0)
        self.draft: Draft | None = None
        self.last_issued: IssuedNoticeInfo | None = None
        self.issue_box: QMessageBox | None = None
        self._loading = False

        self.picker = PeriodPicker(self, kinds=("Q", "YTD", "Y"))  # 月度累计: the monthly 督报 notice
        self.picker.set_code(latest_closed_quarter(context.today))
        self.shown = self.picker.period()  # the period whose text the editors hold
        self.preview_button = QPushButton(S.ACT_NOTICE_PREVIEW, self)
        self.save_text_button = QPushButton(S.NOTICE_SAVE_TEXT, self)
        self.print_button = QPushButton(S.ACT_NOTICE_PRINT, self)
        self.save_pdf_button = QPushButton(S.ACT_NOTICE_SAVE_PDF, self)
        self.save_docx_button = QPushButton(S.ACT_NOTICE_SAVE_DOCX, self)
        self.issue_button = QPushButton(S.ACT_NOTICE_ISSUE, self)
        self.archive_button = QPushButton(S.ACT_NOTICE_ARCHIVE, self)
        top = QHBoxLayout()
        top.addWidget(QLabel(S.NOTICE_PERIOD, self))
        top.addWidget(self.picker)
        top.addStretch(1)
        for b in (self.save_text_button, self.preview_button, self.print_button, self.save_pdf_button,
                  self.save_docx_button, self.issue_button, self.archive_button):
            top.addWidget(b)

        self.tabs = QTabWidget(self)
        self.tabs.addTab(self._narrative_tab(), S.NOTICE_NARRATIVE)
        self.tabs.addTab(self._settings_tab(), S.NOTICE_SETTINGS)
        self.figures_view = QPlainTextEdit(self)
        self.figures_view.setReadOnly(True)
        self.tabs.addTab(self.figures_view, S.NOTICE_FIGURES)
        self.preview = PdfPreview(self)
        self.preview.runner = context.runner  # printing queues on the window's one worker
        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.addWidget(self.tabs)
        split.addWidget(self.preview)
        split.setSizes([640, 620])
        self.draft_label = QLabel(self)
        self.draft_label.setObjectName("draft_state")
        self.discard_draft_button = QPushButton(S.NOTICE_DISCARD_DRAFT, self)
        self.discard_draft_button.clicked.connect(self.ask_discard_draft)
        draft_row = QHBoxLayout()
        draft_row.addWidget(self.draft_label, 1)
        draft_row.addWidget(self.discard_draft_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        layout.addLayout(draft_row)

        self.picker.changed.connect(self.period_changed)
        self.preview_button.clicked.connect(self.render_preview)
        self.save_text_button.clicked.connect(self.save_text)
        self.print_button.clicked.connect(self.preview.print_dialog)
        self.save_pdf_button.clicked.connect(self.save_pdf)
        self.save_docx_button.clicked.connect(self.save_docx)
        self.issue_button.clicked.connect(self.ask_issue)
        self.archive_button.clicked.connect(self.open_archive)
        limit(self.issue_button, context, "issue_notices")  # 只有科长签发; the engine refuses anyway
        limit(self.save_text_button, context, "edit_settings")  # the notice text is a ledger setting
        self._actions = self._make_actions()
        self.load()

    # --- building the form ----------------------------------------------------------------------
    def _narrative_tab(self) -> QWidget:
        tab = QWidget(self)
        self.sections: dict[str, QPlainTextEdit] = {}
        self.counts: dict[str, QLabel] = {}
        self.section_tabs = QTabWidget(tab)
        for key, label in NARRATIVE_LABELS.items():
            page = QWidget(tab)
            pl = QVBoxLayout(page)
            edit = QPlainTextEdit(page)
            edit.textChanged.connect(self.narrative_edited)
            count = QLabel(page)
            count.setAlignment(Qt.AlignmentFlag.AlignRight)
            pl.addWidget(edit, 1)
            pl.addWidget(count)
            self.sections[key], self.counts[key] = edit, count
            self.section_tabs.addTab(page, label)
        self.total_count = QLabel(tab)
        self.placeholders = QListWidget(tab)
        for name, description in PLACEHOLDERS.items():
            item = QListWidgetItem(f"{{{name}}}")
            item.setData(Qt.ItemDataRole.UserRole, name)
            item.setToolTip(description)
            self.placeholders.addItem(item)
        self.placeholders.itemDoubleClicked.connect(self.insert_placeholder)
        insert = QPushButton(S.NOTICE_INSERT, tab)
        insert.clicked.connect(lambda: self.insert_placeholder(self.placeholders.currentItem()))
        side = QVBoxLayout()
        side.addWidget(QLabel(S.NOTICE_PLACEHOLDERS, tab))
        side.addWidget(self.placeholders, 1)
        side.addWidget(insert)
        self.placeholder_hint = QLabel(tab)
        self.placeholder_hint.setWordWrap(True)
        side.addWidget(self.placeholder_hint)
        self.placeholders.currentItemChanged.connect(
            lambda item, _old: self.placeholder_hint.setText(self._placeholder_hint(item)))
        row = QHBoxLayout()
        row.addWidget(self.section_tabs, 3)
        row.addLayout(side, 1)
        lay = QVBoxLayout(tab)
        lay.addLayout(row, 1)
        lay.addWidget(self.total_count)
        return tab

    def _settings_tab(self) -> QWidget:
        box = QGroupBox(S.NOTICE_SETTINGS, self)
        form = QFormLayout(box)
        self.setting_edits: dict[str, QLineEdit] = {}
        for key, label in SETTING_FIELDS:
            edit = QLineEdit(box)
            edit.textEdited.connect(lambda _t: self.settings_edited())
            self.setting_edits[key] = edit
            form.addRow(label, edit)
        self.landing_check = QCheckBox(S.NOTICE_LANDING_SECTION, box)  # SPEC §9: on by default
        self.landing_check.setChecked(True)
        self.landing_check.toggled.connect(lambda _on: self.settings_edited())
        form.addRow("", self.landing_check)
        self.activity_check = QCheckBox(S.NOTICE_ACTIVITY_SECTION, box)  # SPEC §10: off by default
        self.activity_check.toggled.connect(lambda _on: self.settings_edited())
        form.addRow("", self.activity_check)
        self.issue_date = QDateEdit(box)
        self.issue_date.setCalendarPopup(True)
        self.issue_date.setDisplayFormat("yyyy年M月d日")
        self.issue_date.setDate(QDate(self.context.today.year, self.context.today.month, self.context.today.day))
        self.date_touched = False  # a draft keeps the issue date only when the chief chose one
        self.issue_date.dateChanged.connect(self._date_edited)
        form.addRow(S.NOTICE_ISSUE_DATE, self.issue_date)
        self.next_number = QLabel(box)
        form.addRow("", self.next_number)
        return box

    def _make_actions(self) -> list[QAction]:
        actions = []
        for text, shortcut, slot in ((S.ACT_NOTICE_PREVIEW, "F5", self.render_preview),
                                     (S.NOTICE_SAVE_TEXT, "Ctrl+S", self.save_text),
                                     (S.ACT_NOTICE_PRINT, "Ctrl+P", self.preview.print_dialog),
                                     (S.ACT_NOTICE_SAVE_PDF, "Ctrl+Shift+S", self.save_pdf),
                                     (S.ACT_NOTICE_SAVE_DOCX, "", self.save_docx),
                                     (S.ACT_NOTICE_ISSUE, "", self.ask_issue),
                                     (S.ACT_NOTICE_ARCHIVE, "", self.open_archive)):
            action = QAction(text, self)
            if shortcut:
                action.setShortcut(QKeySequence(shortcut))
                action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
                self.addAction(action)
            action.triggered.connect(slot)
            actions.append(action)
        return actions

    # --- page protocol ------------------------------------------------------------------------------
    def menu_actions(self) -> list[QAction]:
        return self._actions

    @property
    def shown_period(self) -> str:
        """The code of the period whose text the editors hold (``2026Q3``)."""
        return self.shown.code

    def status_text(self) -> str:
        if self.draft is None:
            return ""
        return f"{parse_period(self.picker.code()).label}：{S.PREVIEW_PAGE.format(page=1, pages=self.preview.page_count)}"

    def activated(self) -> None:
        if self.draft is None and not self.task.pending:
            self.render_preview()

    # --- data -------------------------------------------------------------------------------------
    def load(self, settings_too: bool = True) -> None:
        """Show the period's draft if there is one, else its saved (or default) narrative and the saved
        settings. Switching periods keeps the settings as typed (they are not per period)."""
        period = self.picker.period()
        self._loading = True
        try:
            draft = load_draft(self.context.ledger, period)
            # What is saved now: 保存正文 names it, so a text another 科长 saved meanwhile is not overwritten.
            self.base_narrative = load_narrative(self.context.ledger, period)
            if settings_too:
                self.base_settings = load_settings(self.context.ledger)
                settings = self.base_settings.to_dict()
                if draft is not None:
                    settings.update(draft.settings)
                for key, edit in self.setting_edits.items():
                    edit.setText(settings.get(key, ""))
                self.landing_check.setChecked(NoticeSettings(landing_section=settings.get("landing_section", "1"))
                                              .landing_on)
                self.activity_check.setChecked(NoticeSettings(activity_section=settings.get("activity_section", "0"))
                                               .activity_on)
                if draft is not None and draft.issue_date:
                    day = QDate.fromString(draft.issue_date, Qt.DateFormat.ISODate)
                    if day.isValid():
                        self.issue_date.setDate(day)
                        self.date_touched = True
            narrative = draft.narrative if draft is not None else load_narrative(self.context.ledger, period)
            for key, section in self.sections.items():
                section.setPlainText(getattr(narrative, key))
        finally:
            self._loading = False
        self.shown = period
        self.has_draft = draft is not None
        self._set_pending(False)
        self.update_counts()
        self.update_next_number()

    # --- the autosaved draft --------------------------------------------------------------------
    def _date_edited(self) -> None:
        if not self._loading:
            self.date_touched = True
        self.settings_edited()

    def typed(self) -> NoticeDraft:
        settings = {key: edit.text() for key, edit in self.setting_edits.items()}
        settings["landing_section"] = "1" if self.landing_check.isChecked() else "0"
        settings["activity_section"] = "1" if self.activity_check.isChecked() else "0"
        return NoticeDraft(self.narrative(), settings, self.issue_day().isoformat() if self.date_touched else "")

    def _matches_saved(self, draft: NoticeDraft) -> bool:
        saved = load_settings(self.context.ledger).to_dict()
        return (draft.narrative == load_narrative(self.context.ledger, self.shown)
                and all(saved.get(k) == v for k, v in draft.settings.items()))

    def save_draft_now(self) -> bool:
        """Write what is typed to the ledger as the shown period's draft. False when it could not be saved."""
        self.autosave.stop()
        if not self.pending:
            return True
        draft = self.typed()
        try:
            if self._matches_saved(draft):
                if load_draft(self.context.ledger, self.shown) is not None:
                    discard_draft(self.context.ledger, self.shown)
                self.has_draft = False
            else:
                save_draft(self.context.ledger, self.shown, draft)
                self.has_draft = True
        except Exception as exc:  # noqa: BLE001 - a read-only ledger or a lost connection: said in place
            self.draft_error = str(exc) or type(exc).__name__
            self._set_pending(True)
            return False
        self.draft_error = None
        self._saved_at = datetime.now().strftime("%H:%M:%S")
        self._set_pending(False)
        return True

    def _set_pending(self, pending: bool) -> None:
        changed = pending != self.pending
        self.pending = pending
        if self.draft_error:
            text = S.NOTICE_DRAFT_FAILED.format(error=self.draft_error)
        elif pending:
            text = S.NOTICE_DRAFT_PENDING
        elif self.has_draft:
            text = S.NOTICE_DRAFT_SAVED.format(time=getattr(self, "_saved_at", "") or "—")
        else:
            text = S.NOTICE_DRAFT_NONE
        self.draft_label.setText(text)
        self.discard_draft_button.setVisible(self.has_draft or pending)
        if changed:
            self.unsaved_changed.emit()

    def unsaved(self) -> bool:
        """Typed text that is not in the ledger yet (the title then says 未保存, not 已保存)."""
        return self.pending

    def leave(self) -> bool:
        """The window is about to show another page, open another ledger or close: keep the draft."""
        return self.save_draft_now() or self._ask_unsaveable()

    def _ask_unsaveable(self) -> bool:
        answer = errors.ask_save(self, S.NOTICE_WHAT)
        if answer == errors.SAVE:
            return self.save_text()
        return answer == errors.DISCARD

    def ask_discard_draft(self) -> None:
        label = self.shown.label
        if not errors.confirm(self, S.NOTICE_DISCARD_DRAFT, S.NOTICE_DISCARD_DRAFT_ASK.format(period=label),
                              yes=S.NOTICE_DISCARD_DRAFT, no=S.CANCEL):
            return
        self.autosave.stop()
        try:
            discard_draft(self.context.ledger, self.shown)
        except Exception as exc:  # noqa: BLE001
            errors.show_error(self, exc)
            return
        self.load()
        self.mark_stale()

    def settings(self) -> NoticeSettings:
        base = load_settings(self.context.ledger)
        values = {key: edit.text().strip() for key, edit in self.setting_edits.items()}
        values["landing_section"] = "1" if self.landing_check.isChecked() else "0"
        values["activity_section"] = "1" if self.activity_check.isChecked() else "0"
        return NoticeSettings(**{**base.to_dict(), **values})

    def narrative(self) -> Narrative:
        return Narrative(**{key: edit.toPlainText() for key, edit in self.sections.items()})

    def issue_day(self) -> date:
        day = self.issue_date.date()
        return date(day.year(), day.month(), day.day())

    def update_counts(self) -> None:
        total = 0
        for key, edit in self.sections.items():
            n = char_count(edit.toPlainText())
            total += n
            self.counts[key].setText(S.NOTICE_CHARS.format(n=n))
        self.total_count.setText(S.NOTICE_CHARS_TOTAL.format(n=total))

    def next_doc_number(self) -> str:
        """The number issuing would give: the 月通报 series for a month range, else the 季度通报 series."""
        year, period, settings = self.issue_day().year, self.picker.period(), self.settings()
        return format_doc_number(series_settings(settings, period).number_pattern, year,
                                 next_serial(self.context.ledger, year, period, settings))

    def update_next_number(self) -> None:
        try:
            number = self.next_doc_number()
        except Exception as exc:  # noqa: BLE001 - a bad pattern is a Chinese LedgerError shown in place
            number = str(exc)
        self.next_number.setText(S.NOTICE_NEXT_NUMBER.format(number=number))

    def _placeholder_hint(self, item: QListWidgetItem | None) -> str:
        if item is None:
            return ""
        name = item.data(Qt.ItemDataRole.UserRole)
        value = (self.draft.figures.get("placeholders", {}).get(name) if self.draft else None)
        return PLACEHOLDERS.get(name, "") + (f"\n本期：{value}" if value else "")

    # --- edits ------------------------------------------------------------------------------------
    def narrative_edited(self) -> None:
        if self._loading:
            return
        self.update_counts()
        self.mark_stale()
        self._typing()

    def settings_edited(self) -> None:
        if self._loading:
            return
        self.update_next_number()
        self.mark_stale()
        self._typing()

    def _typing(self) -> None:
        self._set_pending(True)
        self.autosave.start()

    def mark_stale(self) -> None:
        if self.draft is not None:
            self.preview.set_message(S.PREVIEW_STALE)

    def current_section(self) -> QPlainTextEdit:
        key = list(self.sections)[self.section_tabs.currentIndex()]
        return self.sections[key]

    def insert_placeholder(self, item: QListWidgetItem | None) -> None:
        if item is None:
            return
        edit = self.current_section()
        edit.insertPlainText(f"{{{item.data(Qt.ItemDataRole.UserRole)}}}")
        edit.setFocus()

    def period_changed(self, _code: str) -> None:
        if not self.save_draft_now() and not self._ask_unsaveable():
            self.picker.blockSignals(True)
            self.picker.set_code(self.shown_period)
            self.picker.blockSignals(False)
            return
        self.draft = None
        self.load(settings_too=False)
        self.render_preview()

    def save_text(self) -> bool:
        period = self.shown
        self.autosave.stop()
        try:
            self.context.try_run(save_settings, self.settings(), based_on=self.base_settings)
            self.base_settings = load_settings(self.context.ledger)
            self.context.try_run(save_narrative, period, self.narrative(), based_on=self.base_narrative)
        except ConflictError as err:
            # Keep what is typed; the next 保存正文 saves it over the newer text the message just showed.
            self.base_settings = load_settings(self.context.ledger)
            self.base_narrative = load_narrative(self.context.ledger, period)
            errors.show_error(self, ConflictError(str(err) + S.CONFLICT_KEEP_TYPED))
            return False
        except Exception as exc:  # noqa: BLE001 - every failure is shown, bugs are logged
            errors.show_error(self, exc)
            return False
        self.base_narrative = load_narrative(self.context.ledger, period)
        try:
            if load_draft(self.context.ledger, period) is not None:
                discard_draft(self.context.ledger, period)
        except Exception as exc:  # noqa: BLE001 - the text is saved; a stale draft only shows again
            errors.show_error(self, exc)
        self.has_draft = False
        self.draft_error = None
        self._set_pending(False)
        return True

    # --- preview, print, save -----------------------------------------------------------------------
    def render_preview(self) -> None:
        period, narrative, settings, day = self.picker.period(), self.narrative(), self.settings(), self.issue_day()
        self.preview.set_message(S.NOTICE_RENDERING)
        self.task.request(lambda: render_draft(self.context, period, narrative, settings, day), self.show_draft,
                          self.render_failed, now=True)

    def show_draft(self, draft: Draft) -> None:
        self.draft = draft
        self.preview.set_pdf(draft.pdf)
        values = draft.figures.get("placeholders", {})
        self.figures_view.setPlainText("\n".join(f"{{{k}}}：{v}" for k, v in values.items()))

    def render_failed(self, exc: BaseException) -> None:
        self.preview.set_message(str(exc))
        errors.show_error(self, exc)

    def save_pdf(self) -> str | None:
        label = parse_period(self.picker.code()).label
        return self.preview.save_dialog(S.PDF_NAME.format(name=f"{label}招商引资工作情况通报"))

    def save_docx(self) -> None:
        """导出 Word: the draft as on screen (text not yet saved included) as a .docx working copy, built on the worker."""
        from PySide6.QtWidgets import QFileDialog

        from zsdesk.notice.docx_export import notice_docx

        label = parse_period(self.picker.code()).label
        path, _ = QFileDialog.getSaveFileName(self, S.ACT_NOTICE_SAVE_DOCX, str(Path.home() / S.DOCX_NAME.format(
            name=f"{label}招商引资工作情况通报")), S.DOCX_FILTER)
        if not path:
            return
        out = Path(path if path.lower().endswith(".docx") else path + ".docx")
        period, narrative, settings, day = self.picker.period(), self.narrative(), self.settings(), self.issue_day()
        ledger = self.context.ledger

        def build() -> bytes:
            doc, _figures = build_notice(ledger, period, narrative, settings, None, day)
            return notice_docx(doc, draft=True)

        def write(data: bytes) -> None:
            try:
                tmp = out.with_name(f".{out.name}.part")
                tmp.write_bytes(data)
                tmp.replace(out)
            except OSError as exc:
                from zsdesk.errors import LedgerError

                errors.show_error(self, LedgerError(f"无法写入 {out}：{exc.strerror or exc}"))
                return
            self.last_docx = str(out)
            text = S.DOCX_SAVED.format(path=out)
            errors.shown.append((S.ACT_NOTICE_SAVE_DOCX, text))
            if errors.MODAL:
                QMessageBox.information(self, S.ACT_NOTICE_SAVE_DOCX, text)

        if not hasattr(self, "docx_task"):  # its own queue: a preview request must not replace the export
            self.docx_task = LatestTask(self.context, self, delay_ms=0)
        self.docx_task.request(build, write, lambda exc: errors.show_error(self, exc), now=True)

    # --- issue and archive ------------------------------------------------------------------------
    def ask_issue(self) -> None:
        """Ask before issuing: a number is used up and the notice can never change afterwards."""
        try:
            number = self.next_doc_number()
        except Exception as exc:  # noqa: BLE001
            errors.show_error(self, exc)
            return
        text = S.ISSUE_CONFIRM.format(number=number, period=parse_period(self.picker.code()).label,
                                      date=f"{self.issue_day():%Y年%m月%d日}".replace("年0", "年").replace("月0", "月"))
        box = QMessageBox(QMessageBox.Icon.Question, S.ISSUE_TITLE, text,
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        box.button(QMessageBox.StandardButton.Yes).setText(S.ISSUE_BUTTON)  # irreversible: the verb, not 是
        box.button(QMessageBox.StandardButton.No).setText(S.CANCEL)
        box.setDefaultButton(QMessageBox.StandardButton.No)
        box.finished.connect(lambda result: self._issue_answered(result))
        self.issue_box = box
        box.open()

    def _issue_answered(self, result: int) -> None:
        self.issue_box = None
        if result == QMessageBox.StandardButton.Yes.value:
            self.issue()

    def issue(self) -> None:
        if not self.save_text():
            return
        period, narrative, settings, day = self.picker.period(), self.narrative(), self.settings(), self.issue_day()
        ledger = self.context.ledger
        # Saving the text made other pages recompute; the issue waits for the worker instead of failing.
        self.preview.set_message(S.ISSUING)
        self.task.request(lambda: issue_notice(ledger, period, None, day, narrative, settings), self.issued,
                          lambda exc: errors.show_error(self, exc), now=True)

    def issued(self, info: IssuedNoticeInfo) -> None:
        self.last_issued = info
        self.context.announce(None)
        self.update_next_number()
        text = S.ISSUED.format(number=info.doc_number, sha=info.sha256)
        errors.shown.append((S.ISSUE_TITLE, text))
        if errors.MODAL:
            QMessageBox.information(self, S.ISSUE_TITLE, text)
        self.open_archive()

    def open_archive(self) -> None:
        from .archive_dialog import ArchiveDialog

        dialog = ArchiveDialog(self.context, self)
        self.archive = dialog
        dialog.show()
