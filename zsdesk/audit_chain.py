"""Tamper evidence: replay the audit log against the live records, and verify the chain's anchors.

``zsdesk check`` calls :func:`check_audit`. It finds, in Chinese, one line per problem:

- the append-only triggers are gone (someone prepared to rewrite the log);
- a break in the hash chain (a row edited or deleted in the middle);
- replaying the audit log, record by record, does not give the live record: a record with no audit
  row at all (an unaudited insert), a record that differs from what its last audit row says it
  became, a record the log says exists but which is gone, a row whose "before" is not what the
  previous row of the same record left (history rewritten) — for projects (with their cooperating
  units, persons and tags), funding, targets, units, persons, dictionaries, settings, counting rules
  and issued notices;
- the chain does not pass through an anchor kept outside the log's reach: the chain head each
  issued notice recorded when it was issued, and the chain head of every backup of this ledger in
  the backup folders. A keyless hash chain can be recomputed by whoever edits the file; the copies
  already made cannot, so a rewritten or truncated chain no longer matches them.

A restore legitimately discards the chain after the backup it restores; :func:`record_restore`
appends an audit row naming the discarded head, and anchors on the discarded branch are accepted
when the kept "恢复前" copy shows they were on it.

:func:`write_baseline` gives every record that has no audit row one (migration 0004 uses it for
records older versions wrote without audit, e.g. the demo's bulk rows).
"""

from __future__ import annotations

import getpass
import hashlib
import json
import sqlite3
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from itertools import groupby
from pathlib import Path
from typing import Any, Protocol, cast

from sqlalchemy import Connection, insert, inspect, select, text
from sqlalchemy.orm import Session

from .audit_guard import audit_hash, chain_head, chained_rows, trigger_names, triggers_present
from .db import make_engine
from .labels import ENTITY_LABELS, field_label
from .models import AuditEntry, IssuedNotice, RulesDocument, Setting
from .ops.records import ENTITY_LINKS, ENTITY_MODELS, Snapshot, same_content, snapshot_from_values
from .sqlite_file import connect_read_only

MAX_LISTED = 20
BASELINE_LABEL = "数据版本升级：为之前没有操作记录的已有数据补记"
BASELINE_OPERATOR = "招商桌面"
# What of an issued notice's audit row must equal the stored notice.
NOTICE_FIELDS = ("id", "period", "doc_number", "serial", "year", "issue_date", "sha256", "operator")


class Report(Protocol):
    audit_rows: int

    def add(self, kind: str, message: str) -> None: ...


@dataclass
class _Lister:
    """Adds at most MAX_LISTED problems of one kind to the report, then one line with the rest."""

    report: Report
    kind: str = "audit"
    what: str = "处操作记录问题"
    count: int = 0

    def add(self, message: str) -> None:
        self.count += 1
        if self.count <= MAX_LISTED:
            self.report.add(self.kind, message)

    def close(self) -> None:
        if self.count > MAX_LISTED:
            self.report.add(self.kind, f"……另有 {self.count - MAX_LISTED} {self.what}")


# --- live records as snapshots ---------------------------------------------------------------------

def _links(conn: Connection, entity: str) -> dict[int, dict[str, list[int]]]:
    out: dict[int, dict[str, list[int]]] = {}
    links, owner = ENTITY_LINKS[entity]
    for name, (link, column) in links.items():
        table = link.__table__
        for pid, other in conn.execute(select(table.c[owner], table.c[column])):
            out.setdefault(pid, {}).setdefault(name, []).append(other)
    return out


def live_snapshots(conn: Connection, entity: str, only_ids: Iterable[int] | None = None) -> Iterator[Snapshot]:
    """Every record of ``entity`` as :func:`zsdesk.ops.records.snapshot` would take it, in id order."""
    table = ENTITY_MODELS[entity].__table__
    present = _present_columns(conn, table)
    if present is None:  # a table a later migration adds (the baseline of an upgrade runs before it)
        return
    links = _links(conn, entity) if entity in ENTITY_LINKS else {}
    query = select(*present).order_by(table.c.id)
    if only_ids is not None:
        ids = list(only_ids)
        for i in range(0, len(ids), 500):
            for row in conn.execute(query.where(table.c.id.in_(ids[i:i + 500]))).mappings():
                yield snapshot_from_values(entity, cast(Mapping[str, Any], row), links.get(row["id"]))
        return
    for row in conn.execute(query.execution_options(yield_per=5000)).mappings():
        yield snapshot_from_values(entity, cast(Mapping[str, Any], row), links.get(row["id"]))


def _present_columns(conn: Connection, table: Any) -> list[Any] | None:
    """The model's columns the database has now, or None without the table. Migration 0004 writes the
    baseline with today's models, whose later columns and tables (0005 on) do not exist yet; absent
    columns take their default in the snapshot, as they will when their migration adds them."""
    inspector = inspect(conn)
    if not inspector.has_table(table.name):
        return None
    names = {c["name"] for c in inspector.get_columns(table.name)}
    return [c for c in table.columns if c.name in names]


def _notice_after(row: Any, title: str = "") -> dict[str, Any]:
    return {"id": row.id, "period": row.period, "doc_number": row.doc_number, "serial": row.serial,
            "year": row.year, "issue_date": row.issue_date.isoformat(), "title": title, "sha256": row.sha256,
            "size": int(row.size or 0), "operator": row.operator}


def _notice_rows(conn: Connection, ids: Iterable[int] | None = None) -> list[Any]:
    t = IssuedNotice.__table__
    query = select(t.c.id, t.c.period, t.c.doc_number, t.c.serial, t.c.year, t.c.issue_date, t.c.sha256,
                   t.c.operator, t.c.figures, t.c.chain_head_id, t.c.chain_head_hash,
                   text("length(pdf) AS size")).order_by(t.c.id)
    if ids is not None:
        query = query.where(t.c.id.in_(list(ids)))
    return list(conn.execute(query))


def _title(figures: str | None) -> str:
    try:
        return str(json.loads(figures or "{}").get("title", ""))
    except (ValueError, AttributeError):
        return ""


# --- baseline --------------------------------------------------------------------------------------

def write_baseline(conn: Connection, operator: str = BASELINE_OPERATOR, label: str = BASELINE_LABEL) -> int:
    """Append an "insert" audit row for every record that has none; returns how many were written."""
    records: list[tuple[str, int, str, Any, Any]] = []
    for entity, model in ENTITY_MODELS.items():
        table = model.__table__
        if _present_columns(conn, table) is None:
            continue  # added by a later migration: nothing to audit yet
        audited = select(AuditEntry.entity_id).where(AuditEntry.entity == entity)
        ids = list(conn.scalars(select(table.c.id).where(table.c.id.not_in(audited)).order_by(table.c.id)))
        if ids:
            records += [(entity, s["id"], "insert", None, s) for s in live_snapshots(conn, entity, ids)]
    audited_keys = {(_loads(a) or {}).get("key") for a in conn.scalars(
        select(AuditEntry.after).where(AuditEntry.entity == "setting", AuditEntry.after.is_not(None)))}
    for key, value in conn.execute(select(Setting.key, Setting.value).order_by(Setting.key)):
        if key not in audited_keys:
            records.append(("setting", 0, "insert", None, {"key": key, "value": _loads(value)}))
    rules_audited = select(AuditEntry.entity_id).where(AuditEntry.entity == "rules")
    for row in conn.execute(select(RulesDocument.__table__).where(RulesDocument.id.not_in(rules_audited))
                            .order_by(RulesDocument.id)):
        records.append(("rules", row.id, "insert", None, {"year": row.year, "version": row.version,
                                                          "document": _loads(row.document), "note": row.note}))
    records += _unaudited_notices(conn)
    if records:
        _append(conn, label, operator, records)
    return len(records)


def audit_inserted(conn: Connection, entity: str, ids: Iterable[int], label: str,
                   operator: str = BASELINE_OPERATOR) -> None:
    """Append an "insert" audit row for each of these records a migration has just written."""
    records: list[tuple[str, int, str, Any, Any]] = [
        (entity, s["id"], "insert", None, s) for s in live_snapshots(conn, entity, sorted(ids))]
    if records:
        _append(conn, label, operator, records)


def _unaudited_notices(conn: Connection) -> list[tuple[str, int, str, Any, Any]]:
    audited = set(conn.scalars(select(AuditEntry.entity_id).where(AuditEntry.entity == "notice")))
    return [("notice", r.id, "insert", None, _notice_after(r, _title(r.figures)))
            for r in _notice_rows(conn) if r.id not in audited]


def _append(conn: Connection, label: str, operator: str, records: list[tuple[str, int, str, Any, Any]]) -> None:
    last = conn.scalar(select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)) or ""
    now = datetime.now().replace(microsecond=0)
    rows = chained_rows(last, uuid.uuid4().hex, label, now, operator, records)
    for i in range(0, len(rows), 20_000):
        conn.execute(insert(AuditEntry), rows[i:i + 20_000])


def _loads(value: str | None) -> Any:
    try:
        return None if value is None else json.loads(value)
    except ValueError:
        return value


# --- checking --------------------------------------------------------------------------------------

def check_audit(session: Session, report: Report, find_backups: BackupFinder | None = None) -> None:
    """Every tamper-evidence check; problems go to ``report`` (kind "audit" or "anchor").

    ``find_backups`` lists the ledger's backup files (their chain heads are anchors); None for a
    PostgreSQL ledger, which its server backs up."""
    conn = session.connection()
    _check_triggers(session, report)
    heads = _check_chain(conn, report)
    problems = _Lister(report, "audit", "条记录与操作记录不符")
    for entity in ENTITY_MODELS:
        _replay_entity(conn, entity, problems)
    _replay_settings(conn, problems)
    _replay_rules(conn, problems)
    _replay_notices(conn, problems)
    problems.close()
    anchors = _Lister(report, "anchor", "处锚点与操作记录不符")
    files = _lineage_backups(conn, find_backups, heads)
    branches = _discarded_branches(conn, files)
    _check_notice_anchors(conn, heads, anchors, branches)
    _check_backup_anchors(heads, files, branches, anchors)
    anchors.close()


def _check_triggers(session: Session, report: Report) -> None:
    missing = set(trigger_names(session.get_bind().dialect.name)) - triggers_present(session)
    if missing:
        report.add("audit", "操作记录的防改动保护（数据库触发器 " + "、".join(sorted(missing)) +
                   "）被删除了：有人在程序之外准备改动或删除操作记录")


@dataclass
class _Heads:
    """The live chain (already verified link by link): its length and its first op_id."""

    conn: Connection
    last_id: int = 0
    first_op: str | None = None

    def has(self, row_id: int, digest: str) -> bool:
        return self.conn.scalar(select(AuditEntry.hash).where(AuditEntry.id == row_id)) == digest


def _check_chain(conn: Connection, report: Report) -> _Heads:
    heads = _Heads(conn)
    lister = _Lister(report, "audit", "处操作记录被改动")
    last_hash, last_id = "", None
    query = select(AuditEntry.__table__).order_by(AuditEntry.id)
    for entry in conn.execute(query.execution_options(yield_per=5000)):
        report.audit_rows += 1
        if heads.first_op is None:
            heads.first_op = entry.op_id
        if entry.prev_hash != last_hash:
            lister.add(f"操作记录第 {entry.id} 条与前一条（第 {last_id} 条）接不上：中间的记录被删除或改动过"
                       if last_id is not None else f"操作记录第 {entry.id} 条之前的记录被删除过")
        elif entry.hash != audit_hash(entry):
            lister.add(f"操作记录第 {entry.id} 条（{entry.at:%Y-%m-%d %H:%M} {entry.operator}）的内容在程序之外被改动过")
        last_hash, last_id = entry.hash, entry.id
        heads.last_id = entry.id
    lister.close()
    return heads


def _describe(entity: str, snap: Snapshot | None, entity_id: int) -> str:
    what = ENTITY_LABELS.get(entity, entity)
    s = snap or {}
    if entity == "funding":
        amount = s.get("amount")
        money = f"，金额 {amount:,} 元" if isinstance(amount, int) else ""
        return f"{what}记录（编号 {entity_id}，项目编号 {s.get('project_id')}，{s.get('date')}{money}）"
    if entity == "target":
        return f"{what}记录（编号 {entity_id}，{s.get('year')} 年，单位编号 {s.get('unit_id') or '全区'}）"
    name = s.get("code") or s.get("name") or ""
    if entity == "project" and s.get("name") and s.get("code"):
        name = f"{s['code']} {s['name']}"
    return f"{what}记录（编号 {entity_id}{'，' + str(name) if name else ''}）"


def _differences(entity: str, a: Snapshot, b: Snapshot) -> str:
    keys = sorted(k for k in set(a) | set(b)
                  if k not in ("version", "updated_at", "created_at") and a.get(k) != b.get(k))
    # Field labels are the project form's; other records' "name" is just 名称.
    return "、".join("名称" if k == "name" and entity != "project" else field_label(k) for k in keys[:5])


def _equal_json(a: str | None, b: str | None) -> bool:
    if a == b:
        return True
    if a is None or b is None:
        return False
    return same_content(json.loads(a), json.loads(b))


def _replay_entity(conn: Connection, entity: str, problems: _Lister) -> None:
    """Merge, in id order, the records' audit histories with the live records."""
    t = AuditEntry.__table__
    query = (select(t.c.id, t.c.entity_id, t.c.before, t.c.after).where(t.c.entity == entity)
             .order_by(t.c.entity_id, t.c.id))
    audit_rows = conn.execute(query.execution_options(yield_per=5000))

    def histories() -> Iterator[tuple[int, str | None]]:
        for entity_id, rows in groupby(audit_rows, key=lambda r: r.entity_id):
            previous: str | None = None
            first = True
            for row in rows:
                if not first and not _equal_json(row.before, previous):
                    problems.add(f"操作记录第 {row.id} 条记下的修改前内容与同一条{ENTITY_LABELS.get(entity, entity)}"
                                 f"记录（编号 {entity_id}）的上一条操作记录不符：中间有修改没有留下操作记录")
                previous, first = row.after, False
            yield entity_id, previous

    # Audit rows and live rows come from two cursors on one connection; fetch the live side whole per
    # block of ids so neither cursor waits on the other.
    history = histories()
    live = live_snapshots(conn, entity)
    h = next(history, None)
    rec = next(live, None)
    while h is not None or rec is not None:
        if rec is None or (h is not None and h[0] < rec["id"]):
            assert h is not None
            if h[1] is not None:
                recorded = json.loads(h[1])
                problems.add(f"{_describe(entity, recorded, h[0])}按操作记录应当存在，但台账中没有：在程序之外被删除了")
            h = next(history, None)
        elif h is None or rec["id"] < h[0]:
            problems.add(f"{_describe(entity, rec, rec['id'])}没有任何操作记录：是在程序之外直接写进台账的")
            rec = next(live, None)
        else:
            if h[1] is None:
                problems.add(f"{_describe(entity, rec, rec['id'])}按操作记录已被撤销删除，但仍在台账中：在程序之外被写回")
            else:
                recorded = json.loads(h[1])  # parsing and comparing dicts is twice as fast as dumping
                if rec != recorded and not same_content(rec, recorded):
                    problems.add(f"{_describe(entity, recorded, rec['id'])}在程序之外被修改过（"
                                 f"{_differences(entity, rec, recorded)}），与最后一条操作记录不一致")
            h = next(history, None)
            rec = next(live, None)


def _latest_by_key(conn: Connection, entity: str, key: Callable[[dict[str, Any]], Any]) -> dict[Any, Any]:
    state: dict[Any, Any] = {}
    t = AuditEntry.__table__
    for before, after in conn.execute(select(t.c.before, t.c.after).where(t.c.entity == entity).order_by(t.c.id)):
        if after is not None:
            value = json.loads(after)
            state[key(value)] = value
        elif before is not None:
            state.pop(key(json.loads(before)), None)
    return state


def _replay_settings(conn: Connection, problems: _Lister) -> None:
    state = _latest_by_key(conn, "setting", lambda v: v.get("key"))
    for key, value in conn.execute(select(Setting.key, Setting.value).order_by(Setting.key)):
        recorded = state.pop(key, None)
        if recorded is None:
            problems.add(f"设置“{key}”没有任何操作记录：是在程序之外直接写进台账的")
        elif recorded.get("value") != _loads(value):
            problems.add(f"设置“{key}”在程序之外被修改过，与最后一条操作记录不一致")
    for key in sorted(state, key=str):
        problems.add(f"设置“{key}”按操作记录应当存在，但台账中没有：在程序之外被删除了")


def _replay_rules(conn: Connection, problems: _Lister) -> None:
    t = AuditEntry.__table__
    recorded = {entity_id: json.loads(after) for entity_id, after in conn.execute(
        select(t.c.entity_id, t.c.after).where(t.c.entity == "rules", t.c.after.is_not(None)).order_by(t.c.id))}
    for row in conn.execute(select(RulesDocument.__table__).order_by(RulesDocument.id)):
        what = f"{row.year} 年计数规则第 {row.version} 版"
        audit = recorded.pop(row.id, None)
        if audit is None:
            problems.add(f"{what}没有任何操作记录：是在程序之外直接写进台账的，排名和得分会因此改变")
        elif (audit.get("year"), audit.get("version"), audit.get("document"), audit.get("note", row.note)) != \
                (row.year, row.version, _loads(row.document), row.note):
            problems.add(f"{what}在程序之外被修改过，与保存时的操作记录不一致")
    for entity_id, audit in recorded.items():
        problems.add(f"{audit.get('year')} 年计数规则第 {audit.get('version')} 版（编号 {entity_id}）"
                     "按操作记录应当存在，但台账中没有：在程序之外被删除了")


def _replay_notices(conn: Connection, problems: _Lister) -> None:
    t = AuditEntry.__table__
    recorded = {entity_id: json.loads(after) for entity_id, after in conn.execute(
        select(t.c.entity_id, t.c.after).where(t.c.entity == "notice", t.c.after.is_not(None)).order_by(t.c.id))}
    for row in _notice_rows(conn):
        audit = recorded.pop(row.id, None)
        what = f"已签发通报“{row.doc_number}”"
        if audit is None:
            problems.add(f"{what}没有任何操作记录：是在程序之外直接写进台账的")
            continue
        live = _notice_after(row)
        changed = [k for k in NOTICE_FIELDS if audit.get(k) != live.get(k)]
        if changed:
            problems.add(f"{what}在程序之外被修改过（{'、'.join(changed)}），与签发时的操作记录不一致")
    n = IssuedNotice.__table__
    for _notice_id, pdf, digest, doc_number in conn.execute(
            select(n.c.id, n.c.pdf, n.c.sha256, n.c.doc_number).order_by(n.c.id).execution_options(yield_per=1)):
        if hashlib.sha256(bytes(pdf)).hexdigest() != digest:
            problems.add(f"已签发通报“{doc_number}”的存档 PDF 与签发时的 SHA-256 不符：存档文件在程序之外被改动过")
    for entity_id, audit in recorded.items():
        problems.add(f"已签发通报“{audit.get('doc_number')}”（编号 {entity_id}）按操作记录应当存在，"
                     "但台账中没有：在程序之外被删除了")


# --- anchors ---------------------------------------------------------------------------------------

def _check_notice_anchors(conn: Connection, heads: _Heads, anchors: _Lister, branches: list[ChainFile]) -> None:
    for row in _notice_rows(conn):
        if not row.chain_head_id or not row.chain_head_hash:
            continue
        if heads.has(row.chain_head_id, row.chain_head_hash) or _on_branch(branches, row.chain_head_id,
                                                                           row.chain_head_hash):
            continue  # on the live chain, or carried over by a restore from the branch it discarded
        if row.chain_head_id > heads.last_id:
            anchors.add(f"已签发通报“{row.doc_number}”签发时操作记录已有 {row.chain_head_id} 条，现在只剩 "
                        f"{heads.last_id} 条：操作记录的末尾连同记录一起被删除过")
        else:
            anchors.add(f"已签发通报“{row.doc_number}”签发时记下的操作记录（第 {row.chain_head_id} 条）"
                        "与现在的操作记录不符：签发之后操作记录被整段改写过")


def _on_branch(branches: list[ChainFile], row_id: int, digest: str) -> bool:
    return any(b.head_id >= row_id and b.hash_at(row_id) == digest for b in branches)


@dataclass(frozen=True)
class ChainFile:
    """What a backup file says about the chain: its lineage (first op_id), head, and its restores."""

    path: Path
    first_op: str | None
    head_id: int
    head_hash: str
    discarded: tuple[tuple[int, str], ...]  # heads discarded by restores recorded in this file

    def hash_at(self, row_id: int) -> str | None:
        try:
            conn = connect_read_only(self.path)
        except sqlite3.Error:
            return None
        try:
            row = conn.execute("SELECT hash FROM audit_log WHERE id = ?", (row_id,)).fetchone()
            return None if row is None else str(row[0])
        except sqlite3.Error:
            return None
        finally:
            conn.close()


def read_chain_file(path: Path) -> ChainFile | None:
    """The chain facts of a ledger file (a backup), or None when it cannot be read as a ledger."""
    try:
        conn = connect_read_only(path)
    except sqlite3.Error:
        return None
    try:
        first = conn.execute("SELECT op_id FROM audit_log ORDER BY id LIMIT 1").fetchone()
        head = conn.execute("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
        restores = conn.execute("SELECT after FROM audit_log WHERE entity = 'ledger' AND action = 'restore'").fetchall()
    except sqlite3.Error:
        return None
    finally:
        conn.close()
    return ChainFile(path, first[0] if first else None, int(head[0]) if head else 0, str(head[1]) if head else "",
                     _discarded(r[0] for r in restores))


def _discarded(afters: Iterable[str | None]) -> tuple[tuple[int, str], ...]:
    out = []
    for after in afters:
        head = (_loads(after) or {}).get("discarded_head") if after else None
        if isinstance(head, list) and len(head) == 2:
            out.append((int(head[0]), str(head[1])))
    return tuple(out)


def configured_backup_folder(conn: Connection) -> Path | None:
    value = _loads(conn.scalar(select(Setting.value).where(Setting.key == "backup.folder")))
    return Path(str(value)).expanduser() if value else None


BackupFinder = Callable[[Path | None], list[Path]]  # configured folder -> this ledger's backup files


def _lineage_backups(conn: Connection, find_backups: BackupFinder | None, heads: _Heads) -> list[ChainFile]:
    """This ledger's readable backups of the same lineage (a new ledger made at the same path has others)."""
    if find_backups is None or heads.first_op is None:
        return []
    files = [f for f in (read_chain_file(p) for p in find_backups(configured_backup_folder(conn))) if f is not None]
    return [f for f in files if f.first_op == heads.first_op and f.head_id]


def _discarded_branches(conn: Connection, files: list[ChainFile]) -> list[ChainFile]:
    """Backups whose head a recorded restore discarded (the "恢复前" copies), following earlier restores."""
    t = AuditEntry.__table__
    discarded = set(_discarded(conn.scalars(select(t.c.after).where(t.c.entity == "ledger",
                                                                    t.c.action == "restore"))))
    by_head = {(f.head_id, f.head_hash): f for f in files}
    todo = list(discarded)
    while todo:
        f = by_head.get(todo.pop())
        for d in f.discarded if f else ():
            if d not in discarded:
                discarded.add(d)
                todo.append(d)
    return [by_head[d] for d in discarded if d in by_head]


def _check_backup_anchors(heads: _Heads, files: list[ChainFile], branches: list[ChainFile],
                          anchors: _Lister) -> None:
    for f in files:
        if heads.has(f.head_id, f.head_hash) or _on_branch(branches, f.head_id, f.head_hash):
            continue
        if f.head_id > heads.last_id:
            anchors.add(f"备份 {f.path.name} 里已有 {f.head_id} 条操作记录，现在的台账只有 {heads.last_id} 条："
                        "操作记录的末尾连同记录一起被删除过（可用这份备份核对或恢复）")
        else:
            anchors.add(f"备份 {f.path.name} 记下的操作记录（第 {f.head_id} 条）与现在的台账不符："
                        "备份之后操作记录被整段改写过（可用这份备份核对或恢复）")


def _login_name() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name on some Windows service accounts
        return "未知用户"


# --- restore ---------------------------------------------------------------------------------------

def record_restore(ledger_path: Path, backup: Path, previous_copy: Path | None, operator: str | None = None) -> None:
    """After a restore: audit the notices carried over from the replaced ledger, and append one
    "restore" row naming the backup and the discarded chain head (the replaced ledger's, kept in
    ``previous_copy``), so that ``check`` accepts that branch's anchors."""
    # local: Alembic (~110 ms) loads only on a restore
    from .migrate import current_revision, head_revision, migrate_file

    discarded = read_chain_file(previous_copy) if previous_copy is not None else None
    probe = make_engine(ledger_path)
    try:
        behind = current_revision(probe) != head_revision()
    finally:
        probe.dispose()
    if behind:  # a backup from an older version is upgraded now (as opening would), so the row fits the schema
        migrate_file(Path(ledger_path))
    engine = make_engine(ledger_path)
    try:
        with engine.begin() as conn:
            head_id, head_hash = chain_head(Session(bind=conn))
            records: list[tuple[str, int, str, Any, Any]] = _unaudited_notices(conn)
            records.append(("ledger", 0, "restore", None, {
                "from": backup.name, "from_head": [head_id, head_hash],
                "discarded_head": [discarded.head_id, discarded.head_hash] if discarded and discarded.head_id else None,
                "previous_copy": previous_copy.name if previous_copy else None}))
            _append(conn, f"从备份恢复：{backup.name}", operator or _login_name(), records)
    finally:
        engine.dispose()
