"""``zsdesk board``: the JSON contract (checked by the shared checker), the Chinese table, bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from zsdesk.cli import main

# The shared contract checker lives beside the checkout (../shared), as CI and every worktree lay it out.
CHECKER = Path(__file__).resolve().parents[2].parent / "shared" / "tools" / "check_board_contract.py"


def _fill(build) -> None:  # type: ignore[no-untyped-def]
    build.unit("园区甲", "园区")
    build.unit("部门乙")
    build.person("张三", "园区甲")
    build.target("全区", 2025, formal_amount="100亿", arrived_amount="10亿")
    build.target("园区甲", 2025, formal_amount="10亿", agreement_amount="10亿", arrived_amount="1亿")
    pid = build.project("联合", lead_unit_id="园区甲", cooperating_unit_ids="部门乙", formal_date="2025-08-01",
                        agreement_amount="3.3333亿", person_ids="张三")
    build.funding(pid, "2025-09-01", "1234.5678")


def test_json_keeps_the_contract(build, capsys):  # type: ignore[no-untyped-def]
    _fill(build)
    assert main(["board", "--db", build.ledger.path.as_posix(), "--period", "2025Q3", "--json"]) == 0
    out = capsys.readouterr().out
    data = json.loads(out)
    assert data["units"][0]["formal_amount"] == 266_664_000  # 3.3333亿 × 80%
    assert data["district"]["arrived_amount"] == 12_345_678
    if CHECKER.exists():
        done = subprocess.run([sys.executable, str(CHECKER), "2025-01-01", "2025-09-30"], input=out,
                              capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stdout


def test_text_table_and_bad_period(build, capsys):  # type: ignore[no-untyped-def]
    _fill(build)
    assert main(["board", "--db", build.ledger.path.as_posix(), "--period", "2025Q3"]) == 0
    out = capsys.readouterr().out
    assert "招商英雄榜　2025年1—9月" in out and "园区甲" in out and "同比" not in out.split("单位榜")[1][:0]
    assert "上年同期无基数" in out
    assert main(["board", "--db", build.ledger.path.as_posix(), "--period", "2025Q9"]) == 2
    assert "无法识别的期间" in capsys.readouterr().err


def test_month_ranges_on_the_command_line(build, tmp_path):  # type: ignore[no-untyped-def]
    """``--period 2026M01-08``-style ranges: the board JSON passes the contract checker; bad ranges exit 2 with
    one Chinese line (real subprocess runs)."""
    _fill(build)
    db = build.ledger.path.as_posix()
    build.ledger.close()

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "zsdesk", *args, "--db", db], capture_output=True, text=True,
                              check=False, timeout=120)

    done = run("board", "--period", "2025M01-08", "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert (data["period"], data["start"], data["end"], data["label"]) == ("2025M01-08", "2025-01-01", "2025-08-31",
                                                                          "2025年1—8月")
    assert data["units"][0]["formal_amount"] == 266_664_000 and data["district"]["arrived_amount"] == 0
    if CHECKER.exists():
        checked = subprocess.run([sys.executable, str(CHECKER), "2025-01-01", "2025-08-31"], input=done.stdout,
                                 capture_output=True, text=True, check=False)
        assert checked.returncode == 0, checked.stdout
    done = run("board", "--period", "2025M07-09")
    assert done.returncode == 0 and "2025年7—9月" in done.stdout
    for bad, words in (("2026M09-03", "起始月份晚于截止月份"), ("2026M00-05", "月份应为 01—12"),
                       ("2026Q5", "季度应为 1—4"), ("", "未填写期间")):
        done = run("board", "--period", bad)
        assert done.returncode == 2 and words in done.stderr and done.stderr.count("\n") == 1, (bad, done.stderr)
        assert done.stdout == ""
    done = run("notice", "--period", "2025M01-08", "-o", str(tmp_path / "月通报.pdf"))
    assert done.returncode == 0, done.stderr
    import pypdf

    text = "".join(p.extract_text() for p in pypdf.PdfReader(tmp_path / "月通报.pdf").pages).replace("\n", "")
    assert "关于2025年1—8月全区招商引资工作情况的通报" in text
