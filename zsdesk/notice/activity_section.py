"""招商活动情况 (SPEC §10): the optional notice section on trips, visits and leads.

``activity_section(activity) -> list[Block]`` — a paragraph with the district's figures (trips, those led by
district leaders, companies visited, intentions, trips under quota, leads, conversions, conversion rate) and
a table of the units with any activity. The quarterly notice adds it when the setting
``notice.activity_section`` is on (``NoticeSettings.activity_on``; off by default).
"""

from __future__ import annotations

from ..activity import Activity, ActivityFigures
from .model import Block, Paragraph, Table


def _rate(f: ActivityFigures) -> str:
    rate = f.conversion_rate
    return "—" if rate is None else f"{rate}%"


def activity_section(activity: Activity) -> list[Block]:
    d = activity.district
    label = activity.period.label
    text = (f"{label}，全区共开展外出招商{d.trips}次，其中区领导带队{d.leader_led_trips}次；拜访企业{d.companies_visited}家，"
            f"取得有效合作意向{d.intentions}个。收集招商线索{d.new_leads}条，已转为项目{d.converted_leads}个"
            f"（线索转化率{_rate(d)}），新增在谈项目{d.new_negotiations}个。")
    if d.trips_under_quota:
        text += (f"按每次外出招商拜访企业不少于{activity.min_companies}家、有效意向不少于{activity.min_intentions}个的要求，"
                 f"有{d.trips_under_quota}次未达标。")
    blocks: list[Block] = [Paragraph(text)]
    active = [u for u in activity.units if not u.figures.is_empty()]
    if not active:
        return blocks
    rows: list[list[object]] = [
        [u.short_name, u.figures.trips, u.figures.leader_led_trips, u.figures.companies_visited, u.figures.intentions,
         u.figures.trips_under_quota, u.figures.new_leads, u.figures.converted_leads, _rate(u.figures)]
        for u in active]
    rows.append(["全区", d.trips, d.leader_led_trips, d.companies_visited, d.intentions, d.trips_under_quota,
                 d.new_leads, d.converted_leads, _rate(d)])
    blocks.append(Table(header_rows=[["单位", "外出\n招商", "区领导\n带队", "拜访\n企业", "有效\n意向", "未达标",
                                      "新增\n线索", "转化\n项目", "转化率"]],
                        rows=rows, font_size=10.5, col_widths=[110, 40, 44, 40, 40, 40, 40, 40, 48],
                        align=["left"] + ["right"] * 8,
                        note="注：外出招商按出发日期计入，参加单位各计一次，全区每次只计一次；线索按收到日期计入负责单位。"))
    return blocks
