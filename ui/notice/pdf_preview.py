"""Preview, print and save the exact notice PDF, rendered by pdfium (the ``pypdfium2`` wheel).

What is shown and printed is the PDF's own bytes: the preview is what prints. We use pypdfium2
rather than QtPdf because QtPdf ships only for PySide6 6.12 as a separate wheel, and 6.12.0 drops
references to ``None`` on Python 3.11 (a crash after some 10,000 Qt calls; see NOTES.md) — so the
app pins PySide6 < 6.12, where QtPdf would cost the 175 MB pyside6-addons. Pages are rendered on
white; only the pages in view are rendered, and kept in a small cache.
"""

from __future__ import annotations

import atexit
import os
import tempfile
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path

import pypdfium2 as pdfium
from PySide6.QtCore import QEvent, QObject, QPointF, QRect, QRectF, QSize, QSizeF, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPageLayout, QPageSize, QPainter, QPaintEvent
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget

from .. import strings as S
from ..common.worker import TaskCancelled, TaskRunner

MAX_PRINT_DPI = 600
SCREEN_DPI = 96.0
PAGE_GAP = 12
CACHE_PAGES = 24


_OPEN: weakref.WeakSet[PdfPages] = weakref.WeakSet()
# pdfium is not thread-safe, not even across documents: the preview (UI thread) and printing (the
# worker) take turns through this lock.
PDFIUM_LOCK = threading.RLock()


@atexit.register
def _close_open_documents() -> None:
    """Close documents of widgets never destroyed (Qt's deleteLater needs an event loop at exit).
    Registered after pypdfium2's own exit hook, so it runs first and pdfium finds nothing left open."""
    for pages in list(_OPEN):
        pages.close()


class PdfPages:
    """A PDF held in memory: page sizes in points and pages rendered to ``QImage`` on white."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        with PDFIUM_LOCK:
            pdf = pdfium.PdfDocument(data) if data else None
            self._pdf = pdf
            _OPEN.add(self)
            self.sizes: list[tuple[float, float]] = []
            for i in range(len(pdf) if pdf is not None else 0):
                page = pdf[i]  # type: ignore[index]  # pdf is not None when len(pdf) > 0; mypy cannot see it through range()
                self.sizes.append(page.get_size())
                page.close()  # an open page keeps its document open

    def pageCount(self) -> int:  # noqa: N802 - same name as QPdfDocument, which this replaces
        return len(self.sizes)

    def page_points(self, page: int) -> QSizeF:
        width, height = self.sizes[page]
        return QSizeF(width, height)

    def render(self, page: int, dpi: float) -> QImage:
        assert self._pdf is not None
        with PDFIUM_LOCK:
            pdf_page = self._pdf[page]
            try:
                bitmap = pdf_page.render(scale=dpi / 72, fill_color=(255, 255, 255, 255), prefer_bgrx=True)
                image = QImage(bitmap.buffer, bitmap.width, bitmap.height, bitmap.stride,
                               QImage.Format.Format_RGB32 if bitmap.n_channels == 4 else QImage.Format.Format_BGR888)
                copy = image.copy()  # own the pixels: the bitmap's buffer goes away with it
                bitmap.close()
                return copy
            finally:
                pdf_page.close()

    def close(self) -> None:
        with PDFIUM_LOCK:
            if self._pdf is not None:
                self._pdf.close()
                self._pdf = None


def load_pdf(data: bytes, parent: QWidget | None = None) -> PdfPages:
    return PdfPages(data)


def render_page(document: PdfPages, page: int, dpi: float) -> QImage:
    """One page at ``dpi`` on white."""
    return document.render(page, dpi)


def print_document(document: PdfPages, printer: QPrinter,
                   progress: Callable[[int, int], None] | None = None,
                   cancelled: Callable[[], bool] | None = None) -> int:
    """Print the pages on ``printer`` at its resolution (one page rendered at a time), turning it for
    landscape pages; the printer's page range (从第 … 页到第 … 页) is kept. Raises ``TaskCancelled``
    when ``cancelled()`` turns true (the printer job is aborted)."""
    pages = document.pageCount()
    if pages <= 0:
        return 0
    first, last = 0, pages - 1
    if printer.printRange() == QPrinter.PrintRange.PageRange and printer.fromPage() > 0:
        first = min(printer.fromPage(), pages) - 1
        last = min(max(printer.toPage(), printer.fromPage()), pages) - 1
    printer.setFullPage(True)  # the PDF carries its own margins (GB/T 9704 type area)

    def orient(page: int) -> None:
        size = document.page_points(page)
        orientation = (QPageLayout.Orientation.Landscape if size.width() > size.height()
                       else QPageLayout.Orientation.Portrait)
        printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
        printer.setPageOrientation(orientation)

    orient(first)
    painter = QPainter()
    if not painter.begin(printer):
        return 0
    dpi = min(printer.resolution(), MAX_PRINT_DPI)
    total = last - first + 1
    done = 0
    try:
        for page in range(first, last + 1):
            if cancelled is not None and cancelled():
                printer.abort()
                raise TaskCancelled
            if page != first:
                orient(page)
                printer.newPage()
            image = document.render(page, dpi)
            target = QRectF(QPointF(0, 0), QSizeF(painter.viewport().size()))
            painter.setWindow(painter.viewport())
            painter.drawImage(target, image)
            del image  # a page at 600 dpi is ~140 MB: never hold two
            done += 1
            if progress is not None:
                progress(done, total)
    finally:
        if painter.isActive():
            painter.end()
    return done


def is_pdf_file_printer(printer: QPrinter) -> bool:
    """The print dialog's 打印到文件 / a PDF printer: the output is a PDF file we can write ourselves."""
    return printer.outputFormat() == QPrinter.OutputFormat.PdfFormat and bool(printer.outputFileName())


def write_pdf_atomically(data: bytes, path: str | Path) -> Path:
    """The original PDF bytes (vector pages, embedded fonts) into ``path``; a reader never sees half a file."""
    target = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=".print-", suffix=".pdf", dir=str(target.parent))
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def print_pdf(data: bytes, printer: QPrinter, progress: Callable[[int, int], None] | None = None,
              cancelled: Callable[[], bool] | None = None, keep_vector: bool = True) -> int:
    """Print ``data`` (a task for the worker: no widget is touched).

    To a PDF file (a PDF printer, 打印到文件) the file is the original bytes — vector pages with their
    fonts, exactly what was issued; to a real printer each page is rendered at the printer's resolution.
    ``keep_vector=False`` forces the rendering path (tests drive it on a PDF file). Returns pages printed.
    """
    if keep_vector and is_pdf_file_printer(printer):
        if cancelled is not None and cancelled():
            raise TaskCancelled
        write_pdf_atomically(data, printer.outputFileName())
        pages = PdfPages(data)
        try:
            count = pages.pageCount()
        finally:
            pages.close()
        if progress is not None:
            progress(count, count)
        return count
    document = PdfPages(data)
    try:
        return print_document(document, printer, progress, cancelled)
    finally:
        document.close()


def print_pdf_to_file(data: bytes, path: str | Path, dpi: int = 150) -> int:
    """Print ``data`` through QPrinter into a PDF file (how printing is tested without a printer)."""
    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    printer.setResolution(dpi)
    return print_pdf(data, printer)


class PagesCanvas(QWidget):
    """All pages stacked vertically at one zoom; paints only what is exposed."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document: PdfPages | None = None
        self.zoom = 1.0
        self._cache: OrderedDict[tuple[int, float], QImage] = OrderedDict()
        self._tops: list[int] = []

    def set_document(self, document: PdfPages | None) -> None:
        self.document = document
        self._cache.clear()
        self.relayout()

    def page_size(self, page: int) -> QSize:
        assert self.document is not None
        pts = self.document.page_points(page)
        scale = self.zoom * SCREEN_DPI / 72
        return QSize(max(1, round(pts.width() * scale)), max(1, round(pts.height() * scale)))

    def relayout(self) -> None:
        self._tops, y, width = [], PAGE_GAP, 0
        pages = self.document.pageCount() if self.document else 0
        for page in range(pages):
            size = self.page_size(page)
            self._tops.append(y)
            y += size.height() + PAGE_GAP
            width = max(width, size.width())
        self.setFixedSize(max(1, width + 2 * PAGE_GAP), max(1, y))
        self.update()

    def page_top(self, page: int) -> int:
        return self._tops[page] if 0 <= page < len(self._tops) else 0

    def page_at(self, y: int) -> int:
        for page in range(len(self._tops) - 1, -1, -1):
            if self._tops[page] <= y + PAGE_GAP:
                return page
        return 0

    def _image(self, page: int) -> QImage:
        key = (page, round(self.zoom, 3))
        image = self._cache.get(key)
        if image is None:
            assert self.document is not None
            image = self.document.render(page, self.zoom * SCREEN_DPI * self.devicePixelRatioF())
            image.setDevicePixelRatio(self.devicePixelRatioF())
            self._cache[key] = image
            while len(self._cache) > CACHE_PAGES:
                self._cache.popitem(last=False)
        else:
            self._cache.move_to_end(key)
        return image

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        painter.fillRect(event.rect(), QColor("#808080"))
        if self.document is not None:
            for page, top in enumerate(self._tops):
                size = self.page_size(page)
                rect = QRect((self.width() - size.width()) // 2, top, size.width(), size.height())
                if rect.intersects(event.rect()):
                    painter.drawImage(rect, self._image(page))
        painter.end()


class PdfPreview(QWidget):
    """Pages of one PDF, zoomable, paged through; print and save the same bytes."""

    printed = Signal(int)  # pages printed; 0 cancelled; -1 failed

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.data: bytes = b""
        self.document: PdfPages | None = None
        self.runner: TaskRunner | None = None  # the window's worker when given; else one of our own
        self.printer: QPrinter | None = None
        self.print_status = ""
        # pdfium's document is closed when the widget is destroyed (the Python wrapper may live on);
        # the closure holds this list, not the widget.
        self._open: list[PdfPages | None] = [None]
        opened = self._open
        self.destroyed.connect(lambda *_: opened[0].close() if opened[0] is not None else None)
        self.canvas = PagesCanvas()
        self.view = QScrollArea(self)
        self.view.setWidget(self.canvas)
        self.view.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.view.setStyleSheet("background: #808080;")
        self._fit = "width"
        self.message = QLabel(S.PREVIEW_EMPTY, self)
        self.message.setWordWrap(True)
        self.page_label = QLabel(self)
        buttons = []
        for text, slot in ((S.PREVIEW_PREV, self.previous_page), (S.PREVIEW_NEXT, self.next_page),
                           (S.PREVIEW_ZOOM_OUT, lambda: self.zoom(1 / 1.25)), (S.PREVIEW_ZOOM_IN, lambda: self.zoom(1.25)),
                           (S.PREVIEW_FIT_WIDTH, self.fit_width), (S.PREVIEW_FIT_PAGE, self.fit_page)):
            button = QPushButton(text, self)
            button.clicked.connect(slot)
            buttons.append(button)
        bar = QHBoxLayout()
        for b in buttons[:2]:
            bar.addWidget(b)
        bar.addWidget(self.page_label)
        bar.addStretch(1)
        for b in buttons[2:]:
            bar.addWidget(b)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.message)
        layout.addWidget(self.view, 1)
        self.view.verticalScrollBar().valueChanged.connect(lambda _v: self._update_page_label())
        self.view.viewport().installEventFilter(self)

    # --- content ----------------------------------------------------------------------------------
    def set_pdf(self, data: bytes) -> None:
        if self.document is not None:
            self.document.close()
        self.data = data
        self.document = self._open[0] = PdfPages(data)
        self.canvas.set_document(self.document)
        self.message.setVisible(False)
        self._apply_fit()
        self._update_page_label()

    def set_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    @property
    def page_count(self) -> int:
        return self.document.pageCount() if self.document is not None and self.data else 0

    @property
    def current_page(self) -> int:
        return self.canvas.page_at(self.view.verticalScrollBar().value()) if self.page_count else -1

    def _update_page_label(self) -> None:
        pages = self.page_count
        self.page_label.setText(S.PREVIEW_PAGE.format(page=self.current_page + 1 if pages else 0, pages=pages))

    # --- navigation and zoom -------------------------------------------------------------------------
    def go_to(self, page: int) -> None:
        if 0 <= page < self.page_count:
            self.view.verticalScrollBar().setValue(self.canvas.page_top(page) - PAGE_GAP // 2)
            self._update_page_label()

    def next_page(self) -> None:
        self.go_to(self.current_page + 1)

    def previous_page(self) -> None:
        self.go_to(self.current_page - 1)

    def _set_zoom(self, zoom: float) -> None:
        page = self.current_page
        self.canvas.zoom = max(0.1, min(zoom, 8.0))
        self.canvas.relayout()
        self.go_to(max(page, 0))

    def zoom(self, factor: float) -> None:
        self._fit = ""
        self._set_zoom(self.canvas.zoom * factor)

    def _apply_fit(self) -> None:
        if not self.page_count or not self._fit:
            return
        pts = self.document.page_points(max(self.current_page, 0))  # type: ignore[union-attr]  # page_count > 0 means a document is loaded
        # Fit width fits the widest page (a landscape attachment), so no page ever needs sideways scrolling.
        widest = max(w for w, _h in self.document.sizes)  # type: ignore[union-attr]  # page_count > 0 means a document is loaded
        viewport = self.view.viewport().size()
        by_width = (viewport.width() - 2 * PAGE_GAP - 20) / (widest * SCREEN_DPI / 72)
        by_height = (viewport.height() - 2 * PAGE_GAP) / (pts.height() * SCREEN_DPI / 72)
        self._set_zoom(by_width if self._fit == "width" else min(by_width, by_height))

    def fit_width(self) -> None:
        self._fit = "width"
        self._apply_fit()

    def fit_page(self) -> None:
        self._fit = "page"
        self._apply_fit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        # Fit to the viewport's real size: it is laid out after this widget's own resize event.
        if watched is self.view.viewport() and event.type() == QEvent.Type.Resize:
            self._apply_fit()
        return super().eventFilter(watched, event)

    # --- print and save ------------------------------------------------------------------------------
    def print_dialog(self) -> int:
        """Ask for a printer, then print on the worker (progress, 取消); returns the pages to be printed."""
        if not self.page_count or self.document is None:
            return 0
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
        printer.setFromTo(1, self.page_count)
        dialog = QPrintDialog(printer, self)
        dialog.setMinMax(1, self.page_count)
        if dialog.exec() != QPrintDialog.DialogCode.Accepted:
            return 0
        self.print_to(printer)
        return self.page_count

    def print_to(self, printer: QPrinter, keep_vector: bool = True) -> bool:
        """Start printing ``self.data`` on ``printer`` on the worker; ``printed`` or ``print_failed`` follows."""
        if not self.data:
            return False
        if self.runner is None:
            self.runner = TaskRunner(self)
        data = self.data
        self.printer = printer  # kept alive until the job is done
        self.print_status = ""

        def task(progress: Callable[[int, int], None], cancelled: Callable[[], bool]) -> int:
            return print_pdf(data, printer, progress, cancelled, keep_vector)

        def done(pages: int) -> None:
            self.print_status = (S.PRINT_PDF_DONE.format(path=printer.outputFileName())
                                 if keep_vector and is_pdf_file_printer(printer) else S.PRINT_DONE.format(pages=pages))
            self.set_message(self.print_status)
            self.printed.emit(pages)

        def cancelled() -> None:
            self.print_status = S.PRINT_CANCELLED
            self.set_message(self.print_status)
            self.printed.emit(0)

        def failed(exc: BaseException) -> None:
            from ..common.errors import show_error

            self.print_status = str(exc)
            show_error(self, exc)
            self.printed.emit(-1)

        return self.runner.start(task, S.PRINTING, self.window(), on_done=done, on_error=failed,
                                 on_cancel=cancelled)

    def save_dialog(self, suggested_name: str) -> str | None:
        if not self.data:
            return None
        path, _ = QFileDialog.getSaveFileName(self, S.ACT_NOTICE_SAVE_PDF, str(Path.home() / suggested_name),
                                              S.PDF_FILTER)
        if not path:
            return None
        if not path.lower().endswith(".pdf"):
            path += ".pdf"
        Path(path).write_bytes(self.data)
        return path


__all__ = ["PdfPages", "PdfPreview", "load_pdf", "print_document", "print_pdf", "print_pdf_to_file", "render_page",
           "write_pdf_atomically"]
