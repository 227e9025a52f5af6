"""Starting the window: Qt application, bundled CJK font, error hook, which ledger to open."""

from __future__ import annotations

import linecache
import logging
import os
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QLibraryInfo, QLocale, QObject, QRect, Qt, QTranslator
from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication, QDialog, QMainWindow, QWidget

from zsdesk.db_errors import SignInError
from zsdesk.errors import LedgerError, LedgerLocked
from zsdesk.ledger import Ledger
from zsdesk.lock import WriterLock
from zsdesk.opening import open_ledger as open_sequence
from zsdesk.paths import setup_logging
from zsdesk.resources import resource

from .. import strings as S
from ..common.context import LedgerContext
from ..common.errors import confirm, inform, install_excepthook, show_error
from .main_window import MainWindow
from .recent import add_recent, last_ledger, recent_ledgers
from .signin import SignInDialog
from .startup import StartDialog, demo_path

log = logging.getLogger("zsdesk.ui")
# Fonts the office PC may have that render Chinese UI text well; the bundled one otherwise.
PREFERRED_SYSTEM_FONTS = ("Microsoft YaHei UI", "Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC",
                          "Source Han Sans SC")
BUNDLED_UI_FONT = "wqy-microhei.ttf"


def load_ui_font(app: QApplication) -> str:
    """Register the bundled 黑体 and make the UI font one that has Chinese. Returns its family."""
    families: list[str] = []
    path = resource("fonts", BUNDLED_UI_FONT)
    if path.exists():
        font_id = QFontDatabase.addApplicationFont(str(path))
        if font_id >= 0:
            families = QFontDatabase.applicationFontFamilies(font_id)
    installed = set(QFontDatabase.families())
    family = next((f for f in PREFERRED_SYSTEM_FONTS if f in installed), None) or (families[0] if families else "")
    if family:
        font = QFont(family)
        font.setPointSizeF(max(app.font().pointSizeF(), 10.0))
        app.setFont(font)
    return family


# Qt's own words (file dialogs, print dialog, Yes/No, context menus of edit fields) in Chinese.
QT_TRANSLATIONS = ("qtbase_zh_CN.qm", "qt_zh_CN.qm")
_keep: list[QObject] = []  # translators and filters must outlive this function


class _MnemonicGaps(QTranslator):
    """Qt 6.11's dialogs added mnemonics ("&Look in:", "Files of &type:") that the shipped zh_CN catalogue
    still has without "&": look those up without the "&" so the file dialog is Chinese too."""

    def __init__(self, base: list[QTranslator], parent: QObject) -> None:
        super().__init__(parent)
        self.base = base

    def translate(self, context: str, source: str, disambiguation: str | None = None,  # noqa: D102
                  n: int = -1) -> str | None:  # None: "not here", Qt asks the next translator
        if not source or "&" not in source:
            return None
        plain = source.replace("&&", "\0").replace("&", "").replace("\0", "&")
        for translator in self.base:
            text = translator.translate(context, plain, disambiguation, n)
            if text:
                return text
        return None

    def isEmpty(self) -> bool:  # noqa: N802 - Qt override
        return False


def install_chinese(app: QCoreApplication) -> list[str]:
    """Install Qt's Chinese translations (PySide6 ships them; the installer keeps the zh_CN files)
    before the first widget. Returns the files loaded. Also used by the UI tests' conftest."""
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    loaded = []
    for name in QT_TRANSLATIONS:
        translator = QTranslator(app)
        if translator.load(name, folder):
            app.installTranslator(translator)
            _keep.append(translator)
            loaded.append(name)
        elif name == QT_TRANSLATIONS[0]:  # qt_zh_CN is a meta catalogue; qtbase has the dialogs' words
            log.warning("Qt 中文翻译文件缺失：%s", Path(folder) / name)
    gaps = _MnemonicGaps([t for t in _keep if isinstance(t, QTranslator)], app)
    app.installTranslator(gaps)
    _keep.append(gaps)
    return loaded


# Office PCs: 1366×768 with a taskbar leaves about 1366×728; 125 % on 1920×1080 leaves 1536×824.
SMALL_SCREEN = QRect(0, 0, 1366, 728)


def fit_rect(size_w: int, size_h: int, available: QRect) -> tuple[int, int]:
    """The size a window gets on ``available``: what it asked for, never larger than the screen."""
    return min(size_w, available.width()), min(size_h, available.height())


def fit_on_screen(widget: QWidget, available: QRect | None = None) -> None:
    """Shrink a window or dialog to the screen's available area and move it fully onto it."""
    if available is None:
        screen = widget.screen() or QGuiApplication.primaryScreen()
        if screen is None:
            return
        available = screen.availableGeometry()
    frame = widget.frameGeometry()
    extra_w = max(frame.width() - widget.width(), 0)
    extra_h = max(frame.height() - widget.height(), 0)
    if not extra_h and QGuiApplication.platformName() not in ("offscreen", "minimal"):
        extra_w, extra_h = 16, 39  # before the first show the title bar is not known yet: leave room for it
    w, h = fit_rect(widget.width(), widget.height(),
                    QRect(0, 0, available.width() - extra_w, available.height() - extra_h))
    if (w, h) != (widget.width(), widget.height()):
        widget.resize(w, h)
    x = min(max(frame.x(), available.x()), available.right() - w - extra_w + 1)
    y = min(max(frame.y(), available.y()), available.bottom() - h - extra_h + 1)
    if (x, y) != (frame.x(), frame.y()):
        widget.move(x, y)


class _FitOnShow(QObject):
    """Every window and dialog, ours or Qt's, is fitted to the screen when it is first shown."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if (event.type() == QEvent.Type.Show and isinstance(watched, (QDialog, QMainWindow))
                and watched.isWindow() and not watched.isMaximized() and not watched.isFullScreen()):
            fit_on_screen(watched)
        return False


def install_screen_fit(app: QCoreApplication) -> None:
    fit = _FitOnShow(app)
    app.installEventFilter(fit)
    _keep.append(fit)


def prepare_application(app: QCoreApplication) -> None:
    """What every QApplication of ours gets before the first widget: Chinese Qt, screen fitting."""
    if getattr(app, "_zsdesk_prepared", False):
        return
    install_chinese(app)
    install_screen_fit(app)
    app._zsdesk_prepared = True  # type: ignore[attr-defined]  # a marker attribute on the Qt application object


def make_application(argv: list[str] | None = None) -> QApplication:
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        prepare_application(existing)
        return existing
    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
    QCoreApplication.setOrganizationName(S.ORG_NAME)
    QCoreApplication.setApplicationName(S.APP_NAME)
    app = QApplication(argv if argv is not None else sys.argv[:1])
    prepare_application(app)
    app.setApplicationDisplayName(S.APP_NAME)
    app.setDesktopFileName("zsdesk")  # ties the window to installer/linux's zsdesk.desktop
    icon = resource("icons", "zsdesk.png")
    if icon.exists():
        app.setWindowIcon(QIcon(str(icon)))
    load_ui_font(app)
    return app


def release_source_lines() -> None:
    """Drop the source lines PySide6 keeps of every module imported after it.

    PySide6's import hook (shibokensupport/feature.py, ``_mod_uses_pyside``) reads each newly imported
    module's source with ``inspect.getsource`` to look for "PySide6", and ``linecache`` keeps every
    line: ~25 MB of strings for SQLAlchemy, Alembic and zsdesk, never used again. Freed before a ledger
    opens, the memory is reused by the ledger's own data instead of adding to the peak (bench/run.py,
    the memory line). A traceback still reads the lines it needs from the files when it is formatted.
    """
    linecache.clearcache()


class Controller:
    """Opens ledgers and their windows; the window asks it to switch ledgers."""

    def __init__(self) -> None:
        self.window: MainWindow | None = None
        self.context: LedgerContext | None = None
        self.lock: WriterLock | None = None
        self.sign_in_dialog: SignInDialog | None = None

    def open_ledger(self, path: str, create: bool = False, demo: bool = False,
                    parent: QWidget | None = None) -> MainWindow | None:
        release_source_lines()
        try:
            try:
                ledger = self._open(path, create, demo)  # the one opening sequence, with the writer lock
            except LedgerLocked as err:
                if not confirm(parent or self.window, S.APP_NAME, f"{err}\n\n{S.OPEN_READ_ONLY}"):
                    return None
                ledger = open_sequence(demo_path() if demo else path, read_only=True)
        except SignInError as err:
            if err.kind in ("password", "no_password"):  # a remembered shared ledger: ask who signs in
                return self.sign_in(parent, path, "" if err.kind == "no_password" else str(err))
            show_error(parent or self.window, err)
            return None
        except Exception as exc:  # noqa: BLE001 - shown to the clerk; bugs are logged by show_error
            show_error(parent or self.window, exc)
            return None
        return self._show(ledger, parent)

    def sign_in(self, parent: QWidget | None = None, address: str = "", message: str = "") -> MainWindow | None:
        """The sign-in dialog until a shared ledger opens or 取消; the window behind stays as it was."""
        dialog = SignInDialog(parent or self.window, address, message)
        self.sign_in_dialog = dialog  # tests drive it
        try:
            while dialog.exec() == QDialog.DialogCode.Accepted:
                try:
                    ledger = open_sequence(dialog.address(), write=True, password=dialog.password.text() or None)
                except LedgerError as err:
                    dialog.show_message(str(err))
                    continue
                except Exception as exc:  # noqa: BLE001 - shown; bugs are logged by show_error
                    show_error(dialog, exc)
                    continue
                finally:
                    dialog.password.clear()  # the password lives only for the one connection
                return self._show(ledger, parent)
            return None
        finally:
            self.sign_in_dialog = None

    def _sign_in_switch(self) -> None:
        old = self.window
        if old is not None and not old.leave_all():
            return
        window = self.sign_in(old)
        if window is not None and old is not None and window is not old:
            old.deleteLater()

    def _show(self, ledger: Ledger, parent: QWidget | None) -> MainWindow:
        lock, ledger.writer_lock = ledger.writer_lock, None  # the controller holds it across restores
        if ledger.upgraded_backup is not None:
            inform(parent or self.window, S.APP_NAME, S.LEDGER_UPGRADED.format(path=ledger.upgraded_backup))
        self._close_current()
        self.lock = lock
        self.context = LedgerContext(ledger)
        self.window = MainWindow(self.context)
        self.window.open_requested.connect(self._switch)
        self.window.restore_requested.connect(self.restore)
        self.window.sign_in_requested.connect(self._sign_in_switch)
        add_recent(str(ledger.path) if ledger.path is not None else ledger.url)
        from ..files.backups import start_auto_backup

        start_auto_backup(self.context)
        self.window.show()
        release_source_lines()  # opening imported the migration scripts and the pages' modules
        return self.window

    def _open(self, path: str, create: bool, demo: bool) -> Ledger:
        if demo:
            target = demo_path()
            if target.exists():
                return open_sequence(target, write=True)
            from zsdesk.demo import build_demo

            QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
            try:
                ledger = open_sequence(target, create=True, write=True)
                try:
                    build_demo(ledger)
                except BaseException:
                    ledger.close()
                    target.unlink(missing_ok=True)
                    raise
            finally:
                QApplication.restoreOverrideCursor()
            return ledger
        if create and Path(path).exists() and Path(path).stat().st_size > 0:
            return open_sequence(path, write=True)
        return open_sequence(path, create=create, write=True)

    def _switch(self, path: str, create: bool, demo: bool) -> None:
        old = self.window
        if old is not None and not old.leave_all():  # 取消 in a 保存/不保存/取消 question
            return
        window = self.open_ledger(path, create, demo, parent=old)
        if window is not None and old is not None:
            old.deleteLater()

    def _close_current(self) -> None:
        if self.window is not None:
            self.window.save_geometry()
            self.window.hide()
        if self.context is not None:
            from ..files.backups import stop_auto_backup

            stop_auto_backup(self.context)
            self.context.ledger.close()
        if self.lock is not None:
            self.lock.release()
        self.window, self.context, self.lock = None, None, None

    def restore(self, backup_path: str) -> None:
        """Close the ledger (keeping its writer lock), replace it with the verified backup, reopen."""
        if self.context is None or self.context.ledger.path is None:
            return
        from zsdesk.backup import restore_backup

        ledger_path = self.context.ledger.path
        old, lock = self.window, self.lock
        if old is not None and not old.leave_all():
            return
        self.lock = None  # keep holding it across the restore
        self._close_current()
        try:
            restore_backup(backup_path, ledger_path, hold_lock=False)
        except Exception as exc:  # noqa: BLE001 - shown; the ledger file is untouched on failure
            show_error(old, exc)
        finally:
            if lock is not None:
                lock.release()
        if self.open_ledger(str(ledger_path), parent=old) is not None:
            inform(self.window, S.BACKUP_RESTORE_TITLE, S.BACKUP_RESTORED)
        if old is not None:
            old.deleteLater()

    def start(self, db: str | None) -> bool:
        if db:
            return self.open_ledger(db, create=not Path(db).exists() and "://" not in db) is not None
        last = last_ledger()
        if last and self.open_ledger(last) is not None:
            return True
        while True:
            dialog = StartDialog(recent_ledgers())
            if dialog.exec() != StartDialog.DialogCode.Accepted or dialog.choice is None:
                return False
            if dialog.sign_in_chosen:
                if self.sign_in() is not None:
                    return True
                continue
            if self.open_ledger(*dialog.choice) is not None:
                return True


def no_display_reason() -> str | None:
    """On Linux without X11/Wayland (and no QT_QPA_PLATFORM), Qt would abort with a core dump."""
    if sys.platform.startswith("linux") and not any(
            os.environ.get(v) for v in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")):
        return S.NO_DISPLAY
    return None


def run_app(db: str | None = None) -> int:
    reason = no_display_reason()
    if reason is not None:
        sys.stderr.write(f"zsdesk: {reason}\n")
        return 2
    setup_logging()
    app = make_application()
    install_excepthook()
    controller = Controller()
    if not controller.start(db):
        return 0
    code = app.exec()
    controller._close_current()
    return int(code)
