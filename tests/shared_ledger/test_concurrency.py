"""Two clerks' processes × 200 operations on one PostgreSQL ledger (issue 17, "a shared ledger that loses
nothing"): edits of the same records, creates, notice issues, rules and narrative saves at once.

Proven from the audit log, not from the workers' word: every successful edit's audit row starts from the
very version the clerk read (so nothing it did not see was overwritten); every refused edit told the clerk
what changed; no raw database error; codes and notice numbers never collide; ``check`` is clean (the
audit chain did not fork).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import make_url

from zsdesk import ops
from zsdesk.audit_guard import audit_hash
from zsdesk.check import check_ledger
from zsdesk.models import AuditEntry, IssuedNotice, Project, RulesDocument
from zsdesk.notice.narrative import default_narrative
from zsdesk.opening import open_unlocked

from .conftest import needs_pg

pytestmark = needs_pg
ROOT = Path(__file__).resolve().parents[2]
WORKER = Path(__file__).with_name("worker.py")
OPERATIONS = 200
RAW = ("duplicate key", "uq_", "psycopg", "violates", "sqlalchemy", "Traceback", "IntegrityError")
# The field of each edited record that carries the writer's unique mark.
MARK = {"project": ("notes", "token"), "funding": ("note", "token"), "unit": ("short_name", "token"),
        "dictionary": ("flags", "token"), "target": ("agreement_amount", "value")}


def _seed(url: str) -> None:
    with open_unlocked(url, operator="准备", create=True) as ledger:
        for name in ("城东园区", "城西园区"):
            ops.create_unit(ledger, {"name": name, "kind": "园区"})
        for n in (1, 2):
            pid = ops.create_project(ledger, {"name": f"共享项目{n}", "investor": f"共享企业{n}",
                                              "formal_date": "2026-03-01", "lead_unit_id": n,
                                              "agreement_amount": "2亿"}).ids("project")[0]
            ops.add_funding(ledger, {"project_id": pid, "date": "2026-04-01", "amount": "100万"})
            ops.set_target(ledger, {"unit_id": n, "year": 2026, "agreement_amount": "10亿"})
        ops.create_entry(ledger, {"kind": "chain", "name": "并发测试链一"})


def _run_workers(url: str, tmp_path: Path) -> list[dict]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    procs, outs = [], []
    for seed, name in ((1, "甲"), (2, "乙")):
        out = tmp_path / f"{name}.json"
        outs.append(out)
        procs.append(subprocess.Popen([sys.executable, str(WORKER), url, name, str(seed), str(OPERATIONS), str(out)],
                                      env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    for p in procs:
        _, err = p.communicate(timeout=900)
        assert p.returncode == 0, err[-3000:]
    return [dict(r, worker=out.stem) for out in outs for r in json.loads(out.read_text(encoding="utf-8"))]


def test_two_processes_lose_nothing(pg_url: str, tmp_path: Path) -> None:
    _seed(pg_url)
    outcomes = _run_workers(pg_url, tmp_path)
    assert len(outcomes) == 2 * OPERATIONS

    errors = [r for r in outcomes if r["result"] in ("error", "refused")]
    assert not errors, errors[:3]
    for r in outcomes:
        assert not any(word in r.get("message", "") for word in RAW), r["message"]

    conflicts = [r for r in outcomes if r["result"] == "conflict"]
    print(f"{len(conflicts)} of {len(outcomes)} operations refused as stale")
    assert conflicts, "the workers never collided: the test proved nothing"
    for r in conflicts:
        assert "其他人修改过" in r["message"] and "本次未保存" in r["message"], r["message"]
        if r["kind"] in MARK:
            # The loser is told what changed (field: seen → now), not only that something did.
            assert r["changes"] > 0 and "→" in r["message"], r["message"]

    with open_unlocked(pg_url) as ledger, ledger.reading() as s:
        audit = s.execute(select(AuditEntry.entity, AuditEntry.entity_id, AuditEntry.action, AuditEntry.before,
                                 AuditEntry.after).order_by(AuditEntry.id)).all()
        # Every successful edit: exactly one audit row carries its mark, and that row starts from the version
        # the clerk read — so it overwrote nothing the clerk had not seen.
        for r in (r for r in outcomes if r["result"] == "ok" and r["kind"] in MARK):
            field, key = MARK[r["kind"]]
            rows = [(json.loads(b), json.loads(a)) for e, i, act, b, a in audit
                    if e == r["kind"] and i == r["id"] and act == "update" and a
                    and json.loads(a).get(field) == (r[key] if key == "token" else r[key] * 10_000)]  # 万元
            assert len(rows) == 1, (r, len(rows))
            assert rows[0][0]["version"] == r["expected"], r
        # Each record's audit history is one unbroken line of versions: no write slipped between.
        versions: dict[tuple[str, int], int] = {}
        for entity, entity_id, action, before, after in audit:
            if entity in MARK and action == "update":
                b, a = json.loads(before), json.loads(after)
                if (entity, entity_id) in versions:
                    assert b["version"] == versions[(entity, entity_id)], (entity, entity_id)
                versions[(entity, entity_id)] = a["version"]

        # The narrative: each save started from what was stored then.
        narrative = [(json.loads(b)["value"] if b else None, json.loads(a)["value"]) for e, _, _, b, a in audit
                     if e == "setting" and a and json.loads(a)["key"] == "notice.narrative.2026Q3"]
        saved = [r for r in outcomes if r["kind"] == "narrative" and r["result"] == "ok"]
        assert len(narrative) == len(saved)
        by_token = {after["highlights"]: before for before, after in narrative}
        for r in saved:
            before = by_token[r["token"]]
            assert (before["highlights"] if before else default_narrative().highlights) == r["seen"], r

        # Rules: versions 1..n without a gap, each saved on the version it was based on.
        rules = s.scalars(select(RulesDocument.version).where(RulesDocument.year == 2026)
                          .order_by(RulesDocument.version)).all()
        assert rules == list(range(1, len(rules) + 1))
        for r in (r for r in outcomes if r["kind"] == "rules" and r["result"] == "ok"):
            assert r["saved"] == r["expected"] + 1

        # Creates never collide: every one succeeded, with its own code.
        creates = [r for r in outcomes if r["kind"] == "create"]
        assert creates and all(r["result"] == "ok" for r in creates)
        codes = s.scalars(select(Project.code)).all()
        assert len(codes) == len(set(codes)) == 2 + len(creates)
        # Notices: every issue succeeded with its own consecutive number.
        issues = [r for r in outcomes if r["kind"] == "issue"]
        assert issues and all(r["result"] == "ok" for r in issues)
        serials = sorted(s.scalars(select(IssuedNotice.serial)).all())
        assert serials == list(range(1, len(issues) + 1))

        # The audit chain is one line: each row chained to the row before it (two writers never read the
        # same head — lock_chain serialises them), every hash recomputes.
        chain = s.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
        for previous, row in zip(chain, chain[1:], strict=False):
            assert row.prev_hash == previous.hash, f"the chain forks at audit row {row.id}"
        assert all(audit_hash(row) == row.hash for row in chain)
        # SPEC §11: on PostgreSQL the audit log records the signed-in database login, not a typed name
        assert make_url(pg_url).username in {row.operator for row in chain}

    report = check_ledger(pg_url)
    assert report.healthy, report.lines()
