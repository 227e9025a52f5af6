"""Chinese labels for code values and fields: one place for the words users see."""

from __future__ import annotations

from enum import StrEnum

UNIT_KIND_LABELS = {"park": "园区", "department": "部门", "town": "乡镇街道", "other": "其他"}
ORIGIN_LABELS = {"out_of_city": "市外", "in_city": "区外市内", "in_district": "区内"}
STAGE_LABELS = {
    "lead": "线索",
    "negotiating": "在谈",
    "framework": "框架协议",
    "formal": "正式合同",
    "started": "开工",
    "production": "投产",
    "full_production": "达产",
    "withdrawn": "退库",
}
DICTIONARY_KIND_LABELS = {"chain": "产业链", "investor_tag": "投资方标签", "lead_source": "线索来源"}
# SPEC §10: leads and trips.
LEAD_STATUS_LABELS = {"new": "新线索", "following": "跟进中", "converted": "已转项目", "invalid": "无效"}
TRIP_LEVEL_LABELS = {"district_leader": "区领导带队", "department": "部门带队"}
VISIT_OUTCOME_LABELS = {"intention": "有合作意向", "general": "一般", "none": "无意向"}


class Entity(StrEnum):
    """What a change record (and an audit row) is about. Str-valued: stored values stay "project" …"""

    UNIT = "unit"
    PERSON = "person"
    PROJECT = "project"
    FUNDING = "funding"
    TARGET = "target"
    DICTIONARY = "dictionary"
    SETTING = "setting"
    RULES = "rules"
    NOTICE = "notice"
    LEDGER = "ledger"
    PROGRESS = "progress"
    LEAD = "lead"
    LEAD_FOLLOWUP = "lead_followup"
    TRIP = "trip"
    TRIP_VISIT = "trip_visit"
    EXPORT = "export"


class Action(StrEnum):
    """What a change record did. Str-valued: stored values stay "insert" …"""

    INSERT = "insert"
    UPDATE = "update"
    DELETE = "delete"
    RESTORE = "restore"
    PURGE = "purge"


ACTION_LABELS: dict[str, str] = {Action.INSERT: "新增", Action.UPDATE: "修改", Action.DELETE: "删除", Action.RESTORE: "恢复",
                 Action.PURGE: "彻底删除"}
ENTITY_LABELS: dict[str, str] = {
    Entity.UNIT: "单位",
    Entity.PERSON: "人员",
    Entity.PROJECT: "项目",
    Entity.FUNDING: "到位资金",
    Entity.TARGET: "目标任务",
    Entity.DICTIONARY: "字典",
    Entity.SETTING: "设置",
    Entity.RULES: "计数规则",
    Entity.NOTICE: "通报",
    Entity.LEDGER: "台账",
    Entity.PROGRESS: "项目进展",
    Entity.LEAD: "招商线索",
    Entity.LEAD_FOLLOWUP: "线索跟进",
    Entity.TRIP: "外出招商",
    Entity.TRIP_VISIT: "走访企业",
    Entity.EXPORT: "导出",
}

FIELD_LABELS = {
    # projects
    "code": "项目编号",
    "name": "项目名称",
    "investor": "投资方",
    "tag_ids": "投资方标签",
    "origin": "投资方来源",
    "origin_province": "来源省份",
    "origin_city": "来源城市",
    "chain_id": "产业链",
    "industrial": "是否工业项目",
    "planned_investment": "计划总投资",
    "agreement_amount": "协议资金",
    "expected_output": "达产年产值",
    "first_contact_date": "首次接洽日期",
    "framework_date": "框架协议签订日期",
    "formal_date": "正式合同签订日期",
    "started_date": "开工日期",
    "production_date": "投产日期",
    "full_production_date": "达产日期",
    "withdrawn_date": "退库日期",
    "promised_start_date": "约定开工日期",
    "promised_production_date": "约定投产日期",
    "stage": "阶段",
    "lead_unit_id": "牵头单位",
    "cooperating_unit_ids": "配合单位",
    "landing_park_id": "落地园区",
    "leader": "挂帅领导",
    "person_ids": "引荐人",
    "notes": "备注",
    # units / persons / dictionaries
    "short_name": "简称",
    "kind": "类别",
    "active": "启用",
    "sort_order": "排序",
    "unit_id": "单位",
    "flags": "标记",
    # funding
    "project_id": "项目",
    "date": "到位日期",
    "amount": "到位金额",
    "note": "备注",
    # targets
    "year": "年度",
    "major_count": "重大项目（个）",
    "large_count": "较大项目（个）",
    "key_count": "重点项目（个）",
    "formal_amount": "正式合同额",
    "arrived_amount": "到位资金",
    # bookkeeping fields the 操作日志 shows
    "signed_date": "首次签约日期",
    "deleted_at": "删除时间",
    "key": "设置项",
    "value": "设置值",
    "operator": "操作员",
    "code_seq": "编号序号",
    # 认定 (SPEC §11)
    "verification": "认定状态",
    "verification_reason": "退回原因",
    "verification_by": "认定人",
    "verification_at": "认定时间",
    "verified_snapshot": "认定时的内容",
    # leads and trips (SPEC §10)
    "received_date": "收到日期",
    "source_id": "线索来源",
    "company": "企业名称",
    "contact_name": "联系人",
    "phone": "联系电话",
    "intended_investment": "意向投资",
    "person_id": "负责人",
    "status": "状态",
    "status_reason": "状态说明",
    "departure_date": "出发日期",
    "return_date": "返回日期",
    "province": "目的地省份",
    "city": "目的地城市",
    "level": "带队级别",
    "unit_ids": "参加单位",
    "outcome": "洽谈结果",
    "lead_id": "线索",
    "trip_id": "外出招商",
    "text": "内容",
}


def field_label(field: str) -> str:
    return FIELD_LABELS.get(field, field)

# The extra boards beside the ranking (英雄榜's 招大引强 / 招新引优 / 重大项目开工 tabs and the notice).
EXTRA_BOARD_LABELS = {"big": "招大引强", "new": "招新引优", "major_started": "重大项目开工"}
# A project or funding line with no lead unit, wherever it is listed by unit.
NO_LEAD_UNIT = "（未填牵头单位）"


class Figure(StrEnum):
    """A board figure a number can be drilled into (and, for six of them, a target rate). Str-valued: the
    drill-down's figure names and the keys of ``rates`` stay "formal" …; the board's field names
    ("formal_amount", "formal_contracts", the target's "formal_amount") come from ``count_field``,
    ``amount_field`` and ``target_field`` — the one place the two spellings meet."""

    SIGNED = "signed"
    FORMAL = "formal"
    FRAMEWORK = "framework"
    AGREEMENT = "agreement"  # first signed: 协议资金 counts a project once
    MAJOR = "major"
    LARGE = "large"
    KEY = "key"
    GENERAL = "general"
    STARTED = "started"
    ARRIVED = "arrived"

    @classmethod
    def named(cls, name: str) -> Figure:
        """The figure called ``name``, or whose board amount field is ``name`` ("formal_amount" → FORMAL);
        ValueError for anything else."""
        for figure in cls:
            if name in (figure.value, _AMOUNT_FIELD.get(figure)):
                return figure
        raise ValueError(name)

    @property
    def count_field(self) -> str | None:
        """The board's count of this figure's projects (lead unit only), None for funds arrived."""
        return _COUNT_FIELD.get(self)

    @property
    def amount_field(self) -> str | None:
        """The board's (credited) amount of this figure, None for a count only."""
        return _AMOUNT_FIELD.get(self)

    @property
    def board_field(self) -> str:
        """The board field a rate or a drill-down total is read from: the amount, else the count."""
        return _AMOUNT_FIELD.get(self) or _COUNT_FIELD[self]

    @property
    def target_field(self) -> str:
        """The target (目标任务) field this figure's rate is measured against (``RATE_FIGURES`` only)."""
        return _TARGET_FIELD[self]


_COUNT_FIELD = {Figure.SIGNED: "signed_projects", Figure.FORMAL: "formal_contracts",
                Figure.FRAMEWORK: "framework_agreements", Figure.AGREEMENT: "first_signed", Figure.MAJOR: "major",
                Figure.LARGE: "large", Figure.KEY: "key", Figure.GENERAL: "general",
                Figure.STARTED: "started_projects"}
_AMOUNT_FIELD = {Figure.FORMAL: "formal_amount", Figure.FRAMEWORK: "framework_amount",
                 Figure.AGREEMENT: "agreement_amount", Figure.ARRIVED: "arrived_amount"}
_TARGET_FIELD = {Figure.MAJOR: "major_count", Figure.LARGE: "large_count", Figure.KEY: "key_count",
                 Figure.AGREEMENT: "agreement_amount", Figure.FORMAL: "formal_amount",
                 Figure.ARRIVED: "arrived_amount"}
AMOUNT_FIGURES = tuple(_AMOUNT_FIELD)  # credited to lead and cooperating units (SPEC §3.1)
LEAD_ONLY_FIGURES = (Figure.SIGNED, Figure.MAJOR, Figure.LARGE, Figure.KEY, Figure.GENERAL, Figure.STARTED)
RATE_FIGURES = tuple(_TARGET_FIELD)  # the six with a target and a completion rate, in the board's order
