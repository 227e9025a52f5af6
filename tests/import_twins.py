"""Twin ledgers for the import's helper (zsdesk/xlsx/check_worker.py): the files both imports read, and what the
twins hold afterwards, compared by tests/xlsx/test_import_beside.py (ledger files) and
tests/shared_ledger/test_import_beside_server.py (PostgreSQL)."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text
from xlsx.conftest import write_rows  # tests/ is on sys.path (pytest's rootdir)

from zsdesk.ledger import Ledger
from zsdesk.models import AuditEntry
from zsdesk.xlsx import importer
from zsdesk.xlsx.check_worker import WORKER

HEADERS = ["项目编号", "项目名称", "投资方", "投资方标签", "产业链", "协议资金（万元）", "首次接洽日期",
           "框架协议签订日期", "牵头单位", "配合单位", "落地园区", "引荐人", "备注"]


def row(i: int, code: str | None = None) -> list[object]:
    signed = f"2026-0{1 + i % 9}-1{i % 10}" if i % 3 else None
    name = f"并行检查项目{i}" if i % 97 else f"并行检查\n项目{i}"  # a line break: the cleaned-cell note
    return [code, name, f"投资方{i % 11}", "上市公司" if i % 2 else None, "绿色建材" if i % 4 else None,
            str(100 + i), "2025-12-01", signed, "区商务委" if signed or i % 5 else None,
            "城南街道、正阳工业园区" if i % 6 == 1 else None, "正阳工业园区" if i % 3 == 0 else None,
            "张三、李四" if i % 4 == 1 else None, f"第{i}行"]


def workbook(path: Path, rows: list[list[object]]) -> Path:
    return write_rows(path, HEADERS, rows)


def second_file(tmp_path: Path, codes: list[str], bad: bool = False) -> Path:
    """200 updates by code, 1,100 new projects (some near-twins of stored ones); with ``bad`` two wrong cells."""
    rows = []
    for i, code in enumerate(codes[:200]):
        changed = row(i, code)
        changed[5] = str(500 + i)
        changed[12] = f"改过{i}"
        rows.append(changed)
    rows += [row(300 + i) for i in range(1_100)]
    rows += [[None, f"并行检查项目{i}号", f"投资方{i % 11}", None, None, "10", "2025-12-01", None, "区商务委",
              None, None, None, None] for i in range(5)]  # near the stored 并行检查项目{i}: ledger hints
    if bad:
        rows[700][5] = "一百万"
        rows[1_100][8] = "不存在的单位"
    return workbook(tmp_path / ("bad.xlsx" if bad else "second.xlsx"), rows)


def chunked_investors_file(tmp_path: Path, codes: list[str], formula_at: int | None = None) -> Path:
    """1,300 rows whose investors come chunk by chunk (the first 600 rows: 投资方0–1; then 投资方2–10 in turn), a
    blank row and a totals row at the end; with ``formula_at`` also 30 updates by code among them, and a formula
    with no saved result in that row's 协议资金 (found by the reading only when it gets there)."""
    rows = []
    for i in range(1_300):
        update = formula_at is not None and i % 40 == 0 and i < 1_200
        new = row(400 + i, codes[i // 40] if update else None)
        new[2] = f"投资方{i % 2}" if i < 600 else f"投资方{2 + (i - 600) // 80 % 9}"
        rows.append(new)
    if formula_at is not None:
        rows[formula_at][5] = "=100+1"
    rows += [[None] * 13, ["合计", None, None, None, None, "999"] + [None] * 7]
    return workbook(tmp_path / ("formula.xlsx" if formula_at is not None else "chunked.xlsx"), rows)


def report_fields(report: Any) -> dict[str, Any]:
    fields = dataclasses.asdict(report)
    for key in ("path", "change", "dry_run"):
        fields.pop(key)
    return fields


def contents(ledger: Ledger) -> dict[str, Any]:
    """Every table an import writes, without the moments it was written at."""
    skip = {"created_at", "updated_at", "at", "hash", "prev_hash", "op_id", "op_label"}
    out: dict[str, Any] = {}
    with ledger.reading() as s:
        for table in ("projects", "project_cooperating_units", "project_persons", "project_tags"):
            rows = s.execute(text(f"SELECT * FROM {table} ORDER BY 1, 2")).mappings().all()
            out[table] = [{k: v for k, v in r.items() if k not in skip} for r in rows]
        audit = s.execute(select(AuditEntry.entity, AuditEntry.entity_id, AuditEntry.action, AuditEntry.before,
                                 AuditEntry.after).order_by(AuditEntry.id)).all()
    out["audit"] = [(e, i, a, *({k: v for k, v in json.loads(x).items() if k not in skip} if x else None
                                for x in (b, f))) for e, i, a, b, f in audit]
    return out


def counts(ledger: Ledger) -> tuple[int, int]:
    with ledger.reading() as s:
        return (s.execute(text("SELECT count(*) FROM projects")).scalar_one(),
                s.execute(text("SELECT count(*) FROM audit_log")).scalar_one())


@pytest.fixture(name="worker")
def worker_fixture() -> Iterator[None]:
    """The helper started and ready for the test, stopped after it (imported by the test modules)."""
    WORKER.wait_ready()
    try:
        yield
    finally:
        WORKER.stop()


def window_reads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How often the import itself reads the stored projects of the file's investors (``projects_of``): not
    when the helper sends those it read ahead."""
    calls: list[int] = []
    real = importer.projects_of

    def counted(session, spellings):  # type: ignore[no-untyped-def]
        calls.append(1)
        return real(session, spellings)
    monkeypatch.setattr(importer, "projects_of", counted)
    return calls


def batch_reads(monkeypatch: pytest.MonkeyPatch) -> tuple[list[int], list[int]]:
    """How many operation records each seeding of the write's same-name rule found written before it (the
    helper's ``spellings`` frames), and how often the import read stored projects for that rule itself
    (``_stored_same_names``: on a shared ledger it waits for the batch on the server)."""
    from zsdesk.ops import projects

    seeded: list[int] = []
    real_seed = importer.seed_same_names

    def seed(op, spellings, rows):  # type: ignore[no-untyped-def]
        seeded.append(len(op.change.records))
        real_seed(op, spellings, rows)
    monkeypatch.setattr(importer, "seed_same_names", seed)
    reads: list[int] = []
    real_read = projects._stored_same_names

    def read(*args):  # type: ignore[no-untyped-def]
        reads.append(1)
        return real_read(*args)
    monkeypatch.setattr(projects, "_stored_same_names", read)
    return seeded, reads
