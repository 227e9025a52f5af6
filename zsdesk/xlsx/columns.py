"""The import columns of each kind (SPEC §5): canonical headers, the field each fills, and help text.

Templates are written from these, the importer matches headers against them (and their aliases,
so the app's own exported files import too), and the explanation sheet is generated from them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from ..errors import LedgerError
from ..labels import ORIGIN_LABELS, UNIT_KIND_LABELS


@dataclass(frozen=True)
class ImportColumn:
    header: str
    field: str  # the ops field it fills; pseudo fields: code, origin_place, unit, project, person_unit
    kind: str = "text"  # text | money | date | count | year | list
    required: bool = False
    help: str = ""
    choices: str | None = None  # origin | industrial | unit_kind | units | parks | chains | tags | persons
    aliases: tuple[str, ...] = ()
    width: int = 14


DATE_HELP = "日期，如 2026-03-01（也可填 2026/3/1、2026年3月1日）"
MONEY_HELP = "金额，单位万元，最多 4 位小数；也可写“3.2亿”“1,200万元”"

PROJECT_COLUMNS = (
    ImportColumn("项目编号", "code", help="可不填；从本软件导出的台账带有编号，重新导入时按编号更新原项目", width=11),
    ImportColumn("项目名称", "name", required=True, help="必填，最多 200 字", width=30),
    ImportColumn("投资方", "investor", help="投资企业全称；同一投资方的同名项目视为同一项目", width=26),
    ImportColumn("投资方标签", "tag_ids", "list", choices="tags",
                 help="可多个，用“、”分隔：" + "、".join(("世界500强", "中国500强", "民营500强", "行业100强", "上市公司",
                                                    "专精特新", "高新技术企业")), width=16),
    ImportColumn("投资方来源", "origin", choices="origin", help="从下拉列表选择：" + " / ".join(ORIGIN_LABELS.values()),
                 width=11),
    ImportColumn("来源地", "origin_place", help="省、市，如“广东省深圳市”", width=14),
    ImportColumn("产业链", "chain_id", choices="chains", help="从下拉列表选择", width=11),
    ImportColumn("是否工业项目", "industrial", choices="industrial", help="是 / 否", width=8),
    ImportColumn("计划总投资（万元）", "planned_investment", "money", help=MONEY_HELP, aliases=("计划总投资",)),
    ImportColumn("协议资金（万元）", "agreement_amount", "money", help=MONEY_HELP, aliases=("协议资金", "协议投资额")),
    ImportColumn("达产年产值（万元）", "expected_output", "money", help=MONEY_HELP, aliases=("达产年产值",)),
    ImportColumn("首次接洽日期", "first_contact_date", "date", help=DATE_HELP, width=12),
    ImportColumn("框架协议签订日期", "framework_date", "date", help=DATE_HELP, width=12),
    ImportColumn("正式合同签订日期", "formal_date", "date", help=DATE_HELP, width=12),
    ImportColumn("开工日期", "started_date", "date", help=DATE_HELP, width=12),
    ImportColumn("投产日期", "production_date", "date", help=DATE_HELP, width=12),
    ImportColumn("达产日期", "full_production_date", "date", help=DATE_HELP, width=12),
    ImportColumn("退库日期", "withdrawn_date", "date", help=DATE_HELP + "；填写即视为退库", width=12),
    # SPEC §9 / issue 18: optional; blank → the rules' deadline by size class.
    ImportColumn("约定开工日期", "promised_start_date", "date", help=DATE_HELP + "；合同约定的开工日期，可不填", width=12),
    ImportColumn("约定投产日期", "promised_production_date", "date", help=DATE_HELP + "；合同约定的投产日期，可不填",
                 width=12),
    ImportColumn("牵头单位", "lead_unit_id", choices="units", help="已签约的项目必填；须是软件中已有的单位", width=16,
                 aliases=("责任单位", "引资单位")),
    ImportColumn("配合单位", "cooperating_unit_ids", "list", choices="units", help="联合招商的配合单位，可多个，用“、”分隔",
                 width=16),
    ImportColumn("落地园区", "landing_park_id", choices="parks", help="须是类别为“园区”的单位", width=14),
    ImportColumn("挂帅领导", "leader", help="文字", width=10),
    ImportColumn("引荐人", "person_ids", "list", choices="persons",
                 help="竞榜个人，可多个，用“、”分隔；须是软件中已有的人员，重名时写“姓名（单位）”", width=14),
    ImportColumn("备注", "notes", help="文字", width=24),
)

FUNDING_COLUMNS = (
    ImportColumn("项目编号", "code", help="可不填；填写时按编号找项目", width=11),
    ImportColumn("项目名称", "name", required=True, help="必填；与投资方一起找到台账中的项目", width=30),
    ImportColumn("投资方", "investor", help="与台账中该项目的投资方一致", width=26),
    ImportColumn("到位日期", "date", "date", required=True, help=DATE_HELP, width=12),
    ImportColumn("到位金额（万元）", "amount", "money", required=True, help=MONEY_HELP + "；冲减时填负数",
                 aliases=("到位金额", "到位资金（万元）", "到位资金")),
    ImportColumn("备注", "note", help="文字", width=24),
)

TARGET_COLUMNS = (
    ImportColumn("年度", "year", "year", required=True, help="如 2026", width=8),
    ImportColumn("单位", "unit_id", choices="units_district", required=True,
                 help="单位名称；填“全区”为全区目标任务", width=18, aliases=("单位名称", "责任单位")),
    ImportColumn("重大项目（个）", "major_count", "count", help="整数", aliases=("重大项目",)),
    ImportColumn("较大项目（个）", "large_count", "count", help="整数", aliases=("较大项目",)),
    ImportColumn("重点项目（个）", "key_count", "count", help="整数", aliases=("重点项目",)),
    ImportColumn("协议资金（万元）", "agreement_amount", "money", help=MONEY_HELP, aliases=("协议资金",)),
    ImportColumn("正式合同额（万元）", "formal_amount", "money", help=MONEY_HELP, aliases=("正式合同额",)),
    ImportColumn("到位资金（万元）", "arrived_amount", "money", help=MONEY_HELP, aliases=("到位资金",)),
)

UNIT_COLUMNS = (
    ImportColumn("单位名称", "name", required=True, help="必填；已有同名单位时更新它", width=24),
    ImportColumn("简称", "short_name", help="可不填", width=12),
    ImportColumn("类别", "kind", choices="unit_kind", help=" / ".join(UNIT_KIND_LABELS.values()), width=10),
)

PERSON_COLUMNS = (
    ImportColumn("姓名", "name", required=True, help="必填", width=10),
    ImportColumn("所属单位", "unit_id", choices="units", help="须是软件中已有的单位", width=24, aliases=("单位",)),
)

# SPEC §10: leads (线索) and trips (外出招商, one row per company visited).
LEAD_COLUMNS = (
    ImportColumn("收到日期", "received_date", "date", required=True, help=DATE_HELP, width=12),
    ImportColumn("线索来源", "source_id", choices="lead_sources", required=True,
                 help="从下拉列表选择：以商招商、中介机构、驻外招商、领导招商、产业赋能大使、网络推介、其他", width=12),
    ImportColumn("企业名称", "company", required=True, help="必填；同一收到日期的同名企业视为同一条线索（重新导入时更新它）",
                 width=26),
    ImportColumn("联系人", "contact_name", help="文字", width=10),
    ImportColumn("联系电话", "phone", help="手机或座机号码，如 13812345678、023-12345678", width=14),
    ImportColumn("产业链", "chain_id", choices="chains", help="从下拉列表选择", width=11),
    ImportColumn("意向投资（万元）", "intended_investment", "money", help=MONEY_HELP, aliases=("意向投资",)),
    ImportColumn("负责单位", "unit_id", choices="units", help="须是软件中已有的单位", width=16),
    ImportColumn("负责人", "person_id", choices="persons", help="须是软件中已有的人员，重名时写“姓名（单位）”", width=10),
    ImportColumn("状态", "status", choices="lead_status",
                 help="新线索 / 跟进中 / 无效（写成“无效：原因”）；不填为新线索；“已转项目”请在软件中用“转为项目”", width=10),
    ImportColumn("备注", "notes", help="文字", width=24),
)

TRIP_COLUMNS = (
    ImportColumn("出发日期", "departure_date", "date", required=True,
                 help=DATE_HELP + "；出发日期、目的地、带队领导相同的行是同一次外出招商", width=12),
    ImportColumn("返回日期", "return_date", "date", help=DATE_HELP, width=12),
    ImportColumn("目的地", "destination", required=True, help="省、市，如“广东省深圳市”", width=14),
    ImportColumn("带队领导", "leader", help="姓名及职务，如“张三（副区长）”", width=14),
    ImportColumn("带队级别", "level", choices="trip_level", help="区领导带队 / 部门带队；不填为部门带队", width=11),
    ImportColumn("参加单位", "unit_ids", "list", choices="units", required=True,
                 help="可多个，用“、”分隔；须是软件中已有的单位", width=20),
    ImportColumn("拜访企业", "company", help="一行一家企业；一次外出招商有几家就写几行", width=26),
    ImportColumn("拜访日期", "date", "date", help=DATE_HELP + "；应在出发和返回日期之间", width=12),
    ImportColumn("洽谈结果", "outcome", choices="visit_outcome", help="有合作意向 / 一般 / 无意向；不填为一般", width=11),
    ImportColumn("备注", "notes", help="文字", width=24),
)

KINDS: dict[str, tuple[str, tuple[ImportColumn, ...]]] = {
    "projects": ("项目", PROJECT_COLUMNS),
    "funding": ("到位资金", FUNDING_COLUMNS),
    "targets": ("目标任务", TARGET_COLUMNS),
    "units": ("单位", UNIT_COLUMNS),
    "persons": ("人员", PERSON_COLUMNS),
    "leads": ("线索", LEAD_COLUMNS),
    "trips": ("外出招商", TRIP_COLUMNS),
}


def kind_columns(kind: str) -> tuple[str, tuple[ImportColumn, ...]]:
    if kind not in KINDS:
        raise LedgerError(f"不认识的导入类型“{kind}”，应为 {' / '.join(KINDS)}。")
    return KINDS[kind]


_UNIT_SUFFIX = re.compile(r"\((万元|亿元|元|个|万|亿)\)$")


def normalize_header(text: object) -> str:
    """Width-folded, without spaces, required-marks or line breaks: ``“ 协议资金（万元）*”`` → ``协议资金(万元)``."""
    value = unicodedata.normalize("NFKC", str(text or ""))
    value = re.sub(r"\s+", "", value).strip("*＊")
    return value.replace("【", "(").replace("】", ")").replace("[", "(").replace("]", ")")


def header_key(text: object) -> tuple[str, str | None]:
    """The header without its unit suffix, and the unit (``万元``, ``亿元``, ``个`` …) if one is given."""
    value = normalize_header(text)
    m = _UNIT_SUFFIX.search(value)
    if m:
        return value[: m.start()], m.group(1)
    return value, None
