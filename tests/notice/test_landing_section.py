"""项目落地 in the quarterly notice (issue 18 item 7): after the leaderboard, the four rates with 同比 in
percentage points when last year's cohort exists, the overdue list as 附件3; switchable; layout clean."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path

from zsdesk.lifecycle import compute_lifecycle
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


def test_section_follows_the_leaderboard_with_rates_and_attachment(demo_path: Path, fonts: FontSet,
                                                                   tmp_path: Path) -> None:
    with open_unlocked(demo_path, read_only=True) as led:
        doc, _ = build_quarterly_notice(led, parse_period("2026Q3"), issue_date=ISSUE, fonts=fonts)
        lc = compute_lifecycle(led, "2026Q3")
        last = compute_lifecycle(led, "2025Q3")
    heads = _headings(doc)
    at = heads.index("三、项目落地情况")
    assert heads[at - 1] == "二、“招商英雄榜”排名情况"
    start = next(i for i, b in enumerate(doc.blocks) if isinstance(b, Heading) and b.text == "三、项目落地情况")
    text = "".join(b.text for b in doc.blocks[start + 1:start + 4] if isinstance(b, Paragraph))
    d = lc.district
    assert f"项目（不含退库、不计项目）{d.cohort}个" in text and f"已开工{d.started}个" in text
    assert last.district.cohort > 0
    diff = d.start_rate - last.district.start_rate  # type: ignore[operator]
    assert f"开工率{d.start_rate:.2f}%，比上年同期{'提高' if diff > 0 else '下降'}{abs(diff):.2f}个百分点" in text
    for label in ("投产率", "资金到位率", "履约率"):
        assert label in text
    assert "详见附件3" in text
    att = doc.attachments[-1]
    assert att.title == "2026年1—9月逾期未落地项目清单" and not att.landscape
    table = att.blocks[0]
    assert isinstance(table, Table)
    assert len(table.rows) == len(lc.overdue) + 1 and table.rows[-1][1] == f"合计{len(lc.overdue)}个"
    assert [r[1] for r in table.rows[:-1]] == [o.name for o in lc.overdue]
    pdf = tmp_path / "notice.pdf"
    pdf.write_bytes(render_notice(doc, fonts))
    out = subprocess.run([sys.executable, str(CHECKER), str(pdf)], capture_output=True, text=True)
    assert out.returncode == 0 and "0 layout problems" in out.stdout


def test_no_same_period_comparison_without_last_years_cohort(demo_path: Path, fonts: FontSet) -> None:
    with open_unlocked(demo_path, read_only=True) as led:
        if compute_lifecycle(led, "2024Q3").district.cohort:
            return  # the demo has a 2023-24 cohort: nothing to show here
        doc, _ = build_quarterly_notice(led, parse_period("2025Q3"), issue_date=ISSUE, fonts=fonts)
    start = next(i for i, b in enumerate(doc.blocks) if isinstance(b, Heading) and b.text.endswith("项目落地情况"))
    assert "上年同期" not in doc.blocks[start + 1].text  # type: ignore[union-attr]


def test_the_section_can_be_switched_off_in_the_settings(demo_path: Path, fonts: FontSet, tmp_path: Path) -> None:
    copy = tmp_path / "demo.sqlite"
    copy.write_bytes(demo_path.read_bytes())
    with open_unlocked(copy) as led:
        assert load_settings(led).landing_on  # on by default
        save_settings(led, replace(load_settings(led), landing_section="0"))
        assert not load_settings(led).landing_on
        doc, figures = build_quarterly_notice(led, parse_period("2026Q3"), issue_date=ISSUE, fonts=fonts)
    assert not any("项目落地" in h for h in _headings(doc))
    assert len(doc.attachments) == 2 and doc.attachments[-1].title.endswith("签约项目清单")
    assert figures["settings"]["landing_section"] == "0"
    assert NoticeSettings().landing_on
