"""Run as a child process by test_crash.py. Two modes:

``crash_child.py LEDGER FILE.xlsx`` runs the real importer (``zsdesk.xlsx.import_file``, dry_run=False)
on FILE (with ``ZSDESK_CRASH_HELPER=1`` checked by the helper process beside it, whose pid it prints first as
``HELPER <pid>``); it prints STARTED before the import and ``P <percent>`` at each progress report (reading
0–40, checking 40–70, writing 70–100), then DONE — so the parent knows which phase a kill hit.

``crash_child.py LEDGER`` imports 5,000 projects as ONE operation, as the xlsx import does.
``crash_child.py LEDGER --stay`` does the same, then prints CHECKPOINTING and waits to be killed while the
ledger's background thread (zsdesk/checkpoint.py) copies the committed pages into the file.

The row values are validated once through the clerk's path (clerk text: 万元, Chinese dates, unit
by name), then 5,000 projects are written the way a bulk import writes them: one operation, one
transaction, with an audit row each. Prints WRITING when the transaction starts and COMMITTING
just before the commit, so the parent can aim some kills at the commit itself.
"""

from __future__ import annotations

import os
import sys
import time

from zsdesk.opening import open_unlocked
from zsdesk.ops.crud import _assign, validate
from zsdesk.ops.history import ChangeRecord, operation
from zsdesk.ops.projects import PROJECT
from zsdesk.ops.records import _to_json
from zsdesk.ops.totals import DERIVED_COLUMNS
from zsdesk.stage import derive_stage, first_signed

ROWS = 5000
DATES = ("first_contact_date", "framework_date", "formal_date", "started_date", "production_date",
         "full_production_date", "withdrawn_date")



def main(path: str, stay: bool = False) -> None:
    ledger = open_unlocked(path, operator="导入子进程")
    with operation(ledger, f"导入 {ROWS} 个项目") as op:
        print("WRITING", flush=True)
        template = validate(op.session, PROJECT, {
            "name": "模板", "investor": "投资方", "agreement_amount": "1,200万元",
            "framework_date": "2025/3/1", "formal_date": "2025年4月1日", "lead_unit_id": "经开区",
            "notes": "批量导入",
        }, None)
        projects = []
        for i in range(ROWS):
            obj = PROJECT.model()
            _assign(obj, {**template, "name": f"导入项目{i:05d}", "investor": f"投资方{i % 97}"})
            obj.code = f"2025-{i + 1:04d}"
            dates = {f: getattr(obj, f) for f in DATES}
            obj.stage = derive_stage(dates)
            obj.signed_date = first_signed(dates)
            obj.created_at = obj.updated_at = op.now
            projects.append(obj)
        op.session.add_all(projects)
        op.session.flush()
        # as records.snapshot takes them: maintained totals (arrived_total) are not part of a snapshot
        columns = [c.key for c in PROJECT.model.__table__.columns if c.key not in DERIVED_COLUMNS]
        for obj in projects:  # new projects have no links yet: no need to query them
            snap = {key: _to_json(getattr(obj, key)) for key in columns}
            snap.update(cooperating_unit_ids=[], person_ids=[], tag_ids=[])
            op.change.records.append(ChangeRecord("project", obj.id, "insert", None, snap))
        print("COMMITTING", flush=True)
    if stay:
        print("CHECKPOINTING", flush=True)
        assert ledger.checkpointer is not None
        ledger.checkpointer.wait_idle(timeout=60)
        print("CHECKPOINTED", flush=True)
        time.sleep(60)
    print("DONE", flush=True)


def import_xlsx(path: str, xlsx: str) -> None:
    from zsdesk.xlsx import import_file

    ledger = open_unlocked(path, operator="导入子进程")
    last = [-1]

    def progress(done: int, total: int) -> None:
        percent = 100 * done // max(total, 1)
        if percent != last[0]:
            last[0] = percent
            print(f"P {percent}", flush=True)

    if os.environ.get("ZSDESK_CRASH_HELPER") == "1":  # checked beside, as from the window's import dialog
        from zsdesk.xlsx.check_worker import WORKER

        WORKER.wait_ready()
        print(f"HELPER {WORKER._proc.pid}", flush=True)  # type: ignore[union-attr]  # noqa: SLF001
    print("STARTED", flush=True)
    start = time.perf_counter()
    report = import_file(ledger, "projects", xlsx, dry_run=False, progress=progress)
    if not report.written:
        print("REFUSED " + "; ".join(str(p) for p in report.problems[:5]), flush=True)
        sys.exit(3)
    print(f"DONE {time.perf_counter() - start:.3f}", flush=True)


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[2] == "--stay":
        main(sys.argv[1], stay=True)
    elif len(sys.argv) > 2:
        import_xlsx(sys.argv[1], sys.argv[2])
    else:
        main(sys.argv[1])
