"""Printing and reprinting run on the worker (the window keeps answering), and a PDF printer gets the
vector original: text and embedded fonts, the archived bytes — not a 27 MB image-only PDF."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtPrintSupport import QPrinter

from ui.common.context import LedgerContext
from ui.notice.archive_dialog import ArchiveDialog
from zsdesk.demo import build_demo
from zsdesk.ledger import Ledger
from zsdesk.notice.issuing import issue_notice, issued_pdf
from zsdesk.periods import parse_period

TODAY = date(2026, 11, 20)


@pytest.fixture
def context(ledger: Ledger, qtbot: Any) -> Iterator[LedgerContext]:
    build_demo(ledger, today=TODAY)
    issue_notice(ledger, parse_period("2026Q3"), issue_date=date(2026, 10, 15))
    ctx = LedgerContext(ledger)
    ctx.today = TODAY
    yield ctx
    ctx.runner.wait()


def _pdf_printer(path: Path, dpi: int = 600) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    printer.setResolution(dpi)
    return printer


def _archive(context: LedgerContext, qtbot: Any) -> ArchiveDialog:
    dialog = ArchiveDialog(context)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.preview.page_count >= 2
    return dialog


def test_reprint_to_a_pdf_printer_writes_the_vector_original(context: LedgerContext, qtbot: Any,
                                                            tmp_path: Path) -> None:
    dialog = _archive(context, qtbot)
    original = issued_pdf(context.ledger, dialog.notices[0].id)
    out = tmp_path / "重新打印.pdf"
    with qtbot.waitSignal(dialog.preview.printed, timeout=30000) as blocker:
        assert dialog.preview.print_to(_pdf_printer(out))
    assert blocker.args == [dialog.preview.page_count]
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert "招商" in text and len(text.strip()) > 200
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True, check=True).stdout
    assert len(fonts.strip().splitlines()) > 2  # header, rule, at least one embedded font
    size = out.stat().st_size
    assert abs(size - len(original)) <= len(original) // 10, (size, len(original))
    assert out.read_bytes() == original  # the archived bytes, exactly
    assert "矢量" in dialog.preview.print_status


def test_printing_runs_on_the_worker_and_can_be_cancelled(context: LedgerContext, qtbot: Any,
                                                          tmp_path: Path) -> None:
    dialog = _archive(context, qtbot)
    ticks: list[int] = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(10)
    out = tmp_path / "rendered.pdf"
    progress: list[tuple[int, int]] = []
    # the rendering path a real printer takes (one page at printer resolution at a time)
    with qtbot.waitSignal(dialog.preview.printed, timeout=60000) as blocker:
        dialog.preview.print_to(_pdf_printer(out, dpi=150), keep_vector=False)
        assert context.runner.busy  # started, not finished inside the click
        signals = context.runner._signals
        assert signals is not None
        signals.progress.connect(lambda d, t: progress.append((d, t)))
    timer.stop()
    pages = dialog.preview.page_count
    assert blocker.args == [pages]
    assert progress and progress[-1] == (pages, pages)
    assert len(ticks) >= 3  # the event loop kept running while pages were rendered
    assert dialog.preview.print_status == f"已送往打印机：{pages} 页"
    # cancel: the job stops, nothing is reported as printed
    with qtbot.waitSignal(dialog.preview.printed, timeout=60000) as blocker:
        dialog.preview.print_to(_pdf_printer(tmp_path / "cancelled.pdf", dpi=300), keep_vector=False)
        context.runner.cancel()
    assert blocker.args == [0]
    assert dialog.preview.print_status == "已取消打印。"
