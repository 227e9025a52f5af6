"""One clerk's process in the concurrency test: N operations on a shared PostgreSQL ledger.

``python worker.py URL NAME SEED COUNT OUT.json`` — each operation reads what it edits (and its version),
waits a moment as a person would, then saves naming what it read. The outcome of every operation goes to
OUT.json: ok (with what it was based on), conflict (with the message and the changes it listed) or error
(anything else — the test fails on any).
"""

from __future__ import annotations

import json
import random
import sys
import time
import traceback
from datetime import date
from typing import Any

from zsdesk import ops
from zsdesk.errors import ConflictError, LedgerError
from zsdesk.models import DictionaryEntry, Funding, Project, Target, Unit
from zsdesk.notice.fonts import FontSet
from zsdesk.notice.issuing import issue_notice
from zsdesk.notice.narrative import Narrative, load_narrative, save_narrative
from zsdesk.opening import open_unlocked
from zsdesk.periods import parse_period
from zsdesk.rules import load_rules, save_rules

Q3 = parse_period("2026Q3")

MODELS = {"project": Project, "funding": Funding, "target": Target, "unit": Unit, "dictionary": DictionaryEntry}


def main(url: str, name: str, seed: int, count: int, out: str) -> None:
    rng = random.Random(seed)
    outcomes: list[dict[str, Any]] = []
    fonts = FontSet.bundled()
    with open_unlocked(url, operator=name) as ledger:
        with ledger.reading() as s:
            ids = {kind: sorted(s.get(model, i).id for i in range(1, 3) if s.get(model, i) is not None)
                   for kind, model in MODELS.items()}
        for i in range(count):
            token = f"{name}-{i}"
            kind = "issue" if i % 40 == 39 else rng.choice(
                ["project", "funding", "target", "unit", "dictionary", "narrative", "rules", "create", "create"])
            record: dict[str, Any] = {"kind": kind, "token": token}
            try:
                if kind in MODELS:
                    entity_id = rng.choice(ids[kind])
                    with ledger.reading() as s:
                        version = s.get(MODELS[kind], entity_id).version
                    record.update(id=entity_id, expected=version)
                    time.sleep(rng.random() * 0.004)
                    record["value"] = 1_000_000 * seed + i
                    edit(ledger, kind, entity_id, token, record["value"], version)
                elif kind == "narrative":
                    seen = load_narrative(ledger, Q3)
                    record["seen"] = seen.highlights
                    time.sleep(rng.random() * 0.004)
                    save_narrative(ledger, Q3, Narrative(token, seen.problems, seen.next_steps), based_on=seen)
                elif kind == "rules":
                    rules = load_rules(ledger, 2026)
                    record["expected"] = rules.version
                    document = dict(rules.document, stale_days=30 + i % 50, note_token=token)
                    time.sleep(rng.random() * 0.004)
                    change = save_rules(ledger, 2026, document, note=token, based_on_version=rules.version)
                    record["saved"] = change.records[0].after["version"]  # type: ignore[index]  # rules after is a dict
                elif kind == "create":
                    change = ops.create_project(ledger, {"name": f"并发新建{token}", "investor": f"企业{token}",
                                                         "formal_date": "2026-05-01", "lead_unit_id": 1,
                                                         "agreement_amount": "1亿"})
                    record["id"] = change.ids("project")[0]
                elif kind == "issue":
                    info = issue_notice(ledger, Q3, issue_date=date(2026, 10, 15), fonts=fonts)
                    record["serial"] = info.serial
                record["result"] = "ok"
            except ConflictError as err:
                record.update(result="conflict", message=str(err), changes=len(err.changes))
            except LedgerError as err:
                record.update(result="refused", message=str(err))
            except Exception as err:  # noqa: BLE001 - the test fails on any, with the traceback
                record.update(result="error", message=f"{type(err).__name__}: {err}\n{traceback.format_exc()}")
            outcomes.append(record)
    with open(out, "w", encoding="utf-8") as f:
        json.dump(outcomes, f, ensure_ascii=False)


def edit(ledger: Any, kind: str, entity_id: int, token: str, value: int, version: int) -> None:
    """Each write carries something unique to it (``token``, or ``value`` for a target) to find its audit row."""
    if kind == "project":
        ops.update_project(ledger, entity_id, {"notes": token, "agreement_amount": 100_000_000 + value},
                           expected_version=version)
    elif kind == "funding":
        ops.update_funding(ledger, entity_id, {"note": token, "amount": 1_000_000 + value}, expected_version=version)
    elif kind == "target":
        ops.update_target(ledger, entity_id, {"agreement_amount": value}, expected_version=version)
    elif kind == "unit":
        ops.update_unit(ledger, entity_id, {"short_name": token}, expected_version=version)
    elif kind == "dictionary":
        ops.update_entry(ledger, entity_id, {"flags": token}, expected_version=version)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5])
