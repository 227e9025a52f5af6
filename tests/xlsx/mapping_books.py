"""Workbooks that look like what bureaus keep (their own columns), built in the tests for the mapping import."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from zsdesk import ops
from zsdesk.ledger import Ledger

UNITS = [("重庆黔江经济开发区", "经开区", "园区"), ("正阳工业园区", "正阳园区", "园区"),
         ("区商务委", "商务委", "部门"), ("城南街道", "", "乡镇街道")]


def fill_units(ledger: Ledger) -> None:
    for name, short, kind in UNITS:
        ops.create_unit(ledger, {"name": name, "short_name": short, "kind": kind})


def write_book(path: Path, sheets: list[tuple[str, list[list[Any]], list[str]]]) -> Path:
    """Sheets as (title, rows, merged ranges)."""
    wb = Workbook()
    first = True
    for title, rows, merges in sheets:
        ws = wb.active if first else wb.create_sheet()
        first = False
        assert ws is not None
        ws.title = title
        for row in rows:
            ws.append(row)
        for ref in merges:
            ws.merge_cells(ref)
    wb.save(path)
    return path


# Layout A: a county ledger in 亿元, units as text (some written into the cell), a 序号 column, merged title.
LAYOUT_A_HEADER = ["序号", "项目名", "投资企业", "签约金额（亿元）", "计划总投资（万元）", "签约时间", "责任单位",
                   "是否工业", "客商来源", "情况说明"]
LAYOUT_A_ROWS = [
    [1, "锂电池正极材料项目", "深圳某某新能源有限公司", 3.5, 52000, datetime(2025, 3, 12), "重庆黔江经济开发区", "是",
     "省外", "一期"],
    [2, "冷链物流中心", "重庆某冷链公司", "1.2亿", "8000万", "2025/6/1", "区商务委", "否", "区外", None],
    [3, "特色农产品加工", "黔江某食品公司", "8000万元", None, "2025年9月30日", "城南街道", "是", "本区", "续建"],
]


def layout_a(path: Path) -> Path:
    rows = [["2025年招商引资签约项目台账"] + [None] * 9, LAYOUT_A_HEADER, *LAYOUT_A_ROWS, ["合计"] + [None] * 9]
    return write_book(path, [("2025年台账", rows, ["A1:J1"])])


# Layout B: two merged title rows, a 单位 line, a stage column with words and a date column, parks by short name.
LAYOUT_B_HEADER = ["项目名称", "企业名称", "协议资金", "进展情况", "开工时间", "所属园区", "产业"]
LAYOUT_B_ROWS = [
    ["新型建材生产线", "重庆某建材公司", 2.5, "已开工", datetime(2025, 5, 20), "经开区", "新材料"],
    ["中药材提取", "某某药业", 0.6, "已开工", None, "正阳园区", "生物医药"],
    ["文旅综合体", "某文旅集团", 12, "在谈", None, "经开区", "文旅"],
]


def layout_b(path: Path) -> Path:
    rows = [["黔江区招商引资重点项目推进表"] + [None] * 6, ["（截至2025年12月）"] + [None] * 6,
            ["单位：亿元"] + [None] * 6, LAYOUT_B_HEADER, *LAYOUT_B_ROWS]
    return write_book(path, [("推进表", rows, ["A1:G1", "A2:G2", "A3:G3"])])


# Layout C: one sheet per year, same columns; units by short name; origin words of the bureau.
LAYOUT_C_HEADER = ["项目", "投资方", "金额(万元)", "签约日期", "单位", "来源"]
LAYOUT_C_SHEETS = {
    "2024年": [["食品加工园", "某食品集团", 6000, datetime(2024, 4, 1), "经开区", "省外"],
              ["数据中心", "某云计算公司", 20000, datetime(2024, 8, 8), "商务委", "市外"]],
    "2025年": [["仓储物流", "某物流公司", 3000, datetime(2025, 2, 2), "城南街道", "区外"],
              ["光伏组件", "某光伏公司", 150000, datetime(2025, 11, 11), "正阳园区", "本区"]],
}


def layout_c(path: Path) -> Path:
    return write_book(path, [(year, [LAYOUT_C_HEADER, *rows], []) for year, rows in LAYOUT_C_SHEETS.items()])


# Layout D: a unit's monthly sheet with short and old unit names, chains written loosely, 协办 units.
LAYOUT_D_HEADER = ["项目名称", "投资主体", "引资单位", "协办单位", "计划投资（亿元）", "签约日期", "产业链"]
LAYOUT_D_ROWS = [
    ["智能装备产业园", "某装备公司", "经开区", "商务局、城南街道", 10, datetime(2025, 7, 7), "新材料"],
    ["跨境电商中心", "某电商公司", "商务局", None, 0.8, datetime(2025, 8, 8), "数字经济"],
]


def layout_d(path: Path) -> Path:
    return write_book(path, [("8月", [LAYOUT_D_HEADER, *LAYOUT_D_ROWS], [])])
