"""Screenshots of 项目认定 (SPEC §11) on the demo district at an office PC's 1366×768, saved as
docs/screenshots/verification_*.png: the 认定 queue with a 搭车挂靠 warning and the diff since the last
认定, and a project form after a stale save re-applied the clerk's edits on the other person's version.

    python scripts/screenshots_verification.py     # re-executes itself under xvfb-run without a display
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"


def main() -> int:
    if not os.environ.get("DISPLAY") and os.environ.get("QT_QPA_PLATFORM") != "offscreen":
        if shutil.which("xvfb-run") is None:
            print("需要 xvfb-run（apt-get install xvfb xauth）或设置 QT_QPA_PLATFORM=offscreen", file=sys.stderr)
            return 1
        return subprocess.call(["xvfb-run", "-a", "-s", "-screen 0 1366x768x24", sys.executable, __file__])
    sys.path.insert(0, str(ROOT))
    os.environ["ZSDESK_DATA_DIR"] = tempfile.mkdtemp(prefix="zsdesk-shots-")
    from PySide6.QtCore import QItemSelectionModel
    from PySide6.QtWidgets import QWidget

    from ui.common import errors
    from ui.ledger.project_form import ProjectForm
    from ui.shell.app import SMALL_SCREEN, Controller, fit_on_screen, make_application
    from zsdesk import ops
    from zsdesk.opening import open_unlocked

    errors.MODAL = False
    app = make_application()
    OUT.mkdir(parents=True, exist_ok=True)

    def settle() -> None:
        for _ in range(5):
            app.processEvents()

    def shot(widget: QWidget, name: str) -> None:
        settle()
        if widget.isWindow():
            fit_on_screen(widget, SMALL_SCREEN)
            settle()
        path = OUT / f"verification_{name}.png"
        widget.grab().save(str(path))
        print(path.relative_to(ROOT))

    controller = Controller()
    window = controller.open_ledger("", create=True, demo=True)
    assert window is not None
    ledger = window.context.ledger
    with ledger.reading() as s:
        from sqlalchemy import select

        from zsdesk.models import Project

        first, second, third = s.execute(select(Project.id, Project.name, Project.investor, Project.lead_unit_id)
                                         .where(Project.formal_date.is_not(None)).order_by(Project.id).limit(3)).all()
    other_unit = second.lead_unit_id if second.lead_unit_id != first.lead_unit_id else third.lead_unit_id
    claim = ops.create_project(ledger, {"name": f"{first.name}（二期）", "investor": first.investor,
                                        "agreement_amount": "2亿", "formal_date": "2026-05-01",
                                        "lead_unit_id": other_unit}).ids("project")[0]
    ops.return_project(ledger, claim, "待核实引资单位")
    ops.verify_project(ledger, second.id)
    ops.update_project(ledger, second.id, {"agreement_amount": "6亿", "investor": f"{second.investor}（集团）"})
    ops.return_project(ledger, second.id, "协议资金与合同不符，请附合同扫描件")
    window.context.announce(None)
    page = window.show_page("verification")
    page.table.selectionModel().select(  # type: ignore[attr-defined]
        page.model.index(1, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect  # type: ignore[attr-defined]
        | QItemSelectionModel.SelectionFlag.Rows)
    page.reason.setText("与另一单位重复申报，请说明引资单位")  # type: ignore[attr-defined]
    shot(window, "queue")

    form = ProjectForm(window.context, third.id, window)
    form.show()
    form.widgets["leader"].setText("区政府副区长")  # type: ignore[attr-defined]
    assert ledger.path is not None
    with open_unlocked(ledger.path, operator="李娜") as second_clerk:
        ops.update_project(second_clerk, third.id, {"agreement_amount": "4.5亿", "notes": "合同已寄出"})
    form.save()
    shot(form, "stale_form")
    form.done(0)
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
