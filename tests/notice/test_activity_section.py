"""招商活动情况 in the quarterly notice (issue 19 item 4): off by default; switched on, a section after
项目落地 with the district's figures and a table of the active units; layout clean."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path

from zsdesk.activity import activity_to_json, compute_activity
from zsdesk.notice.compose import render_notice
from zsdesk.notice.fonts import FontSet
from zsdesk.notice.model import Heading, Paragraph, Table
from zsdesk.notice.narrative import NoticeSettings, load_settings, save_settings
from zsdesk.notice.quarterly import build_quarterly_notice
from zsdesk.opening import open_unlocked
from zsdesk.periods import parse_period

CHECKER = Path(__file__).resolve().parents[2].parent / "shared" / "tools" / "check_notice_layout.py"
ISSUE = date(2026, 10, 10)


def _headings(doc) -> list[str]:  # type: ignore[no-untyped-def]
    return [b.text for b in doc.blocks if isinstance(b, Heading) and b.level == 1]


def test_off_by_default(demo_path: Path, fonts: FontSet) -> None:
    assert not NoticeSettings().activity_on
    with open_unlocked(demo_path, read_only=True) as led:
        doc, figures = build_quarterly_notice(led, parse_period("2026Q3"), issue_date=ISSUE, fonts=fonts)
    assert not any("招商活动" in h for h in _headings(doc)) and "activity" not in figures


def test_switched_on_the_section_prints_the_figures(demo_path: Path, fonts: FontSet, tmp_path: Path) -> None:
    copy = tmp_path / "demo.sqlite"
    copy.write_bytes(demo_path.read_bytes())
    with open_unlocked(copy) as led:
        save_settings(led, replace(load_settings(led), activity_section="1"))
        assert load_settings(led).activity_on
        doc, figures = build_quarterly_notice(led, parse_period("2026Q3"), issue_date=ISSUE, fonts=fonts)
        with led.reading() as s:
            activity = compute_activity(s, parse_period("2026Q3"))
    heads = _headings(doc)
    at = heads.index("四、招商活动情况")
    assert heads[at - 1] == "三、项目落地情况"
    start = next(i for i, b in enumerate(doc.blocks) if isinstance(b, Heading) and b.text == "四、招商活动情况")
    text, table = doc.blocks[start + 1], doc.blocks[start + 2]
    assert isinstance(text, Paragraph) and isinstance(table, Table)
    d = activity.district
    assert d.trips > 0 and f"全区共开展外出招商{d.trips}次，其中区领导带队{d.leader_led_trips}次" in text.text
    assert f"拜访企业{d.companies_visited}家" in text.text and f"线索转化率{d.conversion_rate}%" in text.text
    assert table.rows[-1][:2] == ["全区", d.trips]
    assert len(table.rows) == 1 + sum(1 for u in activity.units if not u.figures.is_empty())
    assert figures["activity"] == activity_to_json(activity)
    pdf = tmp_path / "notice.pdf"
    pdf.write_bytes(render_notice(doc, fonts))
    out = subprocess.run([sys.executable, str(CHECKER), str(pdf)], capture_output=True, text=True)
    assert out.returncode == 0 and "0 layout problems" in out.stdout, out.stdout[-500:]
