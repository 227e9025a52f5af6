"""``zsdesk lifecycle --json`` keeps SPEC §9 exactly: a checker beside the board one, run on the demo."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from zsdesk.cli import main

ROOT = Path(__file__).resolve().parents[2]
TOP_KEYS = {"period", "cohort_start", "end", "district", "units", "overdue"}
COUNTS = ("cohort", "started", "producing", "due", "on_time")
AMOUNTS = ("agreement_amount", "arrived_amount")
RATES = {"start_rate": ("started", "cohort"), "production_rate": ("producing", "started"),
         "arrival_rate": ("arrived_amount", "agreement_amount"), "fulfilment_rate": ("on_time", "due")}
FIGURE_KEYS = {*COUNTS, *AMOUNTS, *RATES}
OVERDUE_KEYS = {"code", "name", "unit", "milestone", "due", "days_over"}
ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _half_up(numerator: int, denominator: int) -> float:
    return float((Decimal(numerator) * 100 / Decimal(denominator)).quantize(Decimal("0.01"), ROUND_HALF_UP))


def check_figures(where: str, f: Any, named: bool = False) -> list[str]:
    if not isinstance(f, dict):
        return [f"{where}: not an object"]
    problems = []
    wanted = FIGURE_KEYS | ({"unit"} if named else set())
    if set(f) != wanted:
        problems.append(f"{where}: keys {sorted(set(f) ^ wanted)} differ from §9")
    for key in (*COUNTS, *AMOUNTS):
        if not _is_int(f.get(key)):
            problems.append(f"{where}.{key}: {f.get(key)!r} is not an integer")
    for key in COUNTS:
        if _is_int(f.get(key)) and f[key] < 0:
            problems.append(f"{where}.{key}: negative")
    if problems:
        return problems
    if not (f["producing"] <= f["started"] <= f["cohort"] and f["on_time"] <= f["due"] <= f["cohort"]):
        problems.append(f"{where}: counts out of order")
    for key, (num, den) in RATES.items():
        value = f[key]
        if f[den] == 0:
            if value is not None:
                problems.append(f"{where}.{key}: {value!r} should be null (zero denominator)")
            continue
        if not isinstance(value, float):
            problems.append(f"{where}.{key}: {value!r} is not a number")
        elif value != _half_up(f[num], f[den]):
            problems.append(f"{where}.{key}: {value} ≠ {_half_up(f[num], f[den])} (half-up, 2 decimals)")
    return problems


def check_lifecycle_contract(data: Any) -> list[str]:
    """Every way ``data`` departs from the §9 contract (an empty list: it keeps it)."""
    if not isinstance(data, dict):
        return ["not a JSON object"]
    if set(data) != TOP_KEYS:
        return [f"top-level keys {sorted(set(data) ^ TOP_KEYS)} differ from §9"]
    problems = []
    if not isinstance(data["period"], str) or not data["period"]:
        problems.append("period is not a string")
    for key in ("cohort_start", "end"):
        if not isinstance(data[key], str) or not ISO.match(data[key]):
            problems.append(f"{key}: {data[key]!r} is not YYYY-MM-DD")
    if problems:
        return problems
    start, end = date.fromisoformat(data["cohort_start"]), date.fromisoformat(data["end"])
    if (start.month, start.day) != (1, 1) or start.year != end.year - 1:
        problems.append(f"cohort_start {start} is not 1 January of the year before {end.year}")
    problems += check_figures("district", data["district"])
    if not isinstance(data["units"], list):
        return [*problems, "units is not a list"]
    for i, u in enumerate(data["units"]):
        problems += check_figures(f"units[{i}]", u, named=True)
        if not isinstance(u.get("unit"), str) or not u.get("unit"):
            problems.append(f"units[{i}].unit is not a name")
    if not problems:
        for key in (*COUNTS, *AMOUNTS):
            total = sum(u[key] for u in data["units"])
            if total != data["district"][key]:
                problems.append(f"district.{key} {data['district'][key]} ≠ Σ units {total}")
    if not isinstance(data["overdue"], list):
        return [*problems, "overdue is not a list"]
    for i, o in enumerate(data["overdue"]):
        if not isinstance(o, dict) or set(o) != OVERDUE_KEYS:
            problems.append(f"overdue[{i}]: keys differ from §9")
            continue
        if not all(isinstance(o[k], str) for k in ("code", "name", "unit")):
            problems.append(f"overdue[{i}]: code, name and unit must be strings")
        if o["milestone"] not in ("start", "production"):
            problems.append(f"overdue[{i}].milestone {o['milestone']!r}")
        if not isinstance(o["due"], str) or not ISO.match(o["due"]) or not _is_int(o["days_over"]):
            problems.append(f"overdue[{i}]: due / days_over types")
        elif (end - date.fromisoformat(o["due"])).days != o["days_over"] or o["days_over"] < 0:
            problems.append(f"overdue[{i}].days_over {o['days_over']} ≠ end − due")
    return problems


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT), QT_QPA_PLATFORM="offscreen")
    return subprocess.run([sys.executable, "-m", "zsdesk", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          check=False, timeout=120)


def test_the_demo_keeps_the_contract(tmp_path: Path):
    db = str(tmp_path / "demo.sqlite")
    assert _run("demo", "--db", db).returncode == 0
    done = _run("lifecycle", "--db", db, "--period", "2026Q3", "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert check_lifecycle_contract(data) == []
    assert data["period"] == "2026Q3" and data["cohort_start"] == "2025-01-01" and data["end"] == "2026-09-30"
    assert data["district"]["cohort"] > 0 and data["overdue"], "the demo shows landing work to do"
    assert any(u["cohort"] == 0 and u["start_rate"] is None for u in data["units"]) or all(
        u["cohort"] for u in data["units"])
    table = _run("lifecycle", "--db", db, "--period", "2026Q3")
    assert table.returncode == 0 and "开工率" in table.stdout and "逾期节点" in table.stdout
    assert not re.search(r"[A-Za-z]{3,}", table.stdout), "the table speaks Chinese only"


def test_the_checker_can_fail(tmp_path: Path):
    good = {"period": "2026Q3", "cohort_start": "2025-01-01", "end": "2026-09-30",
            "district": {"cohort": 3, "started": 2, "producing": 0, "due": 2, "on_time": 1,
                         "agreement_amount": 3, "arrived_amount": 0, "start_rate": 66.67, "production_rate": 0.0,
                         "arrival_rate": 0.0, "fulfilment_rate": 50.0},
            "units": [], "overdue": [{"code": "2026-0001", "name": "甲", "unit": "乙", "milestone": "start",
                                      "due": "2026-09-01", "days_over": 29}]}
    good["units"] = [{"unit": "乙", **good["district"]}]  # type: ignore[dict-item]
    assert check_lifecycle_contract(good) == []
    for mutate, expected in (
            (lambda d: d["district"].update(start_rate=66.66), "half-up"),
            (lambda d: d["district"].update(cohort=True), "not an integer"),
            (lambda d: d["district"].update(extra=1), "keys"),
            (lambda d: d["units"][0].update(due=0, on_time=0), "null"),
            (lambda d: d["overdue"][0].update(days_over=30), "end − due"),
            (lambda d: d.update(label="x"), "top-level"),
            (lambda d: d["units"][0].update(arrived_amount=1, arrival_rate=33.33), "Σ units")):
        bad = json.loads(json.dumps(good))
        mutate(bad)
        assert any(expected in p for p in check_lifecycle_contract(bad)), expected


def test_bad_period_exits_2_in_chinese(build, capsys):  # type: ignore[no-untyped-def]
    assert main(["lifecycle", "--db", build.ledger.path.as_posix(), "--period", "2026Q5"]) == 2
    assert "无法识别的期间" in capsys.readouterr().err
    assert main(["lifecycle", "--db", build.ledger.path.as_posix(), "--period", "2026", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert check_lifecycle_contract(data) == [] and data["district"]["start_rate"] is None
