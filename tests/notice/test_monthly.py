"""The monthly notice (月通报) for a month range: the demo's 2026M01-08 notice, its figures, its own
numbering series, the command line (issue 21 item 2)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader

from zsdesk.board import board_to_json, compute_board
from zsdesk.money import format_yi
from zsdesk.notice.compose import render_notice
from zsdesk.notice.issuing import issue_notice, issued_figures, issued_pdf, list_issued, next_serial
from zsdesk.notice.monthly import build_monthly_notice, build_notice, render_notice_docx
from zsdesk.notice.narrative import load_settings, save_settings
from zsdesk.opening import open_unlocked
from zsdesk.periods import parse_period

from .conftest import flat

ROOT = Path(__file__).resolve().parents[2]
CHECKER = ROOT.parent / "shared" / "tools" / "check_notice_layout.py"  # ../shared beside the checkout
PERIOD = "2026M01-08"
DAY = date(2026, 9, 5)


@pytest.fixture(scope="module")
def monthly(demo_path: Path, fonts) -> dict:  # type: ignore[no-untyped-def]
    with open_unlocked(demo_path, read_only=True) as led:
        doc, figures = build_monthly_notice(led, parse_period(PERIOD), issue_date=DAY, fonts=fonts)
        with led.reading() as s:
            board = compute_board(s, PERIOD)
        return {"doc": doc, "figures": figures, "pdf": render_notice(doc, fonts), "board": board}


def test_title_and_number_series(monthly) -> None:  # type: ignore[no-untyped-def]
    doc = monthly["doc"]
    assert doc.title == "关于2026年1—8月全区招商引资工作情况的通报"
    assert doc.doc_number == "黔江招商督〔2026〕\u3000\u3000号"  # the monthly series, serial left blank
    assert doc.attachments == ()  # shorter: the unit board in the body is its unit table
    text = flat(monthly["pdf"])
    assert "关于2026年1—8月全区" in text and "招商引资工作情况的通报" in text


def test_sections_and_landing(monthly) -> None:  # type: ignore[no-untyped-def]
    text = flat(monthly["pdf"])
    for heading in ("一、总体情况", "二、“招商英雄榜”排名情况", "（一）单位排名", "（二）个人排名",
                    "（三）无签约项目、无到位资金单位", "三、项目落地情况"):
        assert heading in text
    landing = monthly["figures"]["landing"]
    assert landing["cohort"] > 0 and landing["cohort_start"] == "2025-01-01"
    assert f"{landing['cohort']}个项目中" in text
    for rate in landing["rates"].values():
        assert rate is None or f"{rate}%" in text
    assert f"逾期未开工或未投产的项目{landing['overdue_projects']}个" in text
    assert "附件" not in text  # no quarterly attachments
    assert len(PdfReader(io.BytesIO(monthly["pdf"])).pages) < 8


def test_figures_equal_the_board(monthly) -> None:  # type: ignore[no-untyped-def]
    board, figures = monthly["board"], monthly["figures"]
    assert figures["board"] == board_to_json(board)
    assert figures["period"] == PERIOD and figures["kind"] == "monthly"
    f = board.district.figures
    text = flat(monthly["pdf"])
    assert f"2026年1—8月，全区签约招商引资项目{f.signed_projects}个" in text
    assert f"正式合同额{format_yi(f.formal_amount)}亿元" in text
    assert f"到位资金{format_yi(f.arrived_amount)}亿元" in text
    # Every unit's row, in rank order, with its formal amount and score as the board has them.
    table = next(b for b in monthly["doc"].blocks if getattr(b, "title", "").endswith("单位排名"))
    assert [r[1] for r in table.rows] == [u.unit for u in board.units]
    assert [r[3] for r in table.rows] == [format_yi(u.figures.formal_amount) for u in board.units]
    assert [r[7] for r in table.rows] == [f"{u.score:.2f}" for u in board.units]
    for name in board.quiet_units:
        assert name in text


def test_layout_checker_and_fonts_embedded(monthly, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "月通报.pdf"
    path.write_bytes(monthly["pdf"])
    run = subprocess.run([sys.executable, str(CHECKER), str(path)], capture_output=True, text=True, timeout=120)
    assert run.stdout.strip().splitlines()[-1].endswith("0 layout problems"), run.stdout
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    rows = fonts.strip().splitlines()[2:]
    assert rows and all(line.split()[-5] == "yes" for line in rows), fonts


def test_word_export_takes_the_monthly_notice(demo_path: Path, fonts) -> None:  # type: ignore[no-untyped-def]
    with open_unlocked(demo_path, read_only=True) as led:
        data = render_notice_docx(led, parse_period(PERIOD), issue_date=DAY, fonts=fonts)
    word = docx.Document(io.BytesIO(data))
    text = "\n".join(p.text for p in word.paragraphs)
    assert "黔江招商督〔2026〕" in text and "三、项目落地情况" in text
    assert "2026年1—8月" in text


def test_monthly_series_numbers_independently(demo, fonts) -> None:  # type: ignore[no-untyped-def]
    q1 = issue_notice(demo, parse_period("2026Q3"), issue_date=date(2026, 10, 8), fonts=fonts)
    q2 = issue_notice(demo, parse_period("2026Q2"), issue_date=date(2026, 10, 9), fonts=fonts)
    assert next_serial(demo, 2026, parse_period(PERIOD)) == 1
    m1 = issue_notice(demo, parse_period(PERIOD), issue_date=DAY, fonts=fonts)
    m2 = issue_notice(demo, parse_period("2026M01-07"), issue_date=DAY, fonts=fonts)
    assert (q1.doc_number, q2.doc_number) == ("黔江招商发〔2026〕1号", "黔江招商发〔2026〕2号")
    assert (m1.doc_number, m2.doc_number) == ("黔江招商督〔2026〕1号", "黔江招商督〔2026〕2号")
    assert next_serial(demo, 2026) == 3 and next_serial(demo, 2026, parse_period("2026Q4")) == 3
    assert next_serial(demo, 2026, parse_period(PERIOD)) == 3
    # A quarterly one after the monthly ones continues its own series; no number is issued twice.
    q3 = issue_notice(demo, parse_period("2026Q1"), issue_date=date(2026, 10, 10), fonts=fonts)
    assert q3.doc_number == "黔江招商发〔2026〕3号"
    numbers = [i.doc_number for i in list_issued(demo)]
    assert len(numbers) == len(set(numbers)) == 5
    # A used number is refused within its series.
    from zsdesk.errors import LedgerError

    with pytest.raises(LedgerError, match="已经用过"):
        issue_notice(demo, parse_period(PERIOD), number=2, issue_date=DAY, fonts=fonts)
    # Archived like the quarterly one: the PDF and the frozen figures.
    assert b"%PDF" in issued_pdf(demo, m1.id)[:8]
    assert issued_figures(demo, m1.id)["doc_number"] == "黔江招商督〔2026〕1号"
    assert "关于2026年1—8月" in flat(issued_pdf(demo, m1.id))


def test_shared_pattern_shares_the_numbers(demo, fonts) -> None:  # type: ignore[no-untyped-def]
    """A bureau that numbers both in one series (same 文号格式) never gets a number twice."""
    from dataclasses import replace

    settings = load_settings(demo)
    save_settings(demo, replace(settings, monthly_number_pattern=settings.number_pattern))
    q = issue_notice(demo, parse_period("2026Q3"), issue_date=date(2026, 10, 8), fonts=fonts)
    m = issue_notice(demo, parse_period(PERIOD), issue_date=DAY, fonts=fonts)
    assert (q.serial, m.serial) == (1, 2) and q.doc_number != m.doc_number


def test_build_notice_dispatches(demo_path: Path, fonts) -> None:  # type: ignore[no-untyped-def]
    with open_unlocked(demo_path, read_only=True) as led:
        quarterly, _ = build_notice(led, parse_period("2026Q2"), issue_date=date(2026, 7, 8), fonts=fonts)
        month, _ = build_notice(led, parse_period("2026M08"), issue_date=DAY, fonts=fonts)
    assert quarterly.doc_number.startswith("黔江招商发") and quarterly.attachments
    assert month.doc_number.startswith("黔江招商督") and month.title == "关于2026年8月全区招商引资工作情况的通报"


def test_cli_issue(demo_path: Path, tmp_path: Path) -> None:
    import shutil

    db = tmp_path / "cli.zsdesk"
    shutil.copy(demo_path, db)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "zsdesk", "--db", str(db), *args], cwd=tmp_path, env=env,
                              capture_output=True, text=True, timeout=300)

    out = tmp_path / "月通报.pdf"
    run = cli("notice", "--period", PERIOD, "-o", str(out), "--issue", "--date", "2026-09-05")
    assert run.returncode == 0, run.stderr
    assert "已签发：黔江招商督〔2026〕1号" in run.stdout
    assert "关于2026年1—8月" in flat(out.read_bytes())
    quarterly = tmp_path / "季度通报.pdf"
    run = cli("notice", "--period", "2026Q3", "-o", str(quarterly), "--issue", "--date", "2026-10-08")
    assert run.returncode == 0, run.stderr
    assert "已签发：黔江招商发〔2026〕1号" in run.stdout
    again = tmp_path / "再次.pdf"
    run = cli("notice", "--period", "2026M01-07", "-o", str(again), "--issue", "--number", "1",
              "--date", "2026-09-05", "--force-date")
    assert run.returncode == 2 and "已经用过" in run.stderr and not again.exists()
    with open_unlocked(db, read_only=True) as led:
        assert out.read_bytes() == issued_pdf(led, list_issued(led)[-1].id)
