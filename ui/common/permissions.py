"""The window mirrors what the signed-in role may do (SPEC §11): a control the role may not use is
disabled, with the reason in its tooltip. The database and the engine refuse anyway; this only
spares a person from a button that can only fail."""

from __future__ import annotations

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget

from .context import LedgerContext


def reason(context: LedgerContext, capability: str) -> str | None:
    """Why the signed-in role may not use ``capability`` (a tooltip), or None when it may."""
    access = context.access
    if access.may(capability):
        return None
    return access.refusal(capability).replace("，本次修改未保存。", "。").replace("，本次未签发。", "。")


def limit(target: QAction | QWidget, context: LedgerContext, capability: str) -> bool:
    """Disable ``target`` with the reason as its tooltip when the role lacks ``capability``; True when allowed."""
    why = reason(context, capability)
    if why is None:
        return True
    target.setEnabled(False)
    target.setToolTip(why)
    if isinstance(target, QAction):
        target.setStatusTip(why)
    return False
