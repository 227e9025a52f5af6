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

from .export_board import export_board, export_targets
from .export_funding import export_funding
from .export_ledger import ExportResult, export_ledger
from .importer import DuplicateHint, ImportReport, import_file
from .reader import ImportProblem
from .safety import MAX_ROWS, BadFile
from .template import make_template
from .workbook import ExportCancelled

__all__ = [
    "MAX_ROWS", "BadFile", "DuplicateHint", "ExportCancelled", "ExportResult", "ImportProblem", "ImportReport",
    "export_board", "export_funding", "export_ledger", "export_targets", "import_file", "make_template",
]
