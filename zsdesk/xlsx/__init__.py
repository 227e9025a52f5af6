"""Spreadsheets in and out (SPEC §5): exports for superiors, import templates, checked imports.

Public API (no Qt). Long functions take ``progress(done, total)`` and ``cancel() -> bool``;
a cancel raises ``ExportCancelled`` (a ``LedgerError``) and leaves no file / writes nothing.

    export_ledger(ledger, path, selection=None, title=None, progress=None, cancel=None) -> ExportResult
        selection: None (all live projects), a list of project ids (kept in that order), a
        ProjectQuery (anything with .ids(session)), or a SQLAlchemy condition on Project.
    export_targets(ledger, path, period: Period | str | Board, progress=None, cancel=None) -> ExportResult
    export_board(ledger, path, period: Period | str | Board, progress=None, cancel=None) -> ExportResult
    export_funding(ledger, path, year=None, progress=None, cancel=None) -> ExportResult
    make_template(kind, ledger_or_None, path) -> Path      # kind: projects|funding|targets|units|persons
    import_file(ledger, kind, path, dry_run=True, progress=None, cancel=None) -> ImportReport
        A bad file raises a LedgerError (BadFile); row problems come back in report.problems and
        nothing is written. A real run is one operation (audit rows, undoable): report.change.
"""

from __future__ import annotations

import importlib
from typing import Any

# Loaded on first use, so importing the importer does not pull in the board engine. No submodule
# shares a name with a function here, so `from zsdesk.xlsx import export_board` is always the function.
_WHERE = {
    "export_board": "board_export", "export_targets": "board_export", "export_funding": "funding_export",
    "ExportResult": "ledger_export", "export_ledger": "ledger_export", "DuplicateHint": "importer",
    "ImportReport": "importer", "import_file": "importer", "ImportProblem": "reader", "MAX_ROWS": "safety",
    "BadFile": "safety", "make_template": "template", "ExportCancelled": "workbook",
}
__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(name)
    return getattr(importlib.import_module(f".{_WHERE[name]}", __name__), name)
