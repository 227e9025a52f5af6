"""Preview, print and save the exact notice PDF (QtPdf from the ``pyside6-pdf`` wheel).

What is shown and printed is the PDF's own bytes, rendered by pdfium: the preview is what prints.
Printing renders each page at the printer's resolution (capped at 600 dpi) on white — QPdfDocument
renders transparent — and turns the printer to landscape for the landscape attachment pages.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QRectF, QSize, QSizeF
from PySide6.QtGui import QColor, QImage, QPageLayout, QPageSize, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from . import chief_strings as S

MAX_PRINT_DPI = 600


def load_pdf(data: bytes, parent: QWidget | None = None) -> tuple[QPdfDocument, QBuffer]:
    """A QPdfDocument over ``data``; keep the buffer alive as long as the document."""
    document = QPdfDocument(parent)
    buffer = QBuffer(parent)
    buffer.setData(QByteArray(data))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document.load(buffer)
    return document, buffer


def render_page(document: QPdfDocument, page: int, dpi: float) -> QImage:
    """One page at ``dpi`` on white (pdfium leaves the background transparent)."""
    points = document.pagePointSize(page)
    size = QSize(max(1, round(points.width() * dpi / 72)), max(1, round(points.height() * dpi / 72)))
    page_image = document.render(page, size)
    image = QImage(size, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.drawImage(0, 0, page_image)
    painter.end()
    return image


def print_document(document: QPdfDocument, printer: QPrinter,
                   progress: Callable[[int, int], None] | None = None) -> int:
    """Print every page of ``document`` on ``printer``; returns the number of pages printed."""
    pages = document.pageCount()
    if pages <= 0:
        return 0
    printer.setFullPage(True)  # the PDF carries its own margins (GB/T 9704 type area)

    def orient(page: int) -> None:
        size = document.pagePointSize(page)
        orientation = (QPageLayout.Orientation.Landscape if size.width() > size.height()
                       else QPageLayout.Orientation.Portrait)
        printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
        printer.setPageOrientation(orientation)

    orient(0)
    painter = QPainter()
    if not painter.begin(printer):
        return 0
    dpi = min(printer.resolution(), MAX_PRINT_DPI)
    try:
        for page in range(pages):
            if page:
                orient(page)
                printer.newPage()
            image = render_page(document, page, dpi)
            target = QRectF(QPointF(0, 0), QSizeF(painter.viewport().size()))
            painter.setWindow(painter.viewport())
            painter.drawImage(target, image)
            if progress is not None:
                progress(page + 1, pages)
    finally:
        painter.end()
    return pages


def print_pdf_to_file(data: bytes, path: str | Path, dpi: int = 150) -> int:
    """Print ``data`` through QPrinter into a PDF file (how printing is tested without a printer)."""
    document, _buffer = load_pdf(data)
    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    printer.setResolution(dpi)
    return print_document(document, printer)


class PdfPreview(QWidget):
    """Pages of one PDF, zoomable, paged through; print and save the same bytes."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.data: bytes = b""
        self.document = QPdfDocument(self)
        self._buffer: QBuffer | None = None
        self.view = QPdfView(self)
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setPageSpacing(12)
        self.view.setStyleSheet("background: #808080;")
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
        self.view.pageNavigator().currentPageChanged.connect(lambda _p: self._update_page_label())

    # --- content ----------------------------------------------------------------------------------
    def set_pdf(self, data: bytes) -> None:
        self.data = data
        self.document.close()
        if self._buffer is not None:
            self._buffer.close()
        buffer = QBuffer(self)
        buffer.setData(QByteArray(data))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self._buffer = buffer
        self.document.load(buffer)
        self.message.setVisible(False)
        self._update_page_label()

    def set_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    @property
    def page_count(self) -> int:
        return self.document.pageCount() if self.data else 0

    def _update_page_label(self) -> None:
        pages = self.page_count
        current = self.view.pageNavigator().currentPage() + 1 if pages else 0
        self.page_label.setText(S.PREVIEW_PAGE.format(page=current, pages=pages))

    # --- navigation and zoom -------------------------------------------------------------------------
    def go_to(self, page: int) -> None:
        if 0 <= page < self.page_count:
            self.view.pageNavigator().jump(page, QPointF(), self.view.pageNavigator().currentZoom())
            self._update_page_label()

    def next_page(self) -> None:
        self.go_to(self.view.pageNavigator().currentPage() + 1)

    def previous_page(self) -> None:
        self.go_to(self.view.pageNavigator().currentPage() - 1)

    def zoom(self, factor: float) -> None:
        self.view.setZoomMode(QPdfView.ZoomMode.Custom)
        self.view.setZoomFactor(max(0.1, min(self.view.zoomFactor() * factor, 8.0)))

    def fit_width(self) -> None:
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)

    def fit_page(self) -> None:
        self.view.setZoomMode(QPdfView.ZoomMode.FitInView)

    # --- print and save ------------------------------------------------------------------------------
    def print_dialog(self) -> int:
        if not self.page_count:
            return 0
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
        dialog = QPrintDialog(printer, self)
        if dialog.exec() != QPrintDialog.DialogCode.Accepted:
            return 0
        return print_document(self.document, printer)

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


__all__ = ["PdfPreview", "load_pdf", "print_document", "print_pdf_to_file", "render_page"]
