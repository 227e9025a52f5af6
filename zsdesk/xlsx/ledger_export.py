"""Export the project ledger (all projects or a filtered view) as an xlsx the importer reads back.

Amounts are exact 万元 (4 decimals = exact yuan) so an exported ledger re-imports unchanged;
the 项目编号 column lets the importer recognise the same projects and update them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from ..labels import ORIGIN_LABELS, STAGE_LABELS
from ..models import DictionaryEntry, Funding, Person, Project, ProjectCooperatingUnit, ProjectPerson, ProjectTag, Unit
from ..money import YUAN_PER_WAN
from .workbook import Cancel, Column, Progress, ReportSheet, iter_progress, new_workbook, save_workbook

if TYPE_CHECKING:
    from ..ledger import Ledger

LEDGER_COLUMNS = (
    Column("项目编号", width=11), Column("项目名称", width=30), Column("投资方", width=26),
    Column("投资方标签", width=16), Column("投资方来源", width=11), Column("来源地", width=14),
    Column("产业链", width=11), Column("是否工业项目", width=8), Column("阶段", width=9),
    Column("计划总投资（万元）", "money_wan", 14, total=True), Column("协议资金（万元）", "money_wan", 14, total=True),
    Column("达产年产值（万元）", "money_wan", 14, total=True), Column("累计到位资金（万元）", "money_wan", 14, total=True),
    Column("首次接洽日期", "date", 12), Column("框架协议签订日期", "date", 12), Column("正式合同签订日期", "date", 12),
    Column("开工日期", "date", 12), Column("投产日期", "date", 12), Column("达产日期", "date", 12),
    Column("退库日期", "date", 12), Column("牵头单位", width=16), Column("配合单位", width=16),
    Column("落地园区", width=14), Column("挂帅领导", width=10), Column("引荐人", width=14), Column("备注", width=24),
)
_PROJECT_COLS = (
    Project.id, Project.code, Project.name, Project.investor, Project.origin, Project.origin_province,
    Project.origin_city, Project.chain_id, Project.industrial, Project.stage, Project.planned_investment,
    Project.agreement_amount, Project.expected_output, Project.first_contact_date, Project.framework_date,
    Project.formal_date, Project.started_date, Project.production_date, Project.full_production_date,
    Project.withdrawn_date, Project.lead_unit_id, Project.landing_park_id, Project.leader, Project.notes,
)
PROVINCE_SUFFIXES = ("省", "自治区", "特别行政区", "市")
CHUNK = 900  # ids per IN (...) query, under SQLite's variable limit

# What can select the projects: ids in display order, a ProjectQuery-like object with ``ids(session)``,
# or a SQLAlchemy condition on Project.
LedgerFilter = Iterable[int] | ColumnElement[bool] | Any | None


@dataclass(frozen=True)
class ExportResult:
    path: Path
    rows: int


def origin_place(province: str, city: str) -> str:
    """``广东省`` + ``深圳市`` → ``广东省深圳市``; a bare province keeps a space so it splits back."""
    province, city = province or "", city or ""
    if not province or not city:
        return province + city
    joiner = "" if province.endswith(PROVINCE_SUFFIXES) else " "
    return f"{province}{joiner}{city}"


class Names:
    """Id → display name lookups, loaded once per export."""

    def __init__(self, session: Session) -> None:
        self.units = dict(session.execute(select(Unit.id, Unit.name)).all())
        self.dictionary = dict(session.execute(select(DictionaryEntry.id, DictionaryEntry.name)).all())
        persons = session.execute(select(Person.id, Person.name, Person.unit_id)).all()
        counts: dict[str, int] = defaultdict(int)
        for _, name, _ in persons:
            counts[name] += 1
        # A name two persons share is written “姓名（单位）” so it imports back to the same person.
        self.persons = {pid: (f"{name}（{self.units.get(uid, '')}）" if counts[name] > 1 and uid else name)
                        for pid, name, uid in persons}

    def join(self, ids: Sequence[int], table: dict[int, str]) -> str:
        return "、".join(table.get(i, "") for i in ids)


def _links(session: Session, link: Any, column: Any) -> dict[int, list[int]]:
    out: dict[int, list[int]] = defaultdict(list)
    for project_id, other in session.execute(select(link.project_id, column).order_by(link.project_id, column)):
        out[project_id].append(other)
    return out


def _project_rows(session: Session, selection: LedgerFilter) -> tuple[int, Iterator[Any]]:
    live = Project.deleted_at.is_(None)
    if selection is None or isinstance(selection, ColumnElement):
        where = live if selection is None else live & selection
        total = session.scalar(select(func.count()).select_from(Project).where(where)) or 0
        return total, iter(session.execute(select(*_PROJECT_COLS).where(where).order_by(Project.code)))
    ids = list(selection.ids(session)) if hasattr(selection, "ids") else list(selection)

    def chunks() -> Iterator[Any]:
        for start in range(0, len(ids), CHUNK):
            part = ids[start:start + CHUNK]
            found = {row.id: row for row in session.execute(select(*_PROJECT_COLS).where(Project.id.in_(part), live))}
            yield from (found[i] for i in part if i in found)
    return len(ids), chunks()


def ledger_rows(session: Session, selection: LedgerFilter = None) -> tuple[int, Iterator[list[Any]]]:
    """The ledger export's rows as plain values (dates as ``date``, amounts as 万元 floats)."""
    names = Names(session)
    coop = _links(session, ProjectCooperatingUnit, ProjectCooperatingUnit.unit_id)
    persons = _links(session, ProjectPerson, ProjectPerson.person_id)
    tags = _links(session, ProjectTag, ProjectTag.tag_id)
    arrived = dict(session.execute(select(Funding.project_id, func.sum(Funding.amount)).where(
        Funding.deleted_at.is_(None)).group_by(Funding.project_id)).all())
    total, rows = _project_rows(session, selection)
    units, dictionary = names.units, names.dictionary

    def build() -> Iterator[list[Any]]:
        join = names.join
        person_names = names.persons
        origins = ORIGIN_LABELS
        stages = STAGE_LABELS
        no_links: tuple[int, ...] = ()
        for (pid, code, name, investor, origin, province, city, chain_id, industrial, stage, planned, agreement,
             output, d1, d2, d3, d4, d5, d6, d7, lead, park, leader, notes) in rows:
            tag_ids, coop_ids, person_ids = tags.get(pid, no_links), coop.get(pid, no_links), persons.get(pid, no_links)
            yield [
                code, name, investor or None, join(tag_ids, dictionary) if tag_ids else None,
                origins.get(origin, origin),
                (origin_place(province, city) or None) if province or city else None,
                dictionary.get(chain_id) if chain_id else None, "是" if industrial else "否",
                stages.get(stage, stage),
                # A zero amount is left blank (not filled in); it imports back as 0.
                planned / YUAN_PER_WAN or None, agreement / YUAN_PER_WAN or None,
                output / YUAN_PER_WAN or None, arrived.get(pid, 0) / YUAN_PER_WAN or None,
                d1, d2, d3, d4, d5, d6, d7,
                units.get(lead) if lead else None,
                join(coop_ids, units) if coop_ids else None,
                units.get(park) if park else None,
                leader or None, join(person_ids, person_names) if person_ids else None, notes or None,
            ]

    return total, build()


def export_ledger(ledger: Ledger, path: str | Path, selection: LedgerFilter = None, title: str | None = None,
                  progress: Progress | None = None, cancel: Cancel | None = None) -> ExportResult:
    """Write the ledger (or the projects ``selection`` picks) to ``path``; returns the row count."""
    district = ledger.get_setting("district_name", "") or ""
    title = title or f"{district}招商引资项目台账（{date.today():%Y年%m月%d日}）"
    wb = new_workbook(title, "招商引资项目台账", ledger.operator)
    with ledger.reading() as session:
        total, rows = ledger_rows(session, selection)
        sheet = ReportSheet(wb, "项目台账", title, "单位：万元", LEDGER_COLUMNS, freeze_cols=2, bordered=False)
        for row in iter_progress(rows, total, progress, cancel):
            sheet.append(row)
        sheet.close()
    save_workbook(wb, path)
    return ExportResult(Path(path), sheet.rows_written)
