"""The quarterly notice (季度通报) as a GB/T 9704-2012 PDF: fonts, document model, page engine.

    from zsdesk.notice import NoticeDocument, Paragraph, render_notice
    pdf_bytes = render_notice(NoticeDocument(...))
"""

from zsdesk.notice.compose import compose_notice, render_notice
from zsdesk.notice.fonts import SUBSTITUTE, FontSet, Role, default_fontset
from zsdesk.notice.model import (
    Attachment,
    Block,
    Chart,
    Heading,
    NoticeDocument,
    PageBreak,
    Paragraph,
    Table,
    chinese_date,
)

__all__ = [
    "SUBSTITUTE",
    "Attachment",
    "Block",
    "Chart",
    "FontSet",
    "Heading",
    "NoticeDocument",
    "PageBreak",
    "Paragraph",
    "Role",
    "Table",
    "chinese_date",
    "compose_notice",
    "default_fontset",
    "render_notice",
]
