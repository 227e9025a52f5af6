"""What the section chief edits for the quarterly notice: the notice settings and the narrative.

Public API::

    NoticeSettings(authority, header, number_pattern, addressees, cc, printer, signatory)
    load_settings(ledger) -> NoticeSettings          # ledger settings ``notice.*``, defaults filled in
    save_settings(ledger, settings) -> Change        # one audited operation for all keys
    Narrative(highlights, problems, next_steps)      # text with placeholders such as {正式合同额}
    load_narrative(ledger, period) -> Narrative      # ``notice.narrative.<period>``, else the default text
    save_narrative(ledger, period, narrative) -> Change
    default_narrative() -> Narrative
    PLACEHOLDERS: dict[str, str]                     # name → description, for the notice editor
    fill_placeholders(text, values) -> str           # unknown {名称} stay as typed; never raises
    format_doc_number(pattern, year, serial) -> str  # serial None → a blank for the draft
    NoticeDraft(narrative, settings, issue_date)     # what is typed, autosaved per period
    load_draft(ledger, period) -> NoticeDraft | None # ``notice.draft.<period>``
    save_draft(ledger, period, draft) -> Change
    discard_draft(ledger, period) -> Change

Narrative text: each line is a paragraph; a short line beginning ``（一）`` … is a level-2 heading.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, fields
from typing import TYPE_CHECKING

from ..errors import LedgerError
from ..ops.history import Change
from ..ops.settings import set_settings
from ..periods import Period

if TYPE_CHECKING:
    from ..ledger import Ledger

SETTING_PREFIX = "notice."
NARRATIVE_PREFIX = "notice.narrative."
DRAFT_SERIAL = "\u3000\u3000"  # two full-width spaces: the serial is written in when the notice is issued

_DEFAULT_AUTHORITY = "重庆市黔江区招商投资促进局"


@dataclass(frozen=True)
class NoticeSettings:
    authority: str = _DEFAULT_AUTHORITY  # 发文机关全称
    header: str = ""  # 发文机关标志 (red header); blank → authority + "文件"
    number_pattern: str = "黔江招商发〔{年}〕{号}号"
    addressees: str = "各园区管委会，区级有关部门，各乡镇人民政府、街道办事处："
    cc: str = "区委办公室，区人大常委会办公室，区政府办公室，区政协办公室。"
    printer: str = _DEFAULT_AUTHORITY  # 印发机关
    signatory: str = _DEFAULT_AUTHORITY  # 发文机关署名
    monthly_number_pattern: str = "黔江招商督〔{年}〕{号}号"  # 月通报 (month ranges): its own series
    landing_section: str = "1"  # "1": the 项目落地 section and its overdue attachment (SPEC §9); "0": left out
    activity_section: str = "0"  # "1": the 招商活动情况 section (SPEC §10); off unless the bureau turns it on

    @property
    def landing_on(self) -> bool:
        return self.landing_section.strip() not in ("0", "否", "")

    @property
    def activity_on(self) -> bool:
        return self.activity_section.strip() not in ("0", "否", "")

    @property
    def header_text(self) -> str:
        text = self.header.strip() or self.authority.strip()
        if not self.header.strip() and text and not text.endswith("文件"):
            text += "文件"
        return text

    def to_dict(self) -> dict[str, str]:
        return asdict(self)


SETTING_LABELS = {
    "authority": "发文机关", "header": "版头（发文机关标志）", "number_pattern": "文号格式",
    "addressees": "主送机关", "cc": "抄送机关", "printer": "印发机关", "signatory": "落款（发文机关署名）",
    "monthly_number_pattern": "月通报文号格式",
}


def load_settings(ledger: Ledger) -> NoticeSettings:
    values: dict[str, str] = {}
    for f in fields(NoticeSettings):
        value = ledger.get_setting(SETTING_PREFIX + f.name, None)
        if isinstance(value, str):
            values[f.name] = value
    return NoticeSettings(**values)


def check_number_pattern(pattern: str) -> None:
    if "{号}" not in pattern:
        raise LedgerError(f"文号格式“{pattern}”中缺少 {{号}}，例如：黔江招商发〔{{年}}〕{{号}}号")


def save_settings(ledger: Ledger, settings: NoticeSettings, based_on: NoticeSettings | None = None) -> Change:
    """``based_on``: the settings the editor loaded; refused (``ConflictError``) if someone saved since."""
    check_number_pattern(settings.number_pattern)
    check_number_pattern(settings.monthly_number_pattern)
    if not settings.authority.strip():
        raise LedgerError("发文机关不能为空。")
    expected = None if based_on is None else {SETTING_PREFIX + k: v for k, v in based_on.to_dict().items()}
    defaults = {SETTING_PREFIX + k: v for k, v in NoticeSettings().to_dict().items()}
    labels = {SETTING_PREFIX + k: v for k, v in SETTING_LABELS.items()}
    return set_settings(ledger, {SETTING_PREFIX + k: v for k, v in settings.to_dict().items()},
                        "修改通报设置", expected=expected, what="通报设置", labels=labels, missing=defaults)


def format_doc_number(pattern: str, year: int, serial: int | None) -> str:
    """``黔江招商发〔{年}〕{号}号`` → ``黔江招商发〔2026〕12号``; ``serial=None`` leaves the serial blank."""
    check_number_pattern(pattern)
    return pattern.replace("{年}", str(year)).replace("{号}", DRAFT_SERIAL if serial is None else str(serial))


# ---- narrative ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Narrative:
    highlights: str = ""  # 工作亮点
    problems: str = ""  # 存在问题
    next_steps: str = ""  # 下步工作

    def to_dict(self) -> dict[str, str]:
        return asdict(self)


NARRATIVE_LABELS = {"highlights": "工作亮点", "problems": "存在问题", "next_steps": "下步工作"}

PLACEHOLDERS: dict[str, str] = {
    "期间": "通报期间，如“2026年1—9月”",
    "季度": "本季度，如“2026年三季度”",
    "年度": "年份，如“2026”",
    "截至": "期末，如“9月底”",
    "签约项目数": "年初以来签约项目个数（正式合同与框架协议，每个项目计一次）",
    "正式合同数": "年初以来签订正式合同的项目个数",
    "正式合同额": "年初以来正式合同额，如“178.37亿元”",
    "正式合同完成率": "正式合同额完成全区年度目标的百分比，如“103.22%”；无目标为“—”",
    "正式合同目标": "全区年度正式合同额目标，如“172.80亿元”",
    "框架协议数": "年初以来签订框架协议（尚未签正式合同）的项目个数",
    "框架协议额": "上述框架协议的协议资金",
    "协议资金": "年初以来首次签约项目的协议资金",
    "协议资金完成率": "协议资金完成全区年度目标的百分比",
    "到位资金": "年初以来到位资金，如“12.58亿元”",
    "到位资金完成率": "到位资金完成全区年度目标的百分比",
    "到位资金目标": "全区年度到位资金目标",
    "开工项目数": "年初以来开工项目个数",
    "重大项目数": "年初以来首次签约的重大项目个数",
    "较大项目数": "年初以来首次签约的较大项目个数",
    "重点项目数": "年初以来首次签约的重点项目个数",
    "同比": "正式合同额同比，如“同比增长57.33%”或“同比下降4.50%”",
    "正式合同额同比": "同上",
    "到位资金同比": "到位资金同比，如“同比增长201.66%”",
    "签约项目数同比": "签约项目个数同比",
    "协议资金同比": "协议资金同比",
    "本季度签约项目数": "本季度签约项目个数",
    "本季度正式合同额": "本季度正式合同额",
    "本季度到位资金": "本季度到位资金",
    "本季度开工项目数": "本季度开工项目个数",
    "单位数": "参加英雄榜的单位个数",
    "前三名单位": "单位榜前三名，如“城东街道、区卫生健康委、阿蓬江镇”",
    "第一名单位": "单位榜第一名",
    "无签约单位数": "年初以来既无签约也无到位资金的单位个数",
    "无签约单位": "这些单位的名称，以顿号分隔；没有时为“无”",
    "个人第一名": "个人榜第一名，如“吕旭（冯家街道）”",
}

_PLACEHOLDER = re.compile(r"\{([^{}\n]{1,20})\}")


def fill_placeholders(text: str, values: dict[str, str]) -> str:
    """Replace each known ``{名称}``; anything else — unknown names, lone braces — stays exactly as typed."""
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1).strip(), m.group(0)), text or "")


def unknown_placeholders(text: str) -> list[str]:
    """Names in ``{…}`` that the engine does not fill (the editor can warn about typos)."""
    return [m.group(1) for m in _PLACEHOLDER.finditer(text or "") if m.group(1).strip() not in PLACEHOLDERS]


def default_narrative() -> Narrative:
    return Narrative(
        highlights=(
            "（一）坚持高位推动，压实招商责任。各单位主要负责同志带头外出招商，{季度}全区签约项目"
            "{本季度签约项目数}个，正式合同额{本季度正式合同额}，到位资金{本季度到位资金}。\n"
            "（二）聚焦主导产业，强化精准招商。围绕新材料、生物医药、食品加工、数字经济等重点产业链延链补链强链，"
            "{期间}全区签约重大项目{重大项目数}个、较大项目{较大项目数}个、重点项目{重点项目数}个。\n"
            "（三）比学赶超氛围浓厚，竞榜成效明显。{单位数}个单位参加“招商英雄榜”竞榜，"
            "{前三名单位}位列单位榜前三名，{个人第一名}位列个人榜第一名。"
        ),
        problems=(
            "一是工作开展不平衡。少数单位主动外出招商、跟踪对接项目，部分单位招商工作没有急起来、动起来，"
            "签约项目和到位资金集中在少数单位。\n"
            "二是资金到位偏慢。{期间}全区到位资金{到位资金}，完成年度目标任务的{到位资金完成率}，"
            "一些项目签约后迟迟未能开工建设，资金到位后劲不足。\n"
            "三是项目推进不够快。部分重点跟踪项目未能实现“临门一脚”，已签约项目履约、开工、投产进度有待加快。"
        ),
        next_steps=(
            "（一）坚持项目带动，推动签约项目落地见效。建立重点在谈项目库，实行“一对一”跟踪对接，"
            "力促重点项目签订正式合同；对签约未落地项目逐一梳理，协调解决土地、资金等要素问题，让项目早开工、资金早到位。\n"
            "（二）坚持考核调度，压实目标任务。坚持周月调度、季督查、年考评，严格项目认定，每个项目只确定一个引资单位，"
            "杜绝“搭车挂靠”。各单位要对照年度目标任务倒排工期、挂图作战，确保完成全年目标任务。\n"
            "（三）坚持方式创新，拓宽招商渠道。深入开展以商招商、中介招商、驻点招商，充分发挥“招商英雄榜”激励作用，"
            "大力营造比学赶超的浓厚氛围。"
        ),
    )


def default_monthly_narrative() -> Narrative:
    """The 月通报 is short: no highlights or problems unless written; a standing 下步工作 paragraph."""
    return Narrative(next_steps=(
        "请各单位对照年度目标任务，逐月梳理签约项目和到位资金进度，对在谈项目“一对一”跟踪对接，"
        "对签约未落地项目逐一协调解决困难，确保按时完成目标任务。"))


def load_narrative(ledger: Ledger, period: Period) -> Narrative:
    """The period's saved narrative, or the default text when none was saved."""
    value = ledger.get_setting(NARRATIVE_PREFIX + period.code, None)
    if not isinstance(value, dict):
        return default_monthly_narrative() if period.kind in ("M", "YTD", "R") else default_narrative()
    names = {f.name for f in fields(Narrative)}
    return Narrative(**{k: str(v) for k, v in value.items() if k in names})


def has_saved_narrative(ledger: Ledger, period: Period) -> bool:
    return isinstance(ledger.get_setting(NARRATIVE_PREFIX + period.code, None), dict)


def save_narrative(ledger: Ledger, period: Period, narrative: Narrative,
                   based_on: Narrative | None = None) -> Change:
    """``based_on``: the narrative the editor loaded (``load_narrative``); when someone saved another since,
    nothing is written and the ``ConflictError`` lists each part as it was → as it is now."""
    code = period.code
    key = NARRATIVE_PREFIX + code
    default = default_monthly_narrative() if period.kind in ("M", "YTD", "R") else default_narrative()
    return set_settings(ledger, {key: narrative.to_dict()}, f"修改{code}通报正文",
                        expected=None if based_on is None else {key: based_on.to_dict()},
                        what=f"{code}通报正文", labels=NARRATIVE_LABELS, missing={key: default.to_dict()})


# ---- autosaved draft --------------------------------------------------------------------------------
# What the chief is typing, saved a couple of seconds after the typing stops, one draft per period
# (``notice.draft.<period>``: the narrative and the notice settings as typed, unvalidated). The saved
# text (``save_narrative``/``save_settings``) stays what it was until 保存正文 or 印发; opening the period
# again shows the draft. A null value means "no draft" (settings rows are never deleted).

DRAFT_PREFIX = "notice.draft."


@dataclass(frozen=True)
class NoticeDraft:
    narrative: Narrative
    settings: dict[str, str]  # NoticeSettings fields as typed (may not validate yet)
    issue_date: str = ""  # ISO date as typed, "" when not changed


def load_draft(ledger: Ledger, period: Period) -> NoticeDraft | None:
    """The period's autosaved draft, or ``None`` when there is none (or it was saved or discarded)."""
    value = ledger.get_setting(DRAFT_PREFIX + period.code, None)
    if not isinstance(value, dict) or not isinstance(value.get("narrative"), dict):
        return None
    names = {f.name for f in fields(Narrative)}
    narrative = Narrative(**{k: str(v) for k, v in value["narrative"].items() if k in names})
    setting_names = {f.name for f in fields(NoticeSettings)}
    raw = value.get("settings")
    if not isinstance(raw, dict):
        raw = {}
    settings = {k: str(v) for k, v in raw.items() if k in setting_names}
    return NoticeDraft(narrative, settings, str(value.get("issue_date") or ""))


def save_draft(ledger: Ledger, period: Period, draft: NoticeDraft) -> Change:
    """Store what is typed as the period's draft (no checks: a draft may be half a sentence)."""
    code = period.code
    value = {"narrative": draft.narrative.to_dict(), "settings": dict(draft.settings),
             "issue_date": draft.issue_date}
    return set_settings(ledger, {DRAFT_PREFIX + code: value}, f"自动保存{code}通报草稿")


def discard_draft(ledger: Ledger, period: Period) -> Change:
    """Forget the period's draft (after 保存正文, or when the chief chooses 不保存)."""
    code = period.code
    return set_settings(ledger, {DRAFT_PREFIX + code: None}, f"清除{code}通报草稿")
