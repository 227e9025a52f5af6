"""招商线索 (SPEC §10): leads and their follow-ups — every change one audited, undoable operation.

Public functions (``ledger`` first; ``fields`` hold what a clerk typed or typed values):

- ``create_lead(ledger, fields) -> Change`` — fields: ``received_date`` (required), ``source_id``
  (a 线索来源 name or id, required), ``company`` (required), ``contact_name``, ``phone``, ``chain_id``,
  ``intended_investment`` (stored in yuan; a number is 万元 as in every form, “800元” is yuan), ``unit_id``, ``person_id``, ``status``
  (``new``/``following``/``invalid`` or 新线索/跟进中/无效), ``status_reason`` (required for 无效), ``notes``.
- ``update_lead(ledger, lead_id, changes, expected_version=None) -> Change`` — ``ConflictError`` when
  the stored ``version`` is not ``expected_version``. 已转项目 is set only by ``convert_lead``.
- ``delete_leads(ledger, ids)`` / ``restore_leads(ledger, ids)`` — soft delete, like projects.
- ``add_followup(ledger, lead_id, when, text)`` — a dated one-line note; a 新线索 becomes 跟进中.
  ``update_followup``, ``delete_followups``, ``restore_followups``.
- ``convert_lead(ledger, lead_id, name=None, extra=None) -> Change`` — creates the project (stage 在谈,
  first contact = the lead's received date, investor = the company, chain, planned investment, lead
  unit) through the project operations, links both, status 已转项目; a converted lead is refused.
- ``lead_for_visit`` lives in ``zsdesk.ops.trips`` (a lead made from a visited company).

The new lead's id: ``change.ids("lead", "insert")[0]``; the new project's: ``change.ids("project", "insert")``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..dates import parse_date
from ..errors import FieldProblem, LedgerError, NotFound, ValidationError
from ..labels import LEAD_STATUS_LABELS
from ..models import Lead, LeadFollowup, Person, Project
from .crud import EntitySpec, create_in, get_live, set_deleted, update, update_in
from .fields import Choice, DateField, DictionaryRef, Invalid, MoneyField, Text, UnitRef
from .history import Change, Operation, operation
from .progress import clean_text
from .projects import PROJECT, _after_write, _prepare

if TYPE_CHECKING:
    from ..ledger import Ledger

MAX_FOLLOWUP = 500
# A phone number as clerks write it: digits with + - space ( ) and 转 for an extension.
_PHONE = re.compile(r"^\+?[0-9()\- ]{3,25}(转[0-9]{1,6})?$")


@dataclass(frozen=True)
class Phone:
    def coerce(self, session: Session, value: Any) -> str:
        text = unicodedata.normalize("NFKC", "" if value is None else str(value)).strip()
        if isinstance(value, float) and value.is_integer():  # a spreadsheet cell holding 13812345678
            text = str(int(value))
        if text and not _PHONE.match(text):
            raise Invalid(f"“{value}”不是电话号码")
        return text


@dataclass(frozen=True)
class PersonRef:
    """One person, by id or by a name no other live person has."""

    def coerce(self, session: Session, value: Any) -> int | None:
        if value is None or value == "":
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            person = session.get(Person, value)
            found = [person] if person is not None and person.deleted_at is None else []
        else:
            found = list(session.scalars(select(Person).where(Person.name == str(value).strip(),
                                                              Person.deleted_at.is_(None))))
        if not found:
            raise Invalid(f"没有这个人员：{value}")
        if len(found) > 1:
            raise Invalid(f"有 {len(found)} 位同名人员“{value}”，请在界面中选择")
        return found[0].id


def lead_rules(values: Mapping[str, Any]) -> list[FieldProblem]:
    """Cross-field rules that need no database (the xlsx importer uses them too)."""
    problems = []
    if values.get("status") == "invalid" and "status_reason" in values and not values.get("status_reason"):
        problems.append(FieldProblem("status_reason", "状态说明", "无效线索必须写明原因"))
    return problems


def _check(session: Session, values: dict[str, Any], existing_id: int | None) -> list[FieldProblem]:
    problems = lead_rules(values)
    stored = None if existing_id is None else session.get(Lead, existing_id)
    was_converted = stored is not None and stored.project_id is not None
    if values.get("status") == "converted" and not was_converted:
        problems.append(FieldProblem("status", "状态", "“已转项目”请用“转为项目”操作，不能直接选择"))
    elif was_converted and "status" in values and values["status"] != "converted":
        problems.append(FieldProblem("status", "状态", "这条线索已转为项目，状态不能再改"))
    return problems


LEAD = EntitySpec("lead", Lead, {
    "received_date": DateField(required=True), "source_id": DictionaryRef("lead_source"),
    "company": Text(200, required=True), "contact_name": Text(50), "phone": Phone(),
    "chain_id": DictionaryRef("chain"), "intended_investment": MoneyField(),
    "unit_id": UnitRef(), "person_id": PersonRef(), "status": Choice(LEAD_STATUS_LABELS),
    "status_reason": Text(200), "notes": Text(20000, strip=False),
}, check=_check, defaults={
    "contact_name": "", "phone": "", "status": "new", "status_reason": "", "notes": "",
}, title=lambda lead: lead.company)
FOLLOWUP = EntitySpec("lead_followup", LeadFollowup, {}, title=lambda f: f"{f.date} {f.text[:20]}")


def _require_source(raw: Mapping[str, Any], creating: bool) -> None:
    if (creating or "source_id" in raw) and raw.get("source_id") in (None, ""):
        raise ValidationError([FieldProblem("source_id", "线索来源", "必填")])


def _prepare_lead(op: Operation, lead: Any) -> None:
    lead.created_at = op.now
    lead.updated_at = op.now


def _touch(op: Operation, lead: Any, _links: dict[str, Any]) -> None:
    lead.updated_at = op.now


def create_lead_in(op: Operation, fields: Mapping[str, Any]) -> Lead:
    """Insert one lead inside an operation that is already open (an import, a visit's lead)."""
    _require_source(fields, True)
    return cast(Lead, create_in(op, LEAD, fields, after_write=_touch, prepare=_prepare_lead))


def create_lead(ledger: Ledger, fields: Mapping[str, Any]) -> Change:
    with operation(ledger, "新增招商线索") as op:
        lead = create_lead_in(op, fields)
        op.change.label = f"新增招商线索“{lead.company}”"
    return op.change


def update_lead(ledger: Ledger, lead_id: int, changes: Mapping[str, Any],
                expected_version: int | None = None) -> Change:
    _require_source(changes, False)
    return update(ledger, LEAD, lead_id, changes, after_write=_touch, expected_version=expected_version)


def delete_leads(ledger: Ledger, ids: Iterable[int]) -> Change:
    return set_deleted(ledger, LEAD, ids, True)


def restore_leads(ledger: Ledger, ids: Iterable[int]) -> Change:
    return set_deleted(ledger, LEAD, ids, False)


# --- conversion ------------------------------------------------------------------------------------

def convert_lead(ledger: Ledger, lead_id: int, name: str | None = None,
                 extra: Mapping[str, Any] | None = None) -> Change:
    """转为项目: the project starts at 在谈 on the lead's received date; both are linked; one undoable step."""
    with operation(ledger, "线索转为项目") as op:
        lead = cast(Lead, get_live(op.session, LEAD, lead_id))
        if lead.project_id is not None or lead.status == "converted":
            code = op.session.scalar(select(Project.code).where(Project.id == lead.project_id))
            raise LedgerError(f"线索“{lead.company}”已转为项目{f'（{code}）' if code else ''}，不能重复转换。")
        if lead.status == "invalid":
            raise LedgerError(f"线索“{lead.company}”已标为无效，不能转为项目；如需转换，请先把状态改为“跟进中”。")
        fields: dict[str, Any] = {
            "name": name or lead.company, "investor": lead.company, "first_contact_date": lead.received_date,
            "chain_id": lead.chain_id, "planned_investment": f"{lead.intended_investment}元",
            "lead_unit_id": lead.unit_id, "notes": f"由招商线索转入（{lead.received_date:%Y-%m-%d} 收到）",
        }
        fields.update(extra or {})
        project = cast(Project, create_in(op, PROJECT, fields, after_write=_after_write, prepare=_prepare))
        before = op.snapshot("lead", lead)
        lead.project_id, lead.status, lead.updated_at = project.id, "converted", op.now
        op.record("lead", lead, "update", before)
        op.change.label = f"线索“{lead.company}”转为项目 {project.code}"
    return op.change


# --- follow-ups ------------------------------------------------------------------------------------

def _checked_note(when: Any, text: Any) -> tuple[Any, str]:
    problems: list[FieldProblem] = []
    on = None
    try:
        on = parse_date(when)
        if on is None:
            problems.append(FieldProblem("date", "跟进日期", "必填"))
    except LedgerError as err:
        problems.append(FieldProblem("date", "跟进日期", str(err)))
    note = clean_text(text)
    if not note:
        problems.append(FieldProblem("text", "跟进内容", "必填"))
    elif len(note) > MAX_FOLLOWUP:
        problems.append(FieldProblem("text", "跟进内容", f"不能超过 {MAX_FOLLOWUP} 个字（现有 {len(note)} 个）"))
    if problems:
        raise ValidationError(problems)
    return on, note


def add_followup_in(op: Operation, lead_id: int, when: Any, text: Any) -> LeadFollowup:
    lead = cast(Lead, get_live(op.session, LEAD, lead_id))
    on, note = _checked_note(when, text)
    row = LeadFollowup(lead_id=lead.id, date=on, text=note, operator=op.ledger.operator, created_at=op.now)
    op.session.add(row)
    op.session.flush()
    op.record("lead_followup", row, "insert", None)
    if lead.status == "new":
        update_in(op, LEAD, lead, {"status": "following"}, after_write=_touch)
    return row


def add_followup(ledger: Ledger, lead_id: int, when: Any, text: Any) -> Change:
    """A dated follow-up note; a 新线索 becomes 跟进中 in the same operation."""
    with operation(ledger, "新增线索跟进") as op:
        add_followup_in(op, lead_id, when, text)
        lead = op.session.get(Lead, lead_id)
        op.change.label = f"新增线索跟进“{lead.company if lead else lead_id}”"
    return op.change


def update_followup(ledger: Ledger, followup_id: int, when: Any = None, text: Any = None) -> Change:
    """Change a note's date and/or text (``None`` keeps the stored value)."""
    with operation(ledger, "修改线索跟进") as op:
        row = op.session.get(LeadFollowup, followup_id)
        if row is None or row.deleted_at is not None:
            raise NotFound(f"找不到这条线索跟进记录（编号 {followup_id}），可能已被删除。")
        before = op.snapshot("lead_followup", row)
        row.date, row.text = _checked_note(row.date if when is None else when, row.text if text is None else text)
        op.record("lead_followup", row, "update", before)
    return op.change


def delete_followups(ledger: Ledger, ids: Iterable[int]) -> Change:
    return set_deleted(ledger, FOLLOWUP, ids, True)


def restore_followups(ledger: Ledger, ids: Iterable[int]) -> Change:
    return set_deleted(ledger, FOLLOWUP, ids, False)
