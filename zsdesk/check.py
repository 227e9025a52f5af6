"""Checking a ledger: is the file sound, are the figures sane, was anything edited behind the app's back.

``inspect_file`` (in ``zsdesk.sqlite_file``) is the cheap test opening runs before touching a file.
``check_ledger`` is ``zsdesk check``: SQLite integrity and foreign keys, schema revision, money
sanity, stored stage against the dates, and the audit log's hash chain. It never writes.

Exit code of ``zsdesk check``: 0 healthy; 2 problems found (the ledger is the "bad input": the
problems are listed in Chinese, one per line); 1 only for an internal error of the app itself.
"""

from __future__ import annotations

import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from .audit_chain import check_audit
from .backup import backups_of
from .db import ledger_url, make_engine, sqlite_path
from .errors import LedgerDamaged
from .funding_months import triggers_present
from .labels import STAGE_LABELS, field_label
from .models import Funding, Project, Target
from .money import format_wan
from .ops.totals import mismatched_funding_months, mismatched_last_followups, mismatched_totals
from .sqlite_file import SQLITE_HEADER as SQLITE_HEADER  # re-exported: moved below backup and opening
from .sqlite_file import connect_writable, read_only_engine
from .sqlite_file import inspect_file as inspect_file
from .sqlite_file import inspect_tables as inspect_tables
from .stage import derive_stage, first_signed
from .text_index import index_problems

MAX_AMOUNT = 10**13  # 10万亿元: no single project or target comes near it; beyond is a typing or file error
MAX_LISTED = 20  # problems of one kind listed one by one; the rest are counted


@dataclass(frozen=True)
class CheckProblem:
    kind: str  # integrity / foreign_key / revision / money / stage / audit
    message: str  # Chinese, one line


@dataclass
class CheckReport:
    target: str
    problems: list[CheckProblem] = field(default_factory=list)
    revision: str | None = None
    projects: int = 0
    audit_rows: int = 0
    notes: list[str] = field(default_factory=list)  # not problems: e.g. "older schema, upgraded on open"

    @property
    def healthy(self) -> bool:
        return not self.problems

    def add(self, kind: str, message: str) -> None:
        self.problems.append(CheckProblem(kind, message))

    def lines(self) -> list[str]:
        head = (f"台账 {self.target}：检查通过（{self.projects} 个项目，{self.audit_rows} 条操作记录）。"
                if self.healthy else f"台账 {self.target}：发现 {len(self.problems)} 个问题。")
        return [head, *self.notes, *(f"- {p.message}" for p in self.problems)]


def check_ledger(path_or_url: str | Path) -> CheckReport:
    """Check a ledger without changing it. Problems are listed in the report, never raised."""
    url = ledger_url(path_or_url)
    file = sqlite_path(url)
    report = CheckReport(str(file) if file else _safe_url(url))
    if file is not None:
        try:
            inspect_file(file)
        except LedgerDamaged as err:
            report.add("integrity", str(err))
            return report
    engine = make_engine(url) if file is None else read_only_engine(file)
    try:
        if file is None:
            _refuse_partial_view(engine)
        _run_checks(engine, report, sqlite=file is not None, ledger_file=file)
    except DBAPIError as err:
        report.add("integrity", f"台账文件无法读取，可能已损坏（{err.orig}）。")
    finally:
        engine.dispose()
    return report


def _refuse_partial_view(engine: Engine) -> None:
    """A shared ledger: a sign-in failure is said as such (never "damaged"), and a login that sees only
    part of the ledger (a 单位联络员) is refused — its check would report every hidden row as missing."""
    # local: only a shared (PostgreSQL) ledger needs the sign-in and role checks
    from .access import access_for
    from .db_errors import PermissionRefused, translate_connect_error, translate_permission_error

    try:
        access = access_for(engine)
    except DBAPIError as err:
        u = engine.url
        translated = (translate_connect_error(err, u.host or "", u.database or "", u.username or "")
                      or translate_permission_error(err))
        if translated is None:
            raise
        raise translated from err
    if not access.may("check"):
        raise PermissionRefused(access.refusal("check"))


def _safe_url(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


def _run_checks(engine: Engine, report: CheckReport, sqlite: bool, ledger_file: Path | None = None) -> None:
    # local: Alembic (~110 ms) loads only when the schema is compared
    from .migrate import head_revision, script_directory

    with Session(engine) as s:
        if sqlite:
            rows = [r[0] for r in s.execute(text("PRAGMA integrity_check"))]
            if rows != ["ok"]:
                for line in rows[:MAX_LISTED]:
                    report.add("integrity", f"文件结构损坏：{line}")
                return
            fk = list(s.execute(text("PRAGMA foreign_key_check")))
            for table, rowid, parent, _ in fk[:MAX_LISTED]:
                report.add("foreign_key", f"{table} 表第 {rowid} 行引用的 {parent} 记录不存在")
            _more(report, "foreign_key", len(fk), "条引用不存在的记录")
        tables = set(engine.dialect.get_table_names(s.connection()))
        if "alembic_version" not in tables:
            report.add("revision", "这个文件不是招商桌面台账（没有数据版本信息）。")
            return
        report.revision = s.scalar(text("SELECT version_num FROM alembic_version"))
        known = {r.revision for r in script_directory().walk_revisions()}
        if report.revision not in known:
            report.add("revision", f"台账的数据版本 {report.revision} 来自更新版本的招商桌面，无法检查。")
            return
        if sqlite and not _check_schema(s, report, report.revision):
            return  # the remaining checks would only fail on the missing parts
        if report.revision != head_revision():
            report.notes.append(f"台账的数据版本 {report.revision} 较旧，用本版本打开时会先备份再升级。")
            return  # the remaining checks read the current schema
        report.projects = s.scalar(select(func.count()).select_from(Project).where(Project.deleted_at.is_(None))) or 0
        _check_money(s, report)
        _check_totals(s, report)
        if sqlite:
            _check_text_index(s, report)
        _check_stages(s, report)
        # Tamper evidence: the audit chain, a replay of the log against every record, and the
        # anchors outside the file (issued notices, backups) — see zsdesk.audit_chain.

        check_audit(s, report, None if ledger_file is None else lambda extra: backups_of(ledger_file, extra))


def schema_of_revision(revision: str) -> dict[str, set[str]]:
    """Tables and their columns a ledger at ``revision`` has: built by running the migrations up to
    it on a scratch file, so every version is compared with what it really should contain (once per
    revision and process: the migrations never change while the program runs)."""
    with _SCHEMA_LOCK:
        if revision not in _SCHEMAS:
            _SCHEMAS[revision] = _build_schema(revision)
        return {table: set(columns) for table, columns in _SCHEMAS[revision].items()}


_SCHEMAS: dict[str, dict[str, set[str]]] = {}
_SCHEMA_LOCK = threading.Lock()


def _build_schema(revision: str) -> dict[str, set[str]]:
    # local: Alembic (~110 ms) loads only when the schema is compared
    from .migrate import migrate_file

    with tempfile.TemporaryDirectory(prefix="zsdesk-schema-") as folder:
        scratch = Path(folder) / "schema.sqlite"
        migrate_file(scratch, revision)

        conn = connect_writable(scratch)
        try:
            return _sqlite_schema(conn)
        finally:
            conn.close()


def _sqlite_schema(conn: Any) -> dict[str, set[str]]:
    tables = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
    return {t: {r[1] for r in conn.execute(f'PRAGMA table_info("{t}")')} for t in tables}


def _check_schema(s: Session, report: CheckReport, revision: str) -> bool:
    """The tables and columns must be those of the recorded version (a half-applied upgrade, a
    dropped table). Returns False when parts are missing."""
    expected = schema_of_revision(revision)
    raw = s.connection().connection.dbapi_connection
    actual = _sqlite_schema(raw)
    complete = True
    for table in sorted(set(expected) - set(actual)):
        report.add("revision", f"台账缺少数据表 {table}（数据版本 {revision} 应有），文件被其他工具改动过或已损坏")
        complete = False
    for table in sorted(set(expected) & set(actual)):
        for column in sorted(expected[table] - actual[table]):
            report.add("revision", f"数据表 {table} 缺少列 {column}（数据版本 {revision} 应有）")
            complete = False
        for column in sorted(actual[table] - expected[table]):
            report.add("revision", f"数据表 {table} 多出列 {column}：与记录的数据版本 {revision} 不符，"
                                   "可能是一次中断的升级留下的")
    for table in sorted(set(actual) - set(expected)):
        report.add("revision", f"台账多出数据表 {table}：与记录的数据版本 {revision} 不符")
    return complete


def _more(report: CheckReport, kind: str, total: int, what: str) -> None:
    if total > MAX_LISTED:
        report.add(kind, f"……另有 {total - MAX_LISTED} {what}")


def _check_money(s: Session, report: CheckReport) -> None:
    found = 0
    cols = (Project.planned_investment, Project.agreement_amount, Project.expected_output)
    for col in cols:
        rows = s.execute(select(Project.code, col).where((col < 0) | (col > MAX_AMOUNT))).all()
        for code, value in rows:
            found += 1
            if found <= MAX_LISTED:
                report.add("money", f"项目 {code} 的{_label(col.key)}不合理：{value:,} 元")
    sums = s.execute(select(Project.code, func.sum(Funding.amount)).join(Funding, Funding.project_id == Project.id)
                     .where(Funding.deleted_at.is_(None)).group_by(Project.id)
                     .having((func.sum(Funding.amount) < 0) | (func.sum(Funding.amount) > MAX_AMOUNT))).all()
    for code, total in sums:
        found += 1
        if found <= MAX_LISTED:
            report.add("money", f"项目 {code} 的到位资金合计不合理：{total:,} 元")
    tcols = (Target.agreement_amount, Target.formal_amount, Target.arrived_amount)
    for col in tcols:
        for year, value in s.execute(select(Target.year, col).where((col < 0) | (col > MAX_AMOUNT))):
            found += 1
            if found <= MAX_LISTED:
                report.add("money", f"{year} 年目标任务的{_label(col.key)}不合理：{value:,} 元")
    _more(report, "money", found, "处金额不合理")


def _check_totals(s: Session, report: CheckReport) -> None:
    """The maintained 累计到位 of every project (migration 0009) against the sum of its live entries."""
    count, rows = mismatched_totals(s, MAX_LISTED)
    for code, stored, live in rows:
        report.add("totals", f"项目 {code} 记录的累计到位 {format_wan(stored)} 万元与到位资金记录合计 "
                             f"{format_wan(live)} 万元不符（台账被其他工具改动过）")
    _more(report, "totals", count, "个项目的累计到位与到位资金记录不符")
    # The board's funds per project and month (migration 0013, kept by triggers) against the live entries.
    fm_count, fm_rows = mismatched_funding_months(s, MAX_LISTED)
    for code, year in fm_rows:
        report.add("totals", f"项目 {code} 记录的 {year} 年逐月到位资金与到位资金记录不符（台账被其他工具改动过）")
    _more(report, "totals", fm_count, "处逐月到位资金与到位资金记录不符")
    if not triggers_present(s.connection()):
        report.add("totals", "逐月到位资金的自动维护触发器缺失（台账被其他工具改动过），排行榜的到位资金可能不准")
    # 最近跟进 of every lead (migration 0010) against its latest live follow-up (or its received date).
    lead_count, leads = mismatched_last_followups(s, MAX_LISTED)
    for company, on, expected in leads:
        report.add("totals", f"线索“{company}”记录的最近跟进日期 {on or '（空）'} 与跟进记录不符（应为 {expected}，"
                             "台账被其他工具改动过）")
    _more(report, "totals", lead_count, "条线索的最近跟进日期与跟进记录不符")


def _check_text_index(s: Session, report: CheckReport) -> None:
    """The text filter's index (migration 0011): its triggers, and each project indexed as it now reads."""
    count, messages = index_problems(s, MAX_LISTED)
    for message in messages:
        report.add("text_index", message)
    _more(report, "text_index", count, "处文字搜索索引与台账不符")


def _label(key: str) -> str:
    return field_label(key)


DATE_FIELDS = ("first_contact_date", "framework_date", "formal_date", "started_date", "production_date",
               "full_production_date", "withdrawn_date")


def _check_stages(s: Session, report: CheckReport) -> None:
    cols = [getattr(Project, f) for f in DATE_FIELDS]
    found = 0
    rows = select(Project.code, Project.stage, Project.signed_date, *cols).execution_options(yield_per=5000)
    for row in s.execute(rows):
        dates = dict(zip(DATE_FIELDS, row[3:], strict=True))
        expected = derive_stage(dates)
        if row.stage != expected:
            found += 1
            if found <= MAX_LISTED:
                report.add("stage", f"项目 {row.code} 记录的阶段“{STAGE_LABELS.get(row.stage, row.stage)}”"
                                    f"与日期推出的“{STAGE_LABELS[expected]}”不符")
        if row.signed_date != first_signed(dates):
            found += 1
            if found <= MAX_LISTED:
                report.add("stage", f"项目 {row.code} 记录的首次签约日期与框架协议、正式合同日期不符")
    _more(report, "stage", found, "处项目阶段或签约日期与日期不符")
