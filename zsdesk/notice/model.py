"""The notice as data: what the section chief edits and the engine fills in, free of layout."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from reportlab.graphics.shapes import Drawing

Align = Literal["left", "center", "right"]


@dataclass(frozen=True)
class Heading:
    """Level 1 "一、" (黑体), level 2 "（一）" (楷体), levels 3-4 "1." "（1）" (仿宋).

    The text includes its ordinal, e.g. ``Heading(1, "一、总体情况")``.
    """

    level: int
    text: str


@dataclass(frozen=True)
class Paragraph:
    """Body text, 仿宋 3号, first line indented two characters; "\\n" starts a new paragraph."""

    text: str


@dataclass(frozen=True)
class Table:
    """A ruled table. Header rows repeat on every page the table spans.

    `col_widths` are relative weights (any unit), default equal; `align` per column,
    default numbers right-aligned and text left-aligned. A `landscape` table goes on A4
    landscape pages of its own.
    """

    header_rows: Sequence[Sequence[object]]
    rows: Sequence[Sequence[object]]
    col_widths: Sequence[float] | None = None
    landscape: bool = False
    title: str = ""
    align: Sequence[str] | None = None  # "left" | "center" | "right" per column
    font_size: float = 12.0
    note: str = ""  # printed under the table, e.g. "注：金额单位为万元。"


@dataclass(frozen=True)
class Chart:
    """A vector drawing (reportlab.graphics), scaled down to the type width if wider."""

    drawing: Drawing
    caption: str = ""


@dataclass(frozen=True)
class PageBreak:
    pass


Block = Heading | Paragraph | Table | Chart | PageBreak


@dataclass(frozen=True)
class Attachment:
    """Set on its own pages: "附件1" top left in 黑体, the title centred on line 3, then the blocks."""

    title: str
    blocks: Sequence[Block] = ()
    landscape: bool = False  # the whole attachment on landscape pages


@dataclass(frozen=True)
class NoticeDocument:
    """One notice. Attachments follow the signature and come before the 版记 (GB/T 9704 §8)."""

    authority: str  # 发文机关标志, e.g. "重庆市黔江区招商投资促进局文件"
    doc_number: str  # 发文字号, e.g. "黔江招商发〔2026〕12号"
    title: str  # "\n" forces a title line break; otherwise lines are balanced
    addressees: str  # 主送机关, the full-width colon is added when missing
    blocks: Sequence[Block]
    signatory: str  # 发文机关署名
    sign_date: date  # 成文日期
    cc: str = ""  # 抄送机关, without "抄送："
    printer: str = ""  # 印发机关
    print_date: date | None = None  # 印发日期
    attachments: Sequence[Attachment] = field(default_factory=tuple)
    # Where the title breaks, when its author knows the words: ("关于……全区", "招商引资工作情况的通报").
    # Joined they must equal `title`; empty → `title` is broken into lines of balanced length.
    title_lines: Sequence[str] = ()


def chinese_date(d: date) -> str:
    """GB/T 9704 style: Arabic numerals, no leading zeros — 2026年10月8日."""
    return f"{d.year}年{d.month}月{d.day}日"
