"""``zsdesk notice`` on the demo district, and the shared GB/T 9704 layout checker on what it prints."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from zsdesk.cli import main
from zsdesk.notice.quarterly import render_quarterly_notice
from zsdesk.periods import parse_period

from .conftest import ISSUE_DATE, flat, page_texts

# The shared contract checker lives beside the checkout (../shared), as CI and every worktree lay it out.
CHECKER = Path(__file__).resolve().parents[2].parent / "shared" / "tools" / "check_notice_layout.py"


def test_cli_draft_then_issue(demo_path, tmp_path, capsys):  # type: ignore[no-untyped-def]
    db = tmp_path / "cli.sqlite"
    shutil.copy(demo_path, db)
    draft = tmp_path / "draft.pdf"
    assert main(["--db", str(db), "notice", "--period", "2025Q3", "-o", str(draft), "--date", "2025-10-10"]) == 0
    text = flat(draft.read_bytes())
    assert "黔江招商发〔2025〕号" in text  # the draft's serial is blank
    assert "关于2025年1—9月全区招商引资工作情况的通报" in text
    issued = tmp_path / "issued.pdf"
    assert main(["notice", "--db", str(db), "--period", "2025Q3", "-o", str(issued), "--issue", "--number", "5",
                 "--date", "2025-10-10"]) == 0
    assert "黔江招商发〔2025〕5号" in flat(issued.read_bytes())
    assert "已签发：黔江招商发〔2025〕5号" in capsys.readouterr().out
    again = tmp_path / "again.pdf"
    assert main(["notice", "--db", str(db), "--period", "2025Q3", "-o", str(again), "--issue", "--number", "5",
                 "--date", "2025-11-10"]) == 2
    assert "5号已经用过" in capsys.readouterr().err
    assert not again.exists()  # nothing written on bad input
    assert main(["notice", "--db", str(db), "--period", "2025Q3", "-o", str(again), "--number", "6"]) == 2
    assert main(["notice", "--db", str(db), "--period", "2025Q9", "-o", str(again)]) == 2
    assert main(["notice", "--db", str(db), "--period", "2025Q3", "-o", str(again), "--issue",
                 "--number", "abc"]) == 2
    assert not again.exists()


def test_render_is_deterministic(demo_path, demo_pdf, fonts):  # type: ignore[no-untyped-def]
    from zsdesk.opening import open_unlocked

    with open_unlocked(demo_path, read_only=True) as led:
        assert render_quarterly_notice(led, parse_period("2025Q3"), issue_date=ISSUE_DATE, fonts=fonts) == demo_pdf


def _check(pdf: bytes, tmp_path: Path) -> list[str]:
    path = tmp_path / "notice.pdf"
    path.write_bytes(pdf)
    run = subprocess.run([sys.executable, str(CHECKER), str(path)], capture_output=True, text=True, timeout=120)
    return run.stdout.strip().splitlines()


def test_layout_checker_on_demo_notice(demo_pdf, tmp_path):  # type: ignore[no-untyped-def]
    """No problem at all: 附件2 is portrait, so the 版记 shares its last page (numbered, table text on the margin)."""
    pages = page_texts(demo_pdf)
    assert _check(demo_pdf, tmp_path) == [f"{len(pages)} pages: 0 layout problems"]
    last = pages[-1]
    assert "抄送：" in last and last.endswith("印发") and not last.startswith("抄送：")
    assert "合计" in last  # the 版记 sits under the signed-projects table's last rows


@pytest.mark.parametrize("period", ["2025", "2026Q1", "2026M08", "2024Q4"])
def test_layout_checker_on_other_periods(demo_path, fonts, tmp_path, period):  # type: ignore[no-untyped-def]
    from zsdesk.opening import open_unlocked

    with open_unlocked(demo_path, read_only=True) as led:
        pdf = render_quarterly_notice(led, parse_period(period), issue_date=ISSUE_DATE, fonts=fonts)
    pages = page_texts(pdf)
    assert _check(pdf, tmp_path) == [f"{len(pages)} pages: 0 layout problems"]
    assert "抄送：" in pages[-1] and not pages[-1].startswith("抄送：")
