"""``zsdesk activity`` by real subprocess runs: the SPEC §10 JSON, the table, the xlsx, bad input (exit 2)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from openpyxl import load_workbook

from .conftest import Worked


def _run(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "zsdesk", *args, "--db", str(db)], capture_output=True, text=True,
                          timeout=120)


def test_activity_json_table_and_xlsx(worked: Worked, tmp_path: Path) -> None:
    db = worked.ledger.path
    assert db is not None
    worked.ledger.close()
    done = _run(db, "activity", "--period", "2026Q1", "--json")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert list(out) == ["period", "start", "end", "district", "units"]
    assert out["district"]["trips"] == 3 and out["district"]["conversion_rate"] == 40.0
    assert out["units"][0]["unit"] == "甲园区" and out["units"][2]["conversion_rate"] is None
    table = _run(db, "activity", "--period", "2026Q1")
    assert table.returncode == 0 and "全区" in table.stdout and "40.00%" in table.stdout and "—" in table.stdout
    xlsx = tmp_path / "活动.xlsx"
    made = _run(db, "activity", "--period", "2026Q1", "-o", str(xlsx))
    assert made.returncode == 0, made.stderr
    rows = [r for r in load_workbook(xlsx).active.iter_rows(values_only=True)]
    heads = next(r for r in rows if r[0] == "序号")
    assert heads[2:] == ("外出招商（次）", "区领导带队（次）", "拜访企业（家）", "有效意向（个）", "未达标（次）",
                         "新增线索（条）", "转化项目（个）", "新增在谈项目（个）", "线索转化率（%）")
    total = next(r for r in rows if r[0] == "全区")
    assert total[2:10] == (3, 1, 9, 4, 2, 5, 2, 4) and abs(total[10] - 0.4) < 1e-9
    first = next(r for r in rows if r[1] == "甲园区")
    assert abs(first[10] - 0.3333) < 1e-9


def test_bad_period_and_output_exit_2_with_one_chinese_line(worked: Worked, tmp_path: Path) -> None:
    db = worked.ledger.path
    assert db is not None
    worked.ledger.close()
    bad = _run(db, "activity", "--period", "2026Q5", "--json")
    assert bad.returncode == 2 and bad.stdout == ""
    assert len(bad.stderr.strip().splitlines()) == 1 and "期间" in bad.stderr
    onto_ledger = _run(db, "activity", "--period", "2026Q1", "-o", str(db))
    assert onto_ledger.returncode == 2 and "台账" in onto_ledger.stderr
