"""The main window: menus, toolbar, left navigation, pages, status bar."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSize, Qt, QUrl, Signal
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QDesktopServices, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QStyle,
    QToolBar,
    QWidget,
)

from zsdesk import ops
from zsdesk.ops.history import Change
from zsdesk.paths import log_file

from .. import strings as S
from ..common.context import LedgerContext
from ..common.errors import show_error
from ..common.page import Editor, PageWidget
from ..common.permissions import limit
from ..common.toolbar_fixed import pin_width
from .pages import PAGE_MENUS, page_factory
from .recent import recent_ledgers


def current_period_text(context: LedgerContext) -> str:
    today = context.today
    return f"{today.year}年第{(today.month - 1) // 3 + 1}季度（1—{today.month}月）"


class MainWindow(QMainWindow):
    # (path, create, demo) — the app reopens the window on another ledger
    open_requested = Signal(str, bool, bool)
    restore_requested = Signal(str)  # a backup's path: the app closes the ledger, restores, reopens
    sign_in_requested = Signal()  # 文件 → 登录共享台账: the app shows the sign-in dialog

    def __init__(self, context: LedgerContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.pages: dict[str, PageWidget] = {}
        self.nav = QListWidget(self)
        self.nav.setObjectName("nav")
        self.nav.setIconSize(QSize(20, 20))
        for key, label in S.NAV.items():
            item = QListWidgetItem(label, self.nav)
            item.setData(Qt.ItemDataRole.UserRole, key)
            item.setSizeHint(QSize(0, self.fontMetrics().height() + 18))
        self.nav.setFixedWidth(self.fontMetrics().horizontalAdvance("单位与人员") + 56)
        self.stack = QStackedWidget(self)
        splitter = QSplitter(self)
        splitter.addWidget(self.nav)
        splitter.addWidget(self.stack)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        self.setCentralWidget(splitter)
        self.status_counts = QLabel(self)
        self.status_period = QLabel(S.STATUS_PERIOD.format(period=current_period_text(context)), self)
        self.statusBar().addWidget(self.status_counts, 1)
        self.statusBar().addPermanentWidget(self.status_period)
        # Who is signed in, as which role (a SQLite ledger: one operator, no sign-in).
        self.status_user = QLabel(context.access.describe(), self)
        self.status_user.setObjectName("status_user")
        self.statusBar().addPermanentWidget(self.status_user)
        self._make_actions()
        self._make_menus()
        self._make_toolbar()
        self._limit_by_role()
        self.nav.currentItemChanged.connect(lambda item, _old: item and self.show_page(item.data(Qt.ItemDataRole.UserRole)))
        context.changed.connect(self._on_change)
        context.open_project_requested.connect(self.open_project)
        context.history_changed.connect(self._update_history_actions)
        context.money_unit_changed.connect(lambda _u: self.update_status())
        self._update_history_actions()
        self._update_title()
        self._restore_geometry()
        self.nav.setCurrentRow(0)

    # --- pages ----------------------------------------------------------------------------
    def page(self, key: str) -> PageWidget:
        page = self.pages.get(key)
        if page is None:
            page = page_factory(key)(self.context, self.stack)
            self.pages[key] = page
            self.stack.addWidget(page)
            page.selection_changed.connect(self.update_status)
            page.unsaved_changed.connect(self._update_title)
        return page

    def show_page(self, key: str) -> PageWidget:
        current = self.current_page()
        target = self.page(key)
        if current is not None and current is not target and not current.leave():
            self.nav.blockSignals(True)  # 取消: stay where the unsaved text is
            self.nav.setCurrentRow(list(S.NAV).index(self._key_of(current)))
            self.nav.blockSignals(False)
            return current
        page = target
        self.stack.setCurrentWidget(page)
        row = list(S.NAV).index(key)
        if self.nav.currentRow() != row:
            self.nav.setCurrentRow(row)
        page.activated()
        self.update_status()
        return page

    def open_project(self, project_id: int) -> None:
        """A project's form, asked for from any page (the 待办 list, the landing drill-down)."""
        self.page("ledger").open_project(project_id, self)  # type: ignore[attr-defined]  # the shell may not import the ledger room (boundary rule)

    def current_page(self) -> PageWidget | None:
        page = self.stack.currentWidget()
        return page if isinstance(page, PageWidget) else None

    def _key_of(self, page: PageWidget) -> str:
        return next((k for k, p in self.pages.items() if p is page), "ledger")

    # --- unsaved edits ----------------------------------------------------------------------
    def editors(self) -> list[Editor]:
        """Open dialogs and pages that may hold unsaved text (they have ``leave() -> bool``)."""
        dialogs: list[Editor] = [d for d in self.findChildren(QDialog) if d.isVisible() and isinstance(d, Editor)]
        return dialogs + list(self.pages.values())

    def leave_all(self) -> bool:
        """Before the window closes or another ledger opens: every editor saves its text or asks
        保存 / 不保存 / 取消. False when the clerk chose 取消 (nothing is closed then)."""
        return all(editor.leave() for editor in self.editors())

    def has_unsaved(self) -> bool:
        return any(p.unsaved() for p in self.pages.values())

    def update_status(self) -> None:
        page = self.current_page()
        text = page.status_text() if page is not None else ""
        self.status_counts.setText(text)

    # --- actions and menus ----------------------------------------------------------------
    def _action(self, text: str, slot: object, shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
                icon: QStyle.StandardPixmap | None = None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if icon is not None:
            action.setIcon(self.style().standardIcon(icon))
        action.triggered.connect(slot)
        return action

    def _make_actions(self) -> None:
        sp = QStyle.StandardPixmap
        self.act_new_ledger = self._action(S.ACT_NEW_LEDGER, self.new_ledger)
        self.act_open_ledger = self._action(S.ACT_OPEN_LEDGER, self.open_ledger, QKeySequence.StandardKey.Open,
                                            sp.SP_DialogOpenButton)
        self.act_open_demo = self._action(S.ACT_OPEN_DEMO, lambda: self.open_requested.emit("", True, True))
        self.act_sign_in = self._action(S.ACT_SIGN_IN, self.sign_in_requested.emit)
        self.act_import = self._action(S.ACT_IMPORT, self.import_xlsx, "Ctrl+I", sp.SP_ArrowDown)
        self.act_export = self._action(S.ACT_EXPORT, self.export_xlsx, "Ctrl+E", sp.SP_ArrowUp)
        self.act_templates = self._action(S.ACT_TEMPLATES, self.download_templates)
        # Windows has no standard Quit key; a clerk used to WPS presses Ctrl+Q.
        self.act_quit = self._action(S.ACT_QUIT, self.close, "Ctrl+Q")
        self.act_undo = self._action(S.ACT_UNDO, lambda: self.context.undo(self), QKeySequence.StandardKey.Undo,
                                     sp.SP_ArrowBack)
        self.act_redo = self._action(S.ACT_REDO, lambda: self.context.redo(self), "Ctrl+Y", sp.SP_ArrowForward)
        self.act_redo.setShortcuts([QKeySequence("Ctrl+Y"), QKeySequence("Ctrl+Shift+Z")])
        self.act_find = self._action(S.ACT_FIND, self.focus_search, QKeySequence.StandardKey.Find)
        self.act_backup_now = self._action(S.ACT_BACKUP_NOW, self.backup_now, None, sp.SP_DriveHDIcon)
        self.act_restore = self._action(S.ACT_RESTORE, self.restore_backup)
        self.act_backup_folder = self._action(S.ACT_BACKUP_FOLDER, self.open_backup_folder)
        self.act_log_folder = self._action(S.ACT_LOG_FILE, lambda: QDesktopServices.openUrl(
            QUrl.fromLocalFile(str(log_file().parent))))
        self.act_stale_days = self._action(S.ACT_STALE_DAYS, self.set_stale_days)
        self.act_dictionary = self._action(S.ACT_DICTIONARY, lambda: self.show_units_tab(2))
        self.act_units_persons = self._action(S.ACT_UNITS_PERSONS, lambda: self.show_units_tab(0))
        self.act_check = self._action(S.ACT_CHECK_LEDGER, self.check_ledger)
        self.act_backup_setting = self._action(S.ACT_BACKUP_SETTING, self.choose_backup_folder)
        self.act_about = self._action(S.ACT_ABOUT, self.about)
        self.act_shortcuts = self._action(S.ACT_SHORTCUTS, lambda: QMessageBox.information(
            self, S.ACT_SHORTCUTS, S.SHORTCUTS_TEXT), QKeySequence.StandardKey.HelpContents)
        group = QActionGroup(self)
        self.act_wan = self._action(S.ACT_MONEY_WAN, lambda: self.context.set_money_unit("wan"))
        self.act_yi = self._action(S.ACT_MONEY_YI, lambda: self.context.set_money_unit("yi"))
        for a in (self.act_wan, self.act_yi):
            a.setCheckable(True)
            group.addAction(a)
        (self.act_yi if self.context.money_unit == "yi" else self.act_wan).setChecked(True)

    def _make_menus(self) -> None:
        bar = self.menuBar()
        m_file = bar.addMenu(S.MENU_FILE)
        m_file.addActions([self.act_new_ledger, self.act_open_ledger, self.act_open_demo, self.act_sign_in])
        m_file.setToolTipsVisible(True)  # a disabled item says why (role)
        self.menu_recent = m_file.addMenu(S.MENU_RECENT)
        self.menu_recent.aboutToShow.connect(self._fill_recent)
        m_file.addSeparator()
        m_file.addActions([self.act_import, self.act_export, self.act_templates])
        m_file.addSeparator()
        m_file.addAction(self.act_restore)  # where a clerk looks for it (also under 工具 → 备份)
        m_file.addSeparator()
        m_file.addAction(self.act_quit)
        m_edit = bar.addMenu(S.MENU_EDIT)
        m_edit.addActions([self.act_undo, self.act_redo])
        m_edit.addSeparator()
        m_edit.addAction(self.act_find)
        self.menus: dict[str, QMenu] = {
            "ledger": bar.addMenu(S.MENU_LEDGER), "board": bar.addMenu(S.MENU_BOARD),
            "notice": bar.addMenu(S.MENU_NOTICE), "tools": bar.addMenu(S.MENU_TOOLS),
        }
        for key, menu in self.menus.items():
            menu.aboutToShow.connect(lambda k=key: self._fill_menu(k))
        self._fill_menu("ledger")  # so the ledger's shortcuts work before the menu is opened
        self.menu_settings = bar.addMenu(S.MENU_SETTINGS)
        self.menu_settings.addActions([self.act_dictionary, self.act_units_persons])
        self.menu_settings.addSeparator()
        self.menu_settings.addActions([self.act_wan, self.act_yi, self.act_stale_days])
        self.menu_settings.addSeparator()
        self.menu_settings.addAction(self.act_backup_setting)
        m_help = bar.addMenu(S.MENU_HELP)
        m_help.addActions([self.act_shortcuts, self.act_about])

    def _fill_menu(self, key: str) -> None:
        menu = self.menus[key]
        menu.clear()
        for page_key, menu_key in PAGE_MENUS.items():
            if menu_key != key:
                continue
            go = QAction(S.NAV[page_key], menu)
            go.triggered.connect(lambda _c=False, k=page_key: self.show_page(k))
            menu.addAction(go)
            page = self.pages.get(page_key) if page_key != "ledger" else self.page("ledger")
            if page is not None:
                menu.addActions(page.menu_actions())
            menu.addSeparator()
        if key == "ledger":
            menu.addActions([self.act_wan, self.act_yi, self.act_stale_days])
        if key == "tools":
            menu.addAction(self.act_check)
            backup = menu.addMenu(S.MENU_BACKUP)
            backup.addActions([self.act_backup_now, self.act_restore, self.act_backup_folder])
            menu.addAction(self.act_log_folder)

    def _make_toolbar(self) -> None:
        bar = QToolBar(S.APP_NAME, self)
        bar.setObjectName("main_toolbar")
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        bar.setMovable(False)
        ledger = self.page("ledger")
        sp = QStyle.StandardPixmap
        ledger.act_new.setIcon(self.style().standardIcon(sp.SP_FileIcon))  # type: ignore[attr-defined]  # pages come by key as PageWidget; shell may not import the ledger room
        ledger.act_delete.setIcon(self.style().standardIcon(sp.SP_TrashIcon))  # type: ignore[attr-defined]  # pages come by key as PageWidget; shell may not import the ledger room
        bar.addAction(ledger.act_new)  # type: ignore[attr-defined]  # pages come by key as PageWidget; shell may not import the ledger room
        bar.addAction(ledger.act_delete)  # type: ignore[attr-defined]  # pages come by key as PageWidget; shell may not import the ledger room
        bar.addSeparator()
        bar.addActions([self.act_undo, self.act_redo])
        for act in (self.act_undo, self.act_redo):
            pin_width(bar, act)  # the toolbar does not shift as the undo label grows
        bar.addSeparator()
        bar.addActions([self.act_import, self.act_export])
        bar.addSeparator()
        bar.addAction(self.act_backup_now)
        self.addToolBar(bar)

    def _limit_by_role(self) -> None:
        """Disable what the signed-in role may not do, the reason in the tooltip (the database and the
        engine refuse anyway). A SQLite ledger's single operator may do everything."""
        for action, capability in ((self.act_import, "edit_projects"), (self.act_stale_days, "edit_settings"),
                                   (self.act_backup_setting, "edit_settings"), (self.act_check, "check")):
            limit(action, self.context, capability)
        ledger = self.page("ledger")
        for name in ("act_new", "act_delete"):
            page_action = getattr(ledger, name, None)
            if isinstance(page_action, QAction):
                limit(page_action, self.context, "edit_projects")
        self.menu_settings.setToolTipsVisible(True)

    def _fill_recent(self) -> None:
        self.menu_recent.clear()
        for path in recent_ledgers():
            a = self.menu_recent.addAction(path)
            a.triggered.connect(lambda _c=False, p=path: self.open_requested.emit(p, False, False))

    # --- undo / redo, title ---------------------------------------------------------------
    def _update_history_actions(self) -> None:
        undo, redo = self.context.undo_label, self.context.redo_label
        self.act_undo.setEnabled(undo is not None)
        self.act_undo.setText(S.ACT_UNDO_WHAT.format(label=undo) if undo else S.ACT_UNDO)
        self.act_redo.setEnabled(redo is not None)
        self.act_redo.setText(S.ACT_REDO_WHAT.format(label=redo) if redo else S.ACT_REDO)
        self._update_title()

    def _update_title(self) -> None:
        ledger = self.context.ledger
        name = ledger.path.name if ledger.path is not None else ledger.url
        # Every operation commits at once, so the ledger on disk is what the window shows — except typing
        # a page has not autosaved yet: then [未保存]. A preview or a board on the worker saves nothing.
        state = S.TITLE_UNSAVED if self.has_unsaved() else S.TITLE_SAVED
        self.setWindowTitle(f"{S.TITLE.format(file=name)}　[{state}]")
        if ledger.path is not None:
            self.setWindowFilePath(str(ledger.path))

    def _on_change(self, change: Change) -> None:
        if change.label:
            self.statusBar().showMessage(S.STATUS_DONE.format(label=change.label), 5000)
        self.update_status()

    # --- file -----------------------------------------------------------------------------
    def new_ledger(self) -> None:
        from .startup import ask_new_ledger_path

        path = ask_new_ledger_path(self)
        if path:
            self.open_requested.emit(path, True, False)

    def open_ledger(self) -> None:
        from .startup import ask_open_ledger_path

        path = ask_open_ledger_path(self)
        if path:
            self.open_requested.emit(path, False, False)

    def focus_search(self) -> None:
        page = self.current_page()
        if page is None or not page.focus_search():
            self.show_page("ledger").focus_search()

    def import_xlsx(self) -> None:
        from ..files.transfer import ImportWizard

        ImportWizard(self.context, self).open()

    def export_xlsx(self) -> None:
        from ..files.transfer import ExportDialog

        ledger_page = self.pages.get("ledger")
        query = ledger_page.model.query if ledger_page is not None else None  # type: ignore[attr-defined]  # pages come by key as PageWidget; shell may not import the ledger room
        ExportDialog(self.context, query, self).open()

    def download_templates(self) -> None:
        from ..files.transfer import save_templates

        save_templates(self.context, self)

    def backup_now(self) -> None:
        from ..files.backups import backup_now

        backup_now(self.context, self)

    def restore_backup(self) -> None:
        from ..files.backups import RestoreDialog

        dialog = RestoreDialog(self.context, self)
        dialog.restore_chosen.connect(self.restore_requested)
        dialog.open()

    def open_backup_folder(self) -> None:
        from ..files.backups import backup_folder

        QDesktopServices.openUrl(QUrl.fromLocalFile(str(backup_folder(self.context))))

    def show_units_tab(self, index: int) -> None:
        """设置 → 字典 / 单位与人员: the 单位与人员 page at that tab (产业链 and 投资方标签 are the dictionaries)."""
        page = self.show_page("units")
        tabs = getattr(page, "tabs", None)
        if tabs is not None and self.current_page() is page:
            tabs.setCurrentIndex(index)

    def check_ledger(self) -> None:
        """工具 → 检查台账: what ``zsdesk check`` does, on the worker; the report in a message."""
        from zsdesk.check import CheckReport, check_ledger

        target = self.context.ledger.path or self.context.ledger.url

        def done(report: CheckReport) -> None:
            problems = report.problems
            text = (S.CHECK_OK if not problems else
                    S.CHECK_PROBLEMS.format(n=len(problems), text="\n".join(report.lines()[1:])))
            self.last_check = text
            from ..common.errors import inform

            inform(self, S.CHECK_TITLE, text)

        self.context.runner.start(lambda _progress, _cancelled: check_ledger(target), S.CHECK_RUNNING, self, done,
                                  lambda exc: show_error(self, exc))

    def choose_backup_folder(self) -> None:
        """设置 → 备份文件夹: a USB drive or a shared folder (the ledger setting ``backup.folder``)."""
        from PySide6.QtWidgets import QFileDialog

        from ..files.backups import backup_folder

        folder = QFileDialog.getExistingDirectory(self, S.ACT_BACKUP_SETTING, str(backup_folder(self.context)))
        if folder:
            self.context.run(self, ops.set_setting, "backup.folder", folder,
                             label=S.BACKUP_FOLDER_SET.format(folder=folder))

    def set_stale_days(self) -> None:
        days, ok = QInputDialog.getInt(self, S.STALE_DAYS_TITLE, S.STALE_DAYS_PROMPT, self.context.stale_days, 1, 3650)
        if ok:
            self.context.run(self, ops.set_setting, "stale_days", days, label=f"{S.STALE_DAYS_TITLE}：{days} 天")

    def about(self) -> None:
        from zsdesk import __version__

        path = self.context.ledger.path or self.context.ledger.url
        QMessageBox.about(self, S.ACT_ABOUT, S.ABOUT_TEXT.format(version=__version__, path=path))

    # --- geometry -------------------------------------------------------------------------
    def _restore_geometry(self) -> None:
        geometry = self.context.settings.value("window/geometry")
        state = self.context.settings.value("window/state")
        if isinstance(geometry, QByteArray) and self.restoreGeometry(geometry):
            if isinstance(state, QByteArray):
                self.restoreState(state)
        else:
            self.resize(1400, 860)

    def save_geometry(self) -> None:
        self.context.settings.setValue("window/geometry", self.saveGeometry())
        self.context.settings.setValue("window/state", self.saveState())
        self.context.settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        if not self.leave_all():  # 保存 / 不保存 / 取消 for every editor holding unsaved text
            event.ignore()
            return
        if self.context.runner.busy:
            self.context.runner.cancel()
            self.context.runner.wait(10000)
        self.save_geometry()
        super().closeEvent(event)


def ledger_label(path: str | Path | None) -> str:
    return Path(path).name if path else ""
