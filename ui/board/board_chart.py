"""Painted charts of the 英雄榜 (QtCharts is not in PySide6-Essentials): completion by unit, monthly trend,
and the delegate that draws completion rates as bars inside the board tables."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from zsdesk.board.trend import MonthFigures
from zsdesk.money import format_yi

from .. import strings as S
from ..common.roles import RateRole
from .board_models import BAR_SCALE, bar_color

FORMAL_COLOR = QColor("#c62828")
ARRIVED_COLOR = QColor("#1565c0")
GRID = QColor("#d0d0d0")


def begin_chart(widget: QWidget, title: str) -> QPainter:
    """A painter on a white chart with its bold title drawn; the caller draws the rest and ends it."""
    p = QPainter(widget)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.fillRect(widget.rect(), QColor("white"))
    title_font = QFont(widget.font())
    title_font.setBold(True)
    p.setFont(title_font)
    p.drawText(QRectF(0, 4, widget.width(), 22), int(Qt.AlignmentFlag.AlignCenter), title)
    p.setFont(widget.font())
    return p


class RateBarDelegate(QStyledItemDelegate):
    """A completion rate as a bar behind its number, with a dotted tick at 100%."""

    scale = BAR_SCALE  # the rate at which the bar is full

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        rate = index.data(RateRole)
        if rate is None:
            super().paint(painter, option, index)
            return
        painter.save()
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        text = opt.text
        opt.text = ""
        style = option.widget.style() if option.widget is not None else None
        if style is not None:  # selection and quiet-unit backgrounds still show
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, option.widget)
        r = QRectF(option.rect).adjusted(3, 4, -3, -4)
        color = QColor(bar_color(rate))
        color.setAlpha(110)
        painter.fillRect(QRectF(r.left(), r.top(), r.width() * min(max(rate, 0.0), self.scale) / self.scale, r.height()),
                         color)
        tick = r.left() + r.width() * 100 / self.scale
        painter.setPen(QPen(QColor("#424242"), 1, Qt.PenStyle.DotLine))
        painter.drawLine(int(tick), int(r.top()), int(tick), int(r.bottom()))
        painter.setPen(option.palette.text().color())
        painter.drawText(r.adjusted(0, 0, -3, 0), int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter), text)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        hint = super().sizeHint(option, index)
        return QSize(max(hint.width(), 120), hint.height())


class CompletionChart(QWidget):
    """Horizontal bars: one unit per row, its completion rate, with the 100% line."""

    ROW = 22

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[tuple[str, float | None]] = []
        self.title = S.CHART_COMPLETION
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_rows(self, rows: Sequence[tuple[str, float | None]], title: str) -> None:
        self.rows = sorted(rows, key=lambda r: -1.0 if r[1] is None else r[1], reverse=True)
        self.title = title
        self.setMinimumHeight(60 + self.ROW * len(self.rows))
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(560, 60 + self.ROW * max(len(self.rows), 8))

    def paintEvent(self, _event: object) -> None:
        p = begin_chart(self, self.title)
        if not self.rows:
            p.drawText(self.rect(), int(Qt.AlignmentFlag.AlignCenter), S.CHART_NO_DATA)
            p.end()
            return
        fm = QFontMetrics(self.font())
        label_w = max(fm.horizontalAdvance(name) for name, _ in self.rows) + 12
        value_w = fm.horizontalAdvance("1000.00%") + 10
        top, left = 34, label_w
        plot_w = max(self.width() - left - value_w - 10, 50)
        scale = max([BAR_SCALE] + [r for _, r in self.rows if r is not None])
        scale = min(scale, 400.0)  # one runaway unit must not flatten everyone else
        x100 = left + plot_w * 100 / scale
        for i, (name, rate) in enumerate(self.rows):
            y = top + i * self.ROW
            p.setPen(QColor("black"))
            p.drawText(QRectF(0, y, label_w - 6, self.ROW), int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                       name)
            if rate is not None:
                w = plot_w * min(max(rate, 0.0), scale) / scale
                p.fillRect(QRectF(left, y + 4, w, self.ROW - 8), bar_color(rate))
                text = f"{rate:.2f}%"
            else:
                text = S.NO_TARGET
            p.setPen(QColor("#424242"))
            p.drawText(QRectF(left + plot_w + 4, y, value_w, self.ROW),
                       int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), text)
        bottom = top + len(self.rows) * self.ROW
        p.setPen(QPen(QColor("#c62828"), 1, Qt.PenStyle.DashLine))
        p.drawLine(int(x100), top - 4, int(x100), bottom)
        p.drawText(QRectF(x100 - 30, top - 16, 60, 14), int(Qt.AlignmentFlag.AlignCenter), S.CHART_TARGET_LINE)
        p.end()


class TrendChart(QWidget):
    """Grouped monthly bars of formal-contract amount and funds arrived (亿元)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.months: list[MonthFigures] = []
        self.title = ""
        self.setMinimumHeight(260)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_months(self, months: Sequence[MonthFigures], title: str) -> None:
        self.months = list(months)
        self.title = title
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(560, 300)

    def paintEvent(self, _event: object) -> None:
        p = begin_chart(self, self.title)
        fm = QFontMetrics(self.font())
        peak = max([max(m.formal_amount, m.arrived_amount) for m in self.months] + [0])
        if not self.months or peak <= 0:
            p.drawText(self.rect(), int(Qt.AlignmentFlag.AlignCenter), S.CHART_NO_DATA)
            p.end()
            return
        step = _nice_step(peak / 1e8 / 4)
        top_value = step * (int(peak / 1e8 / step) + 1)
        left = fm.horizontalAdvance(f"{top_value:.1f}") + 14
        top, bottom = 52, self.height() - 28
        plot_w, plot_h = max(self.width() - left - 12, 50), max(bottom - top, 40)
        # legend
        x = left
        for color, label in ((FORMAL_COLOR, S.CHART_FORMAL), (ARRIVED_COLOR, S.CHART_ARRIVED)):
            p.fillRect(QRectF(x, 30, 12, 12), color)
            p.setPen(QColor("black"))
            p.drawText(QRectF(x + 16, 26, 120, 20), int(Qt.AlignmentFlag.AlignVCenter), label)
            x += 24 + fm.horizontalAdvance(label)
        # grid and value axis
        ticks = int(round(top_value / step))
        for i in range(ticks + 1):
            value = step * i
            y = bottom - plot_h * value / top_value
            p.setPen(QPen(GRID, 1))
            p.drawLine(int(left), int(y), int(left + plot_w), int(y))
            p.setPen(QColor("#424242"))
            p.drawText(QRectF(0, y - 8, left - 6, 16), int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                       f"{value:.1f}" if step < 1 else f"{value:.0f}")
        slot = plot_w / 12
        bar_w = slot * 0.34
        for m in self.months:
            x0 = left + (m.month - 1) * slot + slot * 0.14
            for j, (amount, color) in enumerate(((m.formal_amount, FORMAL_COLOR), (m.arrived_amount, ARRIVED_COLOR))):
                h = plot_h * max(amount, 0) / 1e8 / top_value
                p.fillRect(QRectF(x0 + j * bar_w, bottom - h, bar_w - 1, h), color)
        p.setPen(QColor("black"))
        for month in range(1, 13):
            p.drawText(QRectF(left + (month - 1) * slot, bottom + 4, slot, 18), int(Qt.AlignmentFlag.AlignCenter),
                       f"{month}月")
        p.drawLine(int(left), int(bottom), int(left + plot_w), int(bottom))
        p.end()

    def tooltip_text(self) -> str:
        return "\n".join(f"{m.month}月：{S.CHART_FORMAL} {format_yi(m.formal_amount)}，{S.CHART_ARRIVED} "
                         f"{format_yi(m.arrived_amount)}" for m in self.months)


def _nice_step(raw: float) -> float:
    if raw <= 0:
        return 1.0
    magnitude = 10 ** int(f"{raw:e}".split("e")[1])
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * magnitude:
            return float(factor * magnitude)
    return float(10 * magnitude)
