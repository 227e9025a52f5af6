"""Projects: the ledger's main record. Stage is derived from the dates on every write."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import date
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import Table, func, select, text
from sqlalchemy.orm import Session

from ..errors import FieldProblem, ValidationError
from ..models import Project
from ..stage import MILESTONES, date_order_problems, derive_stage, first_signed
from .bulk import insert_rows, read_behind, send_behind, settle_behind
from .crud import EntitySpec, create, get_live, set_deleted, update, validate
from .fields import (
    ORIGIN,
    DateField,
    DictionaryRef,
    DictionaryRefs,
    Flag,
    MoneyField,
    PersonRefs,
    Text,
    UnitRef,
    UnitRefs,
)
from .history import Change, ChangeRecord, Operation, operation
from .records import PROJECT_LINKS, set_project_links, snapshot_from_values

if TYPE_CHECKING:
    from ..ledger import Ledger

DATE_FIELDS = tuple(f for f, _ in MILESTONES) + ("withdrawn_date",)
# 约定开工日期 / 约定投产日期 (SPEC §9): deadlines, not milestones — they do not move the stage.
PROMISED_DATE_FIELDS = ("promised_start_date", "promised_production_date")


_NOT_NAME = re.compile(r"[\s\W_]+")


def normalized_name(text: str) -> str:
    """For duplicate checks: width-folded, lower-case, without spaces and punctuation."""
    # The same answer, faster for the usual name (an import folds every stored name of its investors, 27k at
    # 100k projects: 61 → 25 ms): most are NFKC already (a quick check), and a text of letters and digits
    # only has nothing for the pattern to remove — ``[\s\W_]`` is exactly what ``str.isalnum`` rejects
    # (``re``'s Unicode word characters are the alphanumerics and ``_``; no white space is alphanumeric).
    text = text or ""
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    text = text.lower()
    return text if text.isalnum() else _NOT_NAME.sub("", text)


def find_similar(session: Session, name: str, investor: str, exclude_id: int | None = None,
                 threshold: float = 0.85, limit: int = 5) -> list[Project]:
    """Live projects with the same investor and the same or a very similar name."""
    if not name.strip():
        return []
    key = normalized_name(name)
    candidates = session.scalars(select(Project).where(
        Project.investor == investor.strip(), Project.deleted_at.is_(None), Project.id != (exclude_id or -1)).limit(500))
    scored = []
    for project in candidates:
        other = normalized_name(project.name)
        ratio = 1.0 if other == key else difflib.SequenceMatcher(None, key, other).ratio()
        if ratio >= threshold:
            scored.append((ratio, project))
    scored.sort(key=lambda pair: -pair[0])
    return [p for _, p in scored[:limit]]


def project_rules(values: dict[str, Any]) -> list[FieldProblem]:
    """The cross-field rules that need no database (the xlsx importer checks names itself, in bulk)."""
    problems = date_order_problems(values)
    signed = values.get("framework_date") or values.get("formal_date")
    if signed and "lead_unit_id" in values and values["lead_unit_id"] is None:
        problems.append(FieldProblem("lead_unit_id", "牵头单位", "已签约的项目必须填写牵头单位"))
    promised_start, promised_production = values.get("promised_start_date"), values.get("promised_production_date")
    if promised_start and promised_production and promised_production < promised_start:
        problems.append(FieldProblem("promised_production_date", "约定投产日期",
                                     f"{promised_production:%Y-%m-%d} 早于约定开工日期 {promised_start:%Y-%m-%d}"))
    lead = values.get("lead_unit_id")
    if lead is not None and lead in (values.get("cooperating_unit_ids") or []):
        problems.append(FieldProblem("cooperating_unit_ids", "配合单位", "牵头单位不能同时是配合单位"))
    return problems


def _check(session: Session, values: dict[str, Any], existing_id: int | None) -> list[FieldProblem]:
    problems = project_rules(values)
    same = None if not values.get("name") else session.scalar(select(Project.code).where(
        func.lower(Project.name) == values["name"].lower(), Project.investor == values.get("investor", ""),
        Project.deleted_at.is_(None), Project.id != (existing_id or -1)))
    if same is not None:
        problems.append(FieldProblem("name", "项目名称", f"已有投资方相同的同名项目（{same}）"))
    return problems


PROJECT = EntitySpec("project", Project, {
    "name": Text(200, required=True), "investor": Text(200), "tag_ids": DictionaryRefs("investor_tag"),
    "origin": ORIGIN, "origin_province": Text(50), "origin_city": Text(50),
    "chain_id": DictionaryRef("chain"), "industrial": Flag(),
    "planned_investment": MoneyField(), "agreement_amount": MoneyField(), "expected_output": MoneyField(),
    **{f: DateField() for f in DATE_FIELDS},
    **{f: DateField() for f in PROMISED_DATE_FIELDS},
    "lead_unit_id": UnitRef(), "cooperating_unit_ids": UnitRefs(), "landing_park_id": UnitRef(kind="park"),
    "leader": Text(100), "person_ids": PersonRefs(), "notes": Text(20000, strip=False),
}, check=_check, defaults={
    "investor": "", "origin": "out_of_city", "industrial": True, "origin_province": "", "origin_city": "",
    "leader": "", "notes": "", "tag_ids": [], "cooperating_unit_ids": [], "person_ids": [],
}, title=lambda p: p.name)


def _current_links(session: Session, project_id: int) -> dict[str, list[int]]:
    return {field: sorted(session.scalars(select(getattr(link, col)).where(link.project_id == project_id)))
            for field, (link, col) in PROJECT_LINKS.items()}


def next_code(session: Session, year: int) -> str:
    """The year's next project code: ``2026-0001`` … ``2026-9999``, then ``2026-10000`` and on.

    Codes compare by their number, not as text (as text “2026-9999” > “2026-10000”): the longest
    code of the year is the newest, and among codes of one length text order is number order.
    """
    prefix = f"{year}-"
    if session.get_bind().dialect.name == "postgresql":  # over every unit's projects: a liaison sees only theirs
        last = session.scalar(text("SELECT zsdesk_last_project_code(:p)"), {"p": prefix})
    else:
        last = session.scalar(select(Project.code).where(Project.code.like(f"{prefix}%")).order_by(
            func.length(Project.code).desc(), Project.code.desc()).limit(1))
    number = 1
    if last:
        suffix = last[len(prefix):]
        if suffix.isdigit():
            number = int(suffix) + 1
        else:  # a code not written by this function: fall back to every numeric suffix of the year
            numbers = [int(c[len(prefix):]) for c in session.scalars(select(Project.code).where(
                Project.code.like(f"{prefix}%"))) if c[len(prefix):].isdigit()]
            number = max(numbers, default=0) + 1
    return f"{prefix}{number:04d}"


def _allocate_code(session: Session, year: int) -> str:
    """``next_code``, remembered for the rest of this operation's session (one transaction under the
    writer lock): an import of thousands of new projects asks the database once per year, not per row."""
    allocated: dict[int, int] = session.info.setdefault("allocated_codes", {})
    if year in allocated:
        allocated[year] += 1
        return f"{year}-{allocated[year]:04d}"
    code = next_code(session, year)
    allocated[year] = int(code.split("-", 1)[1])
    return code


def _code_year(project: Project, today: date) -> int:
    first = next((getattr(project, f) for f in DATE_FIELDS if getattr(project, f)), None)
    return (first or today).year


def _after_write(op: Operation, project: Any, links: dict[str, Any]) -> None:
    dates = {f: getattr(project, f) for f in DATE_FIELDS}
    project.stage = derive_stage(dates)
    project.signed_date = first_signed(dates)
    project.updated_at = op.now
    if links:
        op.session.flush()
        set_project_links(op.session, project.id, {k: v for k, v in links.items() if k in PROJECT_LINKS})


def _prepare(op: Operation, project: Any) -> None:
    project.created_at = op.now
    project.updated_at = op.now
    project.code = _allocate_code(op.session, _code_year(project, op.now.date()))
    dates = {f: getattr(project, f) for f in DATE_FIELDS}
    project.stage = derive_stage(dates)
    project.signed_date = first_signed(dates)


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _stored_same_names(session: Session, rows: list[dict[str, Any]]) -> dict[tuple[str, str], str]:
    """(lower(name), investor) → code of the live stored projects the batch's names could clash with."""
    # By investor (indexed), then lower() as the database's: SQLite's lower() folds ASCII only.
    lower = str.lower if session.get_bind().dialect.name == "postgresql" else _sqlite_lower
    investors = sorted({r.get("investor", "") for r in rows if r.get("name")})
    stored: dict[tuple[str, str], str] = {}
    for start in range(0, len(investors), 900):
        for code, name, investor in session.execute(
                select(Project.code, Project.name, Project.investor).where(
                    Project.investor.in_(investors[start:start + 900]), Project.deleted_at.is_(None))
                .order_by(Project.id)):
            stored.setdefault((lower(name), investor), code)
    return stored


def _sqlite_lower(value: str) -> str:
    """SQLite's ``lower()``: ASCII letters only. A text ``str.lower`` leaves as it is has no ASCII capital
    either (most names: no table lookup per character)."""
    if value.isascii():
        return value.lower()
    return value if value.lower() == value else value.translate(_ASCII_LOWER)


def _same_names_for(op: Operation, rows: list[dict[str, Any]]) -> dict[tuple[str, str], str]:
    """``_stored_same_names`` for this batch, kept between the batches of one import: an import writes
    5 batches of 1,000 rows that mostly share investors, and each used to load the same stored projects
    again. The memo holds while only batch inserts have written (it includes their own rows); any
    other write in the operation since the last batch (an updated row may rename a project) reloads."""
    memo = op.memo.get("project_same_names")
    if memo is None or memo[0] != len(op.change.records):
        fresh: tuple[int, dict[tuple[str, str], str], set[str]] = (len(op.change.records), {}, set())
        memo = fresh
    _, names, loaded = memo
    wanted = [r for r in rows if r.get("name") and r.get("investor", "") not in loaded]
    if wanted:
        names.update(_stored_same_names(op.session, wanted))  # keys carry the investor: no overlap
        loaded.update(r.get("investor", "") for r in wanted)
    op.memo["project_same_names"] = memo
    return names


def seed_same_names(op: Operation, spellings: Iterable[str], rows: Iterable[Any]) -> None:
    """Add to :func:`_same_names_for`'s memo what a caller already read in this operation: ``rows`` (id, code,
    name, investor) are every live project of the exact investor ``spellings`` (an import's check loads them for
    its own matching; the batches then need not read them again). A helper that checks rows as it reads them
    sends each chunk's new investors before the chunk (``check_worker``). Only spellings the memo has not loaded:
    no batch of this operation has written a project of theirs (a batch's investors are loaded before it is
    written), so their rows are still the stored projects."""
    memo = op.memo.get("project_same_names")
    if memo is None:
        if op.change.records:
            return  # written without a memo: ``_same_names_for`` reads what it needs
        memo = (0, {}, set())
    elif memo[0] != len(op.change.records):
        return  # stale: ``_same_names_for`` reads it again anyway
    count, names, loaded = memo
    seeded: dict[tuple[str, str], str] = names
    lower = str.lower if op.session.get_bind().dialect.name == "postgresql" else _sqlite_lower
    for _pid, code, name, investor in sorted(rows, key=lambda r: r[0]):
        if investor not in loaded:
            seeded.setdefault((lower(name), investor), code)
    op.memo["project_same_names"] = (count, seeded, loaded | set(spellings))


def _remember_batch(op: Operation) -> None:
    """After a batch: the memo (which the batch extended with its own names) is current again."""
    memo = op.memo.get("project_same_names")
    if memo is not None:
        op.memo["project_same_names"] = (len(op.change.records), memo[1], memo[2])


def _new_ids(op: Operation, count: int) -> list[int]:
    """Ids for ``count`` new projects. SQLite: after the largest (the writer lock keeps them ours; it is
    what the database itself would pick). PostgreSQL: drawn from the id sequence — for every new project the
    import expects (``expect_new_projects``), before the first batch: a draw between two batches would wait
    for the batch written behind. Ids drawn and not used are a gap, as a rolled-back insert leaves one."""
    session = op.session
    if session.get_bind().dialect.name == "postgresql":
        reserve = _reserve_ids(op, count)
        op.memo["project_ids"] = reserve[count:]
        return reserve[:count]
    first = int(session.scalar(select(func.max(Project.id))) or 0) + 1
    return list(range(first, first + count))


def _reserve_ids(op: Operation, count: int) -> list[int]:
    """PostgreSQL: the operation's drawn ids, at least ``count`` and the import's expected number."""
    reserve: list[int] = op.memo.setdefault("project_ids", [])
    wanted = max(count - len(reserve), op.memo.pop("project_ids_wanted", 0))
    if wanted > 0:
        reserve += [int(i) for i in op.session.scalars(text(
            "SELECT nextval(pg_get_serial_sequence('projects', 'id')) FROM generate_series(1, :n)"), {"n": wanted})]
    return reserve


def expect_new_projects(op: Operation, count: int) -> None:
    """An import is about to write up to ``count`` new projects in batches (``insert_projects_in``). On
    PostgreSQL their ids are drawn and the audit chain's head is read now, before any batch is in flight (the
    helper's import calls this while its helper checks the first rows: ~15 ms off the wait for the first batch)."""
    op.memo["project_ids_wanted"] = count
    if count and op.session.get_bind().dialect.name == "postgresql":
        _reserve_ids(op, 0)
        op.audit_head()


# Columns the database may set on insert whatever the row says: on PostgreSQL a 单位联络员's new project is
# sent to 待认定 by a trigger (migration 0006), which also clears the decision columns.
SERVER_SET = ("verification", "verification_reason", "verification_by", "verification_at", "verified_snapshot")


def _read_back_server_set(op: Operation) -> None:
    """Put what the database stored in :data:`SERVER_SET` into the operation's insert records of the batches
    (the audit rows are made from them), as the ORM's eager defaults do for a single insert; only PostgreSQL
    has the trigger. Each batch's are read right after it in the thread that writes it behind (``bulk.read_behind``:
    a read between two batches here would wait for the batch), and taken when the operation ends."""
    pending: list[tuple[int, int, dict[str, Any], dict[str, list[int]]]] = op.memo.pop("project_server_set", [])
    if not pending:
        return
    settle_behind(op.session)
    stored = {row[0]: row[1:] for row in op.memo.pop("project_server_rows")}
    for index, pid, record, links in pending:
        got = dict(zip(SERVER_SET, stored[pid], strict=True))
        if any(record.get(k) != v for k, v in got.items()):
            record.update(got)
            after = snapshot_from_values("project", {**record, "id": pid}, links)
            op.change.records[index] = ChangeRecord("project", pid, "insert", None, after)


_SERVER_SET_SQL = f"SELECT id, {', '.join(SERVER_SET)} FROM projects WHERE id = ANY(%s)"

BULK_CACHE_KIB = 65_536  # SQLite page cache while a batch goes into projects' 16 indexes (default: 2 MB)


@contextmanager
def _big_page_cache(session: Session) -> Iterator[None]:
    """SQLite: a 64 MB page cache for the batch's statements, then the connection's own size again. Each new
    row goes into 16 indexes (20 before migration 0014) at scattered places; with the default 2 MB the same index pages were evicted
    and read back over and over (5,000 rows into 100k: 1.2 s → 0.7 s). The pages are given back after."""
    if session.get_bind().dialect.name != "sqlite":
        yield
        return
    before = session.execute(text("PRAGMA cache_size")).scalar()
    if before is not None and (before < 0 and -before >= BULK_CACHE_KIB):
        yield
        return
    session.execute(text(f"PRAGMA cache_size=-{BULK_CACHE_KIB}"))
    try:
        yield
    finally:
        session.execute(text(f"PRAGMA cache_size={int(before or -2000)}"))


def insert_projects_in(op: Operation, rows: list[dict[str, Any]]) -> list[int]:
    """Insert checked new projects (``validate``'s values, in order) inside an open operation, as one
    executemany per table: the same rows, codes, links and audit records :func:`create_project`'s
    ``create_in`` would write one at a time (an import of 5,000 projects: 30 s → well under a second)."""
    if not rows:
        return []
    # The same-name rule of _check, answered as the row-by-row writes would: row k clashes with a stored
    # project or an earlier row whose lower(name) (SQL's lower: ASCII only) is row k's name lower-cased.
    same_names = _same_names_for(op, rows)
    lower = str.lower if op.session.get_bind().dialect.name == "postgresql" else _sqlite_lower
    columns = frozenset(Project.__table__.columns.keys())  # a set: a ColumnCollection lookup per cell was slow
    records = []
    links: list[dict[str, list[int]]] = []
    for values in rows:
        record = {k: v for k, v in values.items() if k in columns}
        dates = {f: record.get(f) for f in DATE_FIELDS}
        first = next((d for f in DATE_FIELDS if (d := dates[f])), None)
        record.update(created_at=op.now, updated_at=op.now, stage=derive_stage(dates), signed_date=first_signed(dates),
                      code=_allocate_code(op.session, (first or op.now.date()).year))
        if record.get("name"):
            same = same_names.get((record["name"].lower(), record.get("investor", "")))
            if same is not None:
                raise ValidationError([FieldProblem("name", "项目名称", f"已有投资方相同的同名项目（{same}）")])
            same_names.setdefault((lower(record["name"]), record.get("investor", "")), record["code"])
        records.append(record)
        links.append({f: sorted(set(values.get(f) or ())) for f in PROJECT_LINKS})
    # One executemany per table (zsdesk/ops/bulk.py), with the ids given: SQLite's RETURNING in row order
    # would run one statement per row.
    ids = _new_ids(op, len(records))
    server_set = op.session.get_bind().dialect.name == "postgresql"  # PostgreSQL: written and read back behind
    if server_set and not op.head_known:
        # read before anything is in flight (later it would wait for a batch): the operation's end hashes the
        # audit rows while the last batch is still on the server
        op.audit_head()
    keys = sorted(set().union(*records))
    direct = op.ledger.read_only_reason is None  # else the session's guard refuses it in Chinese
    # PostgreSQL: the batch is written behind — the server works on it while this process builds the next
    with _big_page_cache(op.session):
        insert_rows(op.session, cast(Table, Project.__table__),
                    [{**{k: r.get(k) for k in keys}, "id": pid} for pid, r in zip(ids, records, strict=True)], direct,
                    behind=True)
        for field, (link, column) in PROJECT_LINKS.items():
            pairs = [{"project_id": pid, column: other} for pid, found in zip(ids, links, strict=True)
                     for other in found[field]]
            insert_rows(op.session, cast(Table, link.__table__), pairs, direct, behind=True)
    if server_set:
        # one array parameter (5,000 ids as an IN list: ~72 ms to compile, send and read; this ~43, behind)
        read_behind(op.session, _SERVER_SET_SQL, (ids,), op.memo.setdefault("project_server_rows", []))
        if "project_server_set" not in op.memo:
            op.finishers.append(lambda: _read_back_server_set(op))
    send_behind(op.session)
    pending = op.memo.setdefault("project_server_set", []) if server_set else None
    for pid, record, found in zip(ids, records, links, strict=True):
        after = snapshot_from_values("project", {**record, "id": pid}, found)
        if pending is not None:
            pending.append((len(op.change.records), pid, record, found))
        op.change.records.append(ChangeRecord("project", pid, "insert", None, after))
    _remember_batch(op)
    return ids


def create_project(ledger: Ledger, fields: Mapping[str, Any]) -> Change:
    return create(ledger, PROJECT, fields, after_write=_after_write, prepare=_prepare)


def update_project(ledger: Ledger, project_id: int, changes: Mapping[str, Any],
                   expected_version: int | None = None) -> Change:
    with ledger.reading() as s:
        links = _current_links(s, project_id)
    # Links are not columns; give the check the stored ones unless the change replaces them.
    merged = {**{k: v for k, v in links.items() if k not in changes}, **changes}
    return update(ledger, PROJECT, project_id, merged, after_write=_after_write, expected_version=expected_version)


def update_projects(ledger: Ledger, ids: Iterable[int], changes: Mapping[str, Any], label: str | None = None) -> Change:
    """A batch action (set unit, set chain, withdraw …) over many projects, as one undoable operation."""
    ids = list(ids)
    with operation(ledger, label or f"批量修改 {len(ids)} 个项目") as op:
        problems_by_row = []
        for project_id in ids:
            project = cast(Project, get_live(op.session, PROJECT, project_id))  # PROJECT's model is Project
            before = op.snapshot("project", project)
            links = _current_links(op.session, project_id)
            merged = {**{k: v for k, v in links.items() if k not in changes}, **changes}
            try:
                values = validate(op.session, PROJECT, merged, project)
            except ValidationError as err:
                problems_by_row.append(f"{project.code} {project.name}：{err}")
                continue
            rest = {k: v for k, v in values.items() if k in PROJECT_LINKS}
            for k, v in values.items():
                if k not in PROJECT_LINKS:
                    setattr(project, k, v)
            _after_write(op, project, rest)
            op.record("project", project, "update", before)
        if problems_by_row:
            raise ValidationError([FieldProblem("batch", "批量修改", "\n".join(problems_by_row))])
    return op.change


def withdraw_projects(ledger: Ledger, ids: Iterable[int], on: date) -> Change:
    ids = list(ids)
    return update_projects(ledger, ids, {"withdrawn_date": on}, label=f"退库 {len(ids)} 个项目")


def delete_projects(ledger: Ledger, ids: Iterable[int]) -> Change:
    return set_deleted(ledger, PROJECT, ids, True)


def restore_projects(ledger: Ledger, ids: Iterable[int]) -> Change:
    return set_deleted(ledger, PROJECT, ids, False)
