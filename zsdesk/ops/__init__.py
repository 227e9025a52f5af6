"""Every change to a ledger is an operation here: validated, one transaction, audited, undoable."""

from .dictionaries import create_entry, delete_entries, restore_entries, update_entry
from .funding import add_funding, delete_funding, restore_funding, update_funding
from .history import Change, ChangeRecord, redo, undo
from .progress import add_progress, delete_progress, restore_progress, update_progress
from .projects import (
    create_project,
    delete_projects,
    find_similar,
    restore_projects,
    update_project,
    update_projects,
    withdraw_projects,
)
from .settings import set_setting
from .targets import delete_targets, restore_targets, set_target, update_target
from .units import (
    create_person,
    create_unit,
    delete_persons,
    delete_units,
    restore_persons,
    restore_units,
    update_person,
    update_unit,
)
from .verification import return_project, verify_project, verify_projects

__all__ = [
    "Change", "ChangeRecord", "add_funding", "add_progress", "delete_progress", "restore_progress",
    "update_progress", "create_entry", "create_person", "create_project", "create_unit",
    "delete_entries", "delete_funding", "delete_persons", "delete_projects", "delete_targets", "delete_units",
    "find_similar", "redo", "restore_entries", "restore_funding", "restore_persons", "restore_projects",
    "restore_targets", "restore_units", "set_setting", "set_target", "undo", "update_entry", "update_funding",
    "update_person", "update_project", "update_projects", "update_target", "update_unit", "withdraw_projects",
    "return_project", "verify_project", "verify_projects",
]
