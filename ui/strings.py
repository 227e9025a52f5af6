"""Every word the window shows, in one place (field and code labels come from zsdesk.labels).

The clerk's views first, then the section chief's (英雄榜, 计数规则, 季度通报, 打印预览, 通报存档)."""

from __future__ import annotations

APP_NAME = "招商桌面"
ORG_NAME = "zsdesk"

# Title bar
TITLE = "{file} — 招商桌面"
TITLE_SAVED = "已保存"

# Navigation: key → label (order is the order on the left)
NAV = {
    "todo": "待办",
    "ledger": "项目台账",
    "leads": "招商线索",
    "trips": "外出招商",
    "funding": "到位资金",
    "units": "单位与人员",
    "targets": "目标任务",
    "verification": "项目认定",
    "board": "英雄榜",
    "notice": "季度通报",
    "audit": "操作日志",
}

# Menus
MENU_FILE = "文件(&F)"
MENU_EDIT = "编辑(&E)"
MENU_LEDGER = "台账(&L)"
MENU_BOARD = "英雄榜(&B)"
MENU_NOTICE = "通报(&N)"
MENU_TOOLS = "工具(&T)"
MENU_HELP = "帮助(&H)"
MENU_RECENT = "最近打开"
MENU_BACKUP = "备份"

ACT_NEW_LEDGER = "新建台账…"
ACT_OPEN_LEDGER = "打开台账…"
ACT_OPEN_DEMO = "打开演示台账"
ACT_IMPORT = "导入 Excel…"
ACT_EXPORT = "导出 Excel…"
ACT_TEMPLATES = "下载导入模板…"
ACT_QUIT = "退出"
ACT_UNDO = "撤销"
ACT_UNDO_WHAT = "撤销：{label}"
ACT_REDO = "重做"
ACT_REDO_WHAT = "重做：{label}"
ACT_NEW_PROJECT = "新增项目"
ACT_EDIT_PROJECT = "修改项目…"
ACT_DELETE_PROJECT = "删除项目"
ACT_FIND = "查找"
ACT_REFRESH = "刷新"
ACT_SET_UNIT = "设置牵头单位…"
ACT_SET_CHAIN = "设置产业链…"
ACT_WITHDRAW = "退库…"
ACT_COLUMNS = "显示的列…"
ACT_MONEY_WAN = "金额以万元显示"
ACT_MONEY_YI = "金额以亿元显示"
ACT_STALE_DAYS = "无进展天数…"
ACT_BACKUP_NOW = "立即备份"
ACT_RESTORE = "从备份恢复…"
ACT_BACKUP_FOLDER = "打开备份文件夹"
ACT_ABOUT = "关于招商桌面"
ACT_LOG_FILE = "打开日志文件夹"
ACT_SHORTCUTS = "快捷键"

# First run
START_TITLE = "欢迎使用招商桌面"
START_HEADLINE = "招商桌面 — 招商引资项目台账"
START_HINT = "请选择要使用的台账："
START_NEW = "新建台账"
START_NEW_HINT = "从空台账开始，先录入单位和人员。"
START_OPEN = "打开已有台账"
START_OPEN_HINT = "打开本机或共享文件夹中的台账文件。"
START_DEMO = "打开演示台账"
START_DEMO_HINT = "黔江区的示例数据，用来熟悉软件。"
START_RECENT = "最近使用："
LEDGER_FILTER = "招商桌面台账 (*.zsdesk.sqlite *.sqlite *.db);;所有文件 (*)"
NEW_LEDGER_NAME = "台账.zsdesk.sqlite"
DEMO_LEDGER_NAME = "演示台账.zsdesk.sqlite"
OPEN_READ_ONLY = "要以只读方式打开吗？（只能查看和导出，不能修改）"
LEDGER_UPGRADED = "台账文件已升级到新版本，升级前的副本保存在：\n{path}"

# Status bar
STATUS_COUNTS = "共 {shown} 个项目（全部 {total} 个），选中 {selected} 个"
STATUS_PERIOD = "统计期：{period}"
STATUS_DONE = "已完成：{label}"
STATUS_MONEY = "金额单位：{unit}"

# Ledger filters
FILTER_TEXT = "查找项目名称、投资方、备注或编号（Ctrl+F）"
FILTER_ALL_STAGES = "全部阶段"
FILTER_ACTIVE = "在库项目（不含退库）"
FILTER_ALL_UNITS = "全部单位"
FILTER_ALL_CHAINS = "全部产业链"
FILTER_ALL_ORIGINS = "全部来源"
FILTER_ALL_SIZES = "全部规模"
FILTER_ALL_YEARS = "全部年度"
FILTER_ALL_QUARTERS = "全年"
FILTER_QUARTER = "第{q}季度"
FILTER_YEAR = "{y}年"
FILTER_STALE = "只看无进展"
FILTER_CLEAR = "清除筛选"
PERIOD_FIELDS = {"signed": "按签约日期", "first_contact_date": "按接洽日期", "formal_date": "按正式合同日期",
                 "started_date": "按开工日期"}

# Extra ledger columns (not fields of the form)
COL_SIZE_CLASS = "规模"
COL_ARRIVED = "累计到位"
COL_ORIGIN_PLACE = "来源地"
COL_UPDATED = "最后更新"
COL_STALE = "进展"
STALE_MARK = "无进展"
MONEY_UNIT_WAN = "万元"
MONEY_UNIT_YI = "亿元"

COLUMNS_TITLE = "显示的列"
COLUMNS_HINT = "勾选要在台账中显示的列："

BATCH_UNIT_TITLE = "设置牵头单位"
BATCH_UNIT_PROMPT = "把选中的 {n} 个项目的牵头单位设为："
BATCH_CHAIN_TITLE = "设置产业链"
BATCH_CHAIN_PROMPT = "把选中的 {n} 个项目的产业链设为："
BATCH_WITHDRAW_TITLE = "项目退库"
BATCH_WITHDRAW_PROMPT = "退库日期（选中 {n} 个项目）："
DELETE_TITLE = "删除项目"
DELETE_CONFIRM = "确定删除选中的 {n} 个项目吗？\n删除后可以用“撤销”（Ctrl+Z）恢复。"
NOTHING_SELECTED = "请先在台账中选择项目。"
STALE_DAYS_TITLE = "无进展天数"
STALE_DAYS_PROMPT = "项目超过多少天没有更新算作“无进展”："

# Project form
FORM_NEW = "新增项目"
FORM_EDIT = "修改项目 {code}"
FORM_TAB_MAIN = "基本信息"
FORM_TAB_FUNDING = "到位资金"
FORM_TAB_HISTORY = "修改记录"
FORM_GROUP_INVESTOR = "项目与投资方"
FORM_GROUP_MONEY = "投资与产值（万元，可输入 3.2亿、1,200万元）"
FORM_GROUP_DATES = "进度日期（可输入 2026-03-01、2026/3/1、2026年3月1日）"
FORM_GROUP_UNITS = "责任单位与人员"
FORM_STAGE = "当前阶段："
FORM_SAVE = "保存(&S)"
FORM_SAVE_NEW = "保存并新增(&N)"
FORM_CANCEL = "取消"
FORM_INDUSTRIAL = "工业项目"
FORM_LIST_HINT = "多个用“、”分隔"
FORM_DUPLICATES = "可能重复：{items}"
FORM_NOT_SAVED = "有 {n} 处需要修改，未保存。"
FORM_AMBIGUOUS_PERSON = "有多位同名人员“{name}”，请从提示列表中选择带单位的名字"
FORM_UNKNOWN_PERSON = "没有这个人员：{name}"
FORM_VERIFICATION = "认定："
# A stale edit on a shared ledger (issue 17 item 6)
CONFLICT_TITLE = "别人刚修改过这条记录"
CONFLICT_REAPPLY = "载入最新内容并重新填上我的修改"
CONFLICT_RELOAD = "放弃我的修改，看最新内容"
CONFLICT_BOTH = "\n\n注意：{fields}您和对方都改了，重新填上后以您的为准，请核对。"
CONFLICT_REAPPLIED = "已载入对方保存的最新内容，并重新填上了您的修改，请核对后保存。"
CONFLICT_RELOADED = "已载入对方保存的最新内容，您的修改未保存。"
CONFLICT_KEEP_TYPED = "\n\n您输入的内容仍在编辑框中；核对后再按“保存正文”，将以您的内容为准保存。"
VERIFICATION_STATES = {None: "已认定", "pending": "待认定", "returned": "退回"}
# 项目认定 page (SPEC §11)
VERIFY_COLS = ("项目编号", "项目名称", "投资方", "牵头单位", "状态", "提醒")
VERIFY_SHOW_RETURNED = "包括已退回的"
VERIFY_OK = "认定(&R)"
VERIFY_RETURN = "退回（填写原因）"
VERIFY_REASON_HINT = "退回原因（必填），如：与城东园区重复申报，请说明引资单位"
VERIFY_WARN_MARK = "⚠ 疑似搭车挂靠 {n} 处"
VERIFY_SUMMARY = "待认定 {pending} 个，已退回 {returned} 个。选中后核对下方内容，再认定或退回。"
VERIFY_NONE = "没有待认定的项目。"
VERIFY_MANY = "已选中 {n} 个项目。"
VERIFY_DETAIL_HINT = "选中一个项目，这里显示自上次认定以来的变化和疑似重复申报的提醒。"
VERIFY_DETAIL_HEAD = "{code}　{name}　（{state}）"
VERIFY_DETAIL_REASON = "退回原因：{reason}（{by}）"
VERIFY_DETAIL_WARNINGS = "疑似搭车挂靠（每个项目只确定一个引资单位）："
VERIFY_DETAIL_NEW = "首次申报，待认定的内容："
VERIFY_DETAIL_CHANGES = "自上次认定以来的变化（认定时 → 现在）："
VERIFY_DETAIL_UNCHANGED = "  计数字段没有变化。"
VERIFY_RULE_ON = "计数规则要求认定：只有已认定的项目计入英雄榜、通报、报送上级的报表和项目落地统计。"
VERIFY_RULE_OFF = "计数规则未要求认定：待认定和退回的项目照常计数（可在计数规则中打开“只统计已认定项目”）。"
VERIFY_SINGLE_PC = "单机台账只有一位操作员，不需登录；共享台账上单位联络员录入或修改的项目会自动回到待认定。"
RULES_REQUIRE_VERIFICATION = "只统计已认定项目（项目认定）"
RULES_REQUIRE_VERIFICATION_TIP = ("勾选后，只有科长认定过的项目计入英雄榜、通报、报送上级的报表和项目落地统计；"
                                  "共享台账默认勾选，单机台账默认不勾选。")
VERIFY_NOT_ALLOWED = "只有科长（或管理员）可以认定或退回项目。"


def verification_text(state: str | None, reason: str | None, by: str | None) -> str:
    """The 认定 line of a project: 已认定（张科长）/ 待认定 / 退回：原因（张科长）."""
    text = VERIFICATION_STATES.get(state, state or "")
    if state == "returned" and reason:
        text += f"：{reason}"
    return text + (f"（{by}）" if by else "")

# Funding page
FUNDING_ENTRY = "快速录入（项目 → 日期 → 金额 → 备注，回车换到下一行）"
FUNDING_PROJECT = "项目（编号或名称）"
FUNDING_MONTH = "月份："
FUNDING_ENTRIES = "本月到位资金"
FUNDING_BY_UNIT = "本月按牵头单位合计"
FUNDING_BY_MONTH = "全年按月合计"
FUNDING_TOTAL = "合计"
FUNDING_MONTH_LABEL = "{m}月"
FUNDING_DELETE = "删除选中记录"
FUNDING_UNKNOWN_PROJECT = "找不到项目“{text}”：请从提示列表中选择"

# Excel habits (copy, paste, select all) and the funding grid (desk2)
COPY_CELLS = "复制"
COPY_WITH_HEADERS = "复制（含表头）"
SELECT_ALL = "全选"
FUNDING_GRID_HINT = "像 Excel 一样录入：Tab 到下一格，回车保存并开始下一行；Ctrl+Z 撤销刚保存的一笔；可从 Excel 粘贴多行（Ctrl+V）"
FUNDING_SAVED_WHAT = "已保存：{project}　{amount}（{date}）"
FUNDING_UNDONE = "已撤销：{label}"
FUNDING_NOTHING_TO_UNDO = "没有可撤销的录入。"
FUNDING_SHOWING_MONTH = "（已切换到 {month} 查看刚录入的记录）"
PASTE_TITLE = "粘贴项目"
PASTE_FUNDING_TITLE = "粘贴到位资金"
PASTE_HINT = ("在 Excel 或 WPS 中选中若干行（可连同表头）复制，在下表中按 Ctrl+V 粘贴；"
              "没有表头时按下表的列顺序读取。检查无误后点“导入”：要么全部导入，要么一行也不写入。")
PASTE_CHECK = "检查"
PASTE_IMPORT = "导入"
PASTE_CLEAR = "清空"
PASTE_CLOSE = "关闭"
PASTE_EMPTY = "请先在表格中粘贴要导入的行（Ctrl+V）。"
PASTE_PROBLEMS_COLS = ("行", "列", "问题")
PASTE_ROWS = "已粘贴 {n} 行。"
PASTE_CHECK_OK = "检查通过：{n} 行可以导入（新增 {created} 条，更新 {updated} 条）。"
PASTE_CHECK_BAD = "发现 {n} 个问题，未写入任何数据。请在表中改正后再检查。"
PASTE_DONE = "已导入 {n} 行（新增 {created} 条，更新 {updated} 条），可用 Ctrl+Z 撤销。"
PASTE_DUPLICATES = "{n} 行可能重复：{rows}"
PASTE_ACTION = "粘贴项目…"
STATUS_SELECTED_SUM = "，选中项目协议资金合计 {amount}"


# Units page
UNITS_TAB_UNITS = "单位"
UNITS_TAB_PERSONS = "人员"
UNITS_TAB_CHAINS = "产业链"
UNITS_TAB_TAGS = "投资方标签"
ADD = "新增"
DELETE = "删除"
ADD_UNIT_PROMPT = "单位名称："
ADD_PERSON_PROMPT = "姓名："
ADD_ENTRY_PROMPT = "名称："
EDIT_HINT = "双击单元格直接修改，回车保存。"

# Targets page
TARGETS_YEAR = "年度："
TARGETS_DISTRICT = "全区"
TARGETS_HINT = "像表格一样直接输入，金额单位万元；回车保存。"
TARGETS_TOTAL_UNITS = "各单位合计"

# Operation log
AUDIT_ALL_ENTITIES = "全部类别"
AUDIT_ALL_OPERATORS = "全部操作员"
AUDIT_TEXT = "查找操作内容"
AUDIT_EXPORT = "导出…"
AUDIT_EXPORT_FILTER = "Excel 文件 (*.xlsx);;CSV 文件 (*.csv)"
AUDIT_COLS = ("时间", "操作员", "操作", "类别", "动作", "记录编号", "修改内容")
AUDIT_EXPORTED = "已导出 {n} 条操作记录到 {path}"
AUDIT_CHANGED = "{field}：{before} → {after}"

# Placeholder pages for the section chief's views
PLACEHOLDER = "“{name}”将在后续版本中提供。"

# Import / export
IMPORT_TITLE = "导入 Excel"
IMPORT_KINDS = {"projects": "项目", "funding": "到位资金", "targets": "目标任务", "units": "单位", "persons": "人员"}
IMPORT_CHOOSE = "第一步：选择要导入的内容和文件"
IMPORT_KIND = "导入内容："
IMPORT_FILE = "文件："
IMPORT_BROWSE = "选择文件…"
IMPORT_CHECK = "检查文件"
IMPORT_REPORT = "第二步：检查结果"
IMPORT_CONFIRM = "确认导入"
IMPORT_DONE = "第三步：导入完成"
IMPORT_DONE_TEXT = "已导入 {n} 行。可以用“撤销”（Ctrl+Z）撤回这次导入。"
XLSX_FILTER = "Excel 工作簿 (*.xlsx);;所有文件 (*)"
EXPORT_TITLE = "导出 Excel"
EXPORT_KINDS = {"ledger": "项目台账（当前筛选）", "ledger_all": "项目台账（全部）", "targets": "目标完成情况",
                "board": "英雄榜", "funding": "按月到位资金"}
EXPORT_KIND = "导出内容："
EXPORT_YEAR = "年度："
EXPORT_DONE = "已导出到 {path}"

# Worker
WORKING = "正在处理…"
CANCEL = "取消"
CANCELLED = "已取消，没有写入任何数据。"

# Backups
BACKUP_DONE = "已备份到：\n{path}"
BACKUP_RESTORE_TITLE = "从备份恢复"
BACKUP_RESTORE_HINT = "选择要恢复的备份（恢复前会先检查备份文件是否完好，并把当前台账另存一份）："
BACKUP_RESTORE_CONFIRM = "用 {name} 替换当前台账吗？当前台账会先另存一份。"
BACKUP_RESTORED = "已从备份恢复。"
BACKUP_NONE = "还没有自动备份。"

# Errors
ERROR_TITLE = "无法完成"
BUG_TITLE = "出错了"
BUG_TEXT = ("很抱歉，招商桌面遇到了一个意外问题，刚才的操作没有完成；已保存的数据不受影响。\n\n"
            "问题的详细信息已记录在：\n{log}\n\n请把这个文件发给技术支持人员。")

# Help
ABOUT_TEXT = ("<h3>招商桌面</h3><p>区招商投资促进局招商引资项目台账、招商英雄榜与季度通报。</p>"
              "<p>版本 {version}</p><p>台账文件：{path}</p>")
SHORTCUTS_TEXT = ("Ctrl+N 新增项目　Enter 修改选中项目　Delete 删除\n"
                  "Ctrl+F 查找　Ctrl+Z 撤销　Ctrl+Y 重做　F5 刷新\n"
                  "项目表单中：Tab 下一项　Ctrl+S 或 Enter 保存　Esc 取消")

NO_DISPLAY = ("没有可用的图形显示器，无法打开窗口。请在桌面环境中运行；远程登录时可用 xvfb-run 打开，"
              "或使用命令行子命令（zsdesk --help）。")

# Unsaved edits: every editor asks before anything discards what was typed (issue 14).
TITLE_UNSAVED = "未保存"
ASK_SAVE_TITLE = "保存修改"
ASK_SAVE_TEXT = "{what}有未保存的修改。要保存吗？"
ASK_SAVE = "保存"
ASK_DISCARD = "不保存"
ASK_CANCEL = "取消"
ASK_SAVE_FORM = "项目表"
YES = "是"
NO = "否"
OK = "确定"
MENU_SETTINGS = "设置(&S)"
ACT_DICTIONARY = "字典…"
ACT_UNITS_PERSONS = "单位与人员…"
ACT_CHECK_LEDGER = "检查台账"
CHECK_TITLE = "检查台账"
CHECK_RUNNING = "正在检查台账…"
CHECK_OK = "检查完毕，没有发现问题。"
CHECK_PROBLEMS = "检查发现 {n} 个问题：\n\n{text}"
ACT_BACKUP_SETTING = "备份文件夹…"
BACKUP_FOLDER_SET = "备份文件夹改为 {folder}"
RESTORE_VERB = "恢复"


# ===== The section chief's views: 英雄榜, 计数规则, 季度通报, 打印预览, 通报存档 =====

# Period picker
PERIOD_KINDS = {"Q": "季度累计", "M": "月度", "Y": "全年"}
PERIOD_YEAR = "年度"
QUARTER_ITEMS = {1: "一季度（1—3月）", 2: "二季度（1—6月）", 3: "三季度（1—9月）", 4: "四季度（1—12月）"}
MONTH_ITEM = "{m}月"

# Board page
BOARD_COMPUTING = "正在计算英雄榜…"
BOARD_TAB_UNITS = "单位榜"
BOARD_TAB_PERSONS = "个人榜"
BOARD_TAB_CHART = "图表"
BOARD_EMPTY = "请选择期间。"
BOARD_STATUS = "{period}：{units} 个单位，{persons} 名个人；计算用时 {ms} 毫秒"
BOARD_QUIET = "本年度尚无签约、无到位资金的单位（{n} 个）：{names}"
BOARD_NO_QUIET = "各单位本年度均有签约或到位资金。"
BOARD_SUMMARY = ("{label}：签约项目 {signed} 个（正式合同 {formal} 个），正式合同额 {formal_amount}，"
                 "完成年度目标 {formal_rate}，{formal_yoy}；到位资金 {arrived}，完成 {arrived_rate}，{arrived_yoy}。")
BOARD_RULES_NOTE = "计数规则：{year}年第 {version} 版（{method}）"
BOARD_RULES_DEFAULT = "计数规则：{year}年默认规则（{method}）"
BOARD_BY_UNIT = "按牵头单位："
BOARD_NO_PROJECTS = "本期没有项目。"
ACT_BOARD_REFRESH = "重新计算"
ACT_BOARD_EXPORT = "导出英雄榜 Excel…"
ACT_BOARD_RULES = "计数规则…"
ACT_BOARD_DRILL = "查看项目明细…"
BOARD_EXPORT_DONE = "英雄榜已导出到：\n{path}"
BOARD_EXPORT_TITLE = "导出英雄榜"
XLSX_ONLY_FILTER = "Excel 工作簿 (*.xlsx)"
EXPORT_NAME = "招商英雄榜{period}.xlsx"
EXPORTING = "正在导出英雄榜…"
DONE_TITLE = "完成"

# Unit board columns
COL_RANK = "名次"
COL_UNIT = "单位"
COL_SCORE = "得分"
COL_SIGNED = "签约项目"
COL_MAJOR = "重大"
COL_LARGE = "较大"
COL_KEY = "重点"
COL_AGREEMENT = "协议资金"
COL_AGREEMENT_RATE = "协议资金完成率"
COL_FORMAL = "正式合同额"
COL_FORMAL_RATE = "合同额完成率"
COL_FORMAL_YOY = "合同额同比"
BOARD_COL_ARRIVED = "到位资金"
COL_ARRIVED_RATE = "到位资金完成率"
COL_ARRIVED_YOY = "到位同比"
COL_PERSON = "姓名"
COL_PERSON_UNIT = "所属单位"
COL_CODE = "项目编号"
COL_PROJECT = "项目名称"
COL_INVESTOR = "投资方"
COL_LEAD = "牵头单位"
COL_CLASS = "规模"
COL_DATE = "日期"
COL_ROLE = "角色"
COL_ORIGIN = "来源"
COL_AMOUNT = "金额"
COL_SHARE = "计入比例"
COL_CREDITED = "计入金额"
COL_VERSION = "版本"
COL_SAVED_AT = "保存时间"
COL_OPERATOR = "操作人"
COL_NOTE = "说明"
COL_OLD_RANK = "原名次"
COL_NEW_RANK = "新名次"
COL_OLD_SCORE = "原得分"
COL_NEW_SCORE = "新得分"
COL_MOVE = "变化"
QUIET_TIP = "本年度尚无签约、无到位资金"
NO_TARGET = "—"
ROLE_LABELS = {"lead": "牵头", "coop": "配合"}
MONEY_UNITS = {"wan": "万元", "yi": "亿元"}
UNIT_NOTE = "金额单位：{unit}；单位金额为计入金额（来源地比例 × 联合招商分成）。双击单位查看项目明细。"

# Charts
CHART_COMPLETION = "各单位完成率"
CHART_TREND = "{year}年各月正式合同额与到位资金（亿元）"
CHART_ITEM = "完成率指标"
CHART_RATE_ITEMS = {"formal": "正式合同额", "arrived": "到位资金", "agreement": "协议资金"}
CHART_FORMAL = "正式合同额"
CHART_ARRIVED = "到位资金"
CHART_NO_DATA = "没有可显示的数据"
CHART_TARGET_LINE = "100%"

# Drill-down
DRILL_TITLE = "{unit} — {period}项目明细"
DRILL_FIGURE = "指标"
DRILL_FIGURES = {"agreement": "协议资金（首次签约）", "formal": "正式合同", "framework": "框架协议",
                 "signed": "签约项目", "arrived": "到位资金", "major": "重大项目", "large": "较大项目",
                 "key": "重点项目", "general": "一般项目", "started": "开工项目"}
DRILL_TOTAL = "共 {n} 个项目，原始金额合计 {raw}，计入本单位 {credited}（榜单数：{board}）"
DRILL_LEAD_ONLY = ("；其中 {rest} 是本单位作为配合单位分得的金额（引擎的正式合同/框架协议明细只列牵头项目，"
                   "可在“协议资金”中查看配合项目）")
DRILL_TOTAL_COUNT = "共 {n} 个项目（项目个数只计入牵头单位）"
CLOSE = "关闭"

# Rules editor
RULES_TITLE = "{year}年计数规则"
RULES_GROUP_SIZE = "项目规模标准"
RULES_GROUP_WEIGHTS = "计入比例"
RULES_GROUP_SCORING = "排名方法"
RULES_GROUP_BOARDS = "专项榜单"
RULES_AGREEMENT_YI = "协议资金 ≥（亿元）"
RULES_OUTPUT_YI = "或达产年产值 ≥（亿元）"
RULES_NOT_USED = "不作为标准"
RULES_GENERAL_IND = "一般项目：工业 ≥（万元）"
RULES_GENERAL_NON = "一般项目：非工业 ≥（万元）"
RULES_ORIGIN = "{origin}项目计入单位的比例（%）"
RULES_LEAD = "联合招商：牵头单位（%）"
RULES_COOP = "联合招商：配合单位合计（%）"
RULES_METHOD = "排名方法"
RULES_NO_TARGET = "无目标任务的评分项"
RULES_ITEM = "评分项目"
RULES_USE = "参与评分"
RULES_WEIGHT = "权重（%）"
RULES_CAP = "完成率封顶（%）"
RULES_NO_CAP = "不封顶"
RULES_WEIGHT_SUM = "权重合计：{total}%"
RULES_STALE = "无进展提醒天数"
RULES_BIG_CLASSES = "招大引强：计入的项目规模"
RULES_STARTED_CLASSES = "重大项目开工：计入的项目规模"
RULES_NOTE = "修改说明"
RULES_NOTE_HINT = "例如：按区委办公室通知调整权重"
RULES_PREVIEW = "预览排名变化"
RULES_PREVIEW_PERIOD = "预览期间"
RULES_PREVIEW_HINT = "修改规则后，右侧显示各单位排名的变化（尚未保存）。"
RULES_PREVIEW_CHANGED = "{n} 个单位名次变化"
RULES_PREVIEW_SAME = "排名没有变化"
RULES_HISTORY = "修改记录"
RULES_HISTORY_EMPTY = "本年度尚未修改，使用默认规则。"
RULES_LOAD_VERSION = "以此版本为底稿"
RULES_SAVE = "保存为新版本"
RULES_RESET_DEFAULTS = "恢复默认值"
RULES_VALID = "规则有效。"
RULES_VERSION_LABEL = "当前：第 {version} 版"
MOVE_UP = "↑ {n}"
MOVE_DOWN = "↓ {n}"
MOVE_SAME = "—"

# Notice page
NOTICE_PERIOD = "通报期间"
NOTICE_SETTINGS = "文件设置"
NOTICE_AUTHORITY = "发文机关标志"
NOTICE_NUMBER_PATTERN = "文号格式"
NOTICE_MONTHLY_NUMBER_PATTERN = "月通报文号格式"
NOTICE_NEXT_NUMBER = "下一个文号：{number}"
NOTICE_ADDRESSEES = "主送机关"
NOTICE_CC = "抄送"
NOTICE_SIGNATORY = "署名"
NOTICE_PRINTER = "印发机关"
NOTICE_ISSUE_DATE = "成文日期"
NOTICE_NARRATIVE = "正文（可编辑部分）"
NOTICE_PLACEHOLDERS = "可插入的数据"
NOTICE_INSERT = "插入"
NOTICE_CHARS = "{n} 字"
NOTICE_CHARS_TOTAL = "正文共 {n} 字"
NOTICE_FIGURES = "引擎将打印的数据"
NOTICE_RENDERING = "正在生成通报 PDF…"
NOTICE_SAVE_TEXT = "保存正文与设置"
ACT_NOTICE_PREVIEW = "生成预览"
ACT_NOTICE_PRINT = "打印…"
ACT_NOTICE_SAVE_PDF = "另存为 PDF…"
ACT_NOTICE_ISSUE = "印发…"
ACT_NOTICE_ARCHIVE = "通报存档…"
PDF_FILTER = "PDF 文件 (*.pdf)"
PDF_NAME = "{name}.pdf"
ISSUE_TITLE = "印发通报"
ISSUE_CONFIRM = ("印发后，通报将编号为“{number}”并存档，内容不再改变；以后的更正需另发通报。\n\n"
                 "期间：{period}\n成文日期：{date}\n\n确定印发吗？")
ISSUED = "通报已印发：{number}\nSHA-256：{sha}"
ISSUING = "正在印发通报…"

# Preview
PREVIEW_ZOOM_IN = "放大"
PREVIEW_ZOOM_OUT = "缩小"
PREVIEW_FIT_WIDTH = "适合宽度"
PREVIEW_FIT_PAGE = "整页"
PREVIEW_PREV = "上一页"
PREVIEW_NEXT = "下一页"
PREVIEW_PAGE = "第 {page} / {pages} 页"
PREVIEW_EMPTY = "点击“生成预览”查看将要打印的通报。"

# Printing on the worker (desk2; PRINTING and PRINT_DONE are below)
PRINT_PDF_DONE = "已打印到 PDF 文件（原样矢量页面）：{path}"
PRINT_CANCELLED = "已取消打印。"

PREVIEW_STALE = "正文或设置已修改，预览不是最新的。"
PRINTING = "正在打印…"
PRINT_DONE = "已送往打印机：{pages} 页"

# Archive
ARCHIVE_TITLE = "通报存档"
ARCHIVE_EMPTY = "尚未印发通报。"
ARCHIVE_NUMBER = "文号"
ARCHIVE_PERIOD = "期间"
ARCHIVE_DATE = "成文日期"
ARCHIVE_ISSUED_AT = "印发时间"
ARCHIVE_OPERATOR = "印发人"
ARCHIVE_SHA = "SHA-256"
ARCHIVE_PRINT = "重新打印…"
ARCHIVE_SAVE = "另存为 PDF…"
ARCHIVE_VERIFIED = "存档文件校验一致（SHA-256）。"
ARCHIVE_BROKEN = "存档文件与登记的 SHA-256 不一致，请用“工具 → 检查台账”核对。"

# Notice draft (autosaved while typing, issue 14)
NOTICE_DRAFT_SAVED = "草稿已自动保存（{time}），尚未保存为正文。"
NOTICE_DRAFT_PENDING = "正在输入…停顿一两秒后自动保存为草稿。"
NOTICE_DRAFT_FAILED = "草稿未能保存：{error}"
NOTICE_DRAFT_NONE = ""
NOTICE_DISCARD_DRAFT = "放弃草稿"
NOTICE_DISCARD_DRAFT_ASK = "放弃{period}的草稿，恢复为上次保存的正文与设置吗？"
ISSUE_BUTTON = "印发"
RULES_WHAT = "计数规则"
NOTICE_WHAT = "通报正文与设置"

# Added in parallel with the catalogue merge: month ranges (issue 15), the Word export (issue 21)
PERIOD_KIND_YTD = "月度累计"  # 2026M01-08: 1—8月 cumulative (每月督报)
MONTH_RANGE_ITEM = "1—{m}月"
COL_CONVERTED = "其中：往期框架协议转正式合同"
DRILL_CONVERTED = "；其中：往期框架协议转正式合同 {n} 个（框架协议在往期签订、已计入往期协议资金，本期计签约项目，不计协议资金和项目规模）"
# 导出 Word (notice page): the .docx is a working copy for leadership to revise in WPS/Word.
ACT_NOTICE_SAVE_DOCX = "导出 Word…"
DOCX_FILTER = "Word 文档 (*.docx)"
DOCX_NAME = "{name}（征求意见稿）.docx"
DOCX_EXPORTING = "正在导出 Word 文档…"
DOCX_SAVED = "已导出 Word 工作底稿（征求意见稿）：\n{path}\n\n可在 WPS 或 Word 中修改；印发以存档的 PDF 为准。"

# 待办 page (SPEC §9)
TODO_KIND_LABELS = {"overdue": "逾期", "stale": "无进展", "upcoming": "即将到期"}
TODO_MILESTONES = {"start": "开工", "production": "投产"}
TODO_HEADERS = ["单位 / 事项", "项目编号", "项目名称", "节点", "日期", "天数", "期限来源", "最新进展"]
TODO_SUMMARY = "截至 {today:%Y年%m月%d日}：逾期节点 {overdue} 个，无进展项目 {stale} 个，30 天内到期 {upcoming} 个。双击一行打开项目。"
TODO_COMPUTING = "正在整理待办清单…"
TODO_NONE = "截至 {today:%Y年%m月%d日}：没有逾期、无进展或 30 天内到期的项目。"
TODO_UNIT = "{unit}（{n} 项）"
TODO_DAYS = {"overdue": "逾期 {d} 天", "stale": "{d} 天未更新", "upcoming": "还有 {d} 天"}
TODO_PROMISED = "合同约定"
TODO_RULE = "规则期限"
TODO_STATUS = "待办 {n} 项（逾期 {overdue}，无进展 {stale}，即将到期 {upcoming}）"
TODO_EXPORT = "导出 Excel…"
TODO_EXPORT_TITLE = "导出待办清单"
TODO_EXPORT_NAME = "待办清单（{today:%Y年%m月%d日}）.xlsx"
TODO_EXPORTING = "正在导出待办清单…"
TODO_EXPORT_DONE = "待办清单已导出到：\n{path}"

# 项目进展 (progress notes, SPEC §9)
ACT_ADD_PROGRESS = "记进展…"
PROGRESS_TITLE = "记进展：{title}"
PROGRESS_DATE = "日期"
PROGRESS_TEXT = "进展"
PROGRESS_TEXT_HINT = "一句话写清进展，如：已完成土地摘牌，计划下月进场"
PROGRESS_COLS = ["日期", "记录人", "进展"]
PROGRESS_DELETE = "删除所选进展"
FORM_TAB_PROGRESS = "进展"

# The 项目落地 tab of the 英雄榜 page (SPEC §9)
BOARD_TAB_LANDING = "项目落地"
LANDING_COMPUTING = "正在计算项目落地情况…"
LANDING_DISTRICT = "全区"
LANDING_COLS = {"unit": "单位", "cohort": "纳入统计", "started": "已开工", "producing": "已投产", "due": "节点到期",
                "on_time": "按期履约", "overdue": "逾期项目", "start_rate": "开工率", "production_rate": "投产率",
                "arrival_rate": "资金到位率", "fulfilment_rate": "履约率"}
LANDING_SUMMARY = ("{label}项目落地：统计 {start:%Y年%m月%d日} 至 {end:%Y年%m月%d日} 签订正式合同的项目 {cohort} 个，"
                   "开工率 {start_rate}，投产率 {production_rate}，资金到位率 {arrival_rate}，履约率 {fulfilment_rate}；"
                   "逾期节点 {overdue} 个。双击单元格查看项目。")
LANDING_EXPORT = "导出项目落地…"
LANDING_EXPORT_TITLE = "导出项目落地情况"
LANDING_EXPORT_NAME = "{period}项目落地情况.xlsx"
LANDING_EXPORTING = "正在导出项目落地情况…"
LANDING_EXPORT_DONE = "项目落地情况已导出到：\n{path}"
LANDING_DRILL_TITLE = "{unit} · {figure}（{period}）"
LANDING_DRILL_COLS = ["项目编号", "项目名称", "牵头单位", "规模", "正式合同", "开工期限", "开工日期", "投产期限",
                      "投产日期", "状态"]
LANDING_DRILL_COUNT = "共 {n} 个项目。双击一行打开项目。"
LANDING_STATE_OVERDUE = "逾期"
LANDING_STATE_LATE = "未按期"
LANDING_STATE_ON_TIME = "按期"
LANDING_STATE_NOT_DUE = "未到期"
NOTICE_LANDING_SECTION = "包含“项目落地情况”一节（四率、逾期项目清单附件）"
NOTICE_ACTIVITY_SECTION = "包含“招商活动情况”一节（外出招商、拜访企业、线索及转化）"

# --- sign-in and roles (shared ledgers, SPEC §11) ---
ACT_SIGN_IN = "登录共享台账…"
START_SIGN_IN = "登录共享台账"
START_SIGN_IN_HINT = "用自己的账号登录单位服务器上的共享台账，多人同时使用。"
SIGN_IN_TITLE = "登录共享台账"
SIGN_IN_HINT = "请输入台账管理员告诉您的服务器、台账数据库和您自己的登录名、密码。密码只用于本次登录，不会保存。"
SIGN_IN_SERVER = "服务器："
SIGN_IN_DATABASE = "台账数据库："
SIGN_IN_LOGIN = "登录名："
SIGN_IN_PASSWORD = "密码："
SIGN_IN_OK = "登录"
SIGN_IN_CANCEL = "取消"
SIGN_IN_MISSING = "请填写服务器、台账数据库和登录名。"
SIGN_IN_SERVER_PLACEHOLDER = "例如 192.168.1.10 或 192.168.1.10:5432"

# --- 外出招商 (trips page, activity tab) ---
TRIPS_COLS = {"departure_date": "出发日期", "return_date": "返回日期", "destination": "目的地", "leader": "带队领导",
              "level": "带队级别", "units": "参加单位", "companies": "拜访企业数", "intentions": "有效意向数",
              "leads": "产生线索数"}
TRIPS_FILTER_TEXT = "搜索目的地、带队领导、拜访企业、备注（Ctrl+F）"
TRIPS_FILTER_UNDER = "仅看未达标"
TRIPS_ACT_NEW = "新增外出招商"
TRIPS_ACT_EDIT = "打开外出招商"
TRIPS_ACT_DELETE = "删除外出招商"
TRIPS_ACT_REFRESH = "刷新外出招商"
TRIPS_DELETE_TITLE = "删除外出招商"
TRIPS_DELETE_CONFIRM = "删除选中的 {n} 次外出招商？可以用“撤销”恢复。"
TRIPS_NOTHING_SELECTED = "请先在列表中选择外出招商记录。"
TRIPS_STATUS = "共 {shown} 次外出招商（全部 {total} 次），其中未达标 {under} 次；已选 {selected} 次"
TRIPS_SHORT_COMPANIES = "拜访企业{n}家，少于{min}家"
TRIPS_SHORT_INTENTIONS = "有效意向{n}个，少于{min}个"
TRIPS_UNDER_MARK = "未达标："
TRIPS_QUOTA_OK = "已达标：拜访企业{companies}家（要求至少{min_c}家），有效意向{intentions}个（要求至少{min_i}个）"
TRIPS_QUOTA_NOTE = "每次外出招商要求至少拜访企业{min_c}家、带回有效意向{min_i}个（{year}年计分规则）"
TRIP_FORM_NEW = "新增外出招商"
TRIP_FORM_EDIT = "外出招商：{title}"
TRIP_FIELDS = {"departure_date": "出发日期", "return_date": "返回日期", "province": "省份", "city": "城市",
               "leader": "带队领导", "level": "带队级别", "unit_ids": "参加单位", "person_ids": "参加人员",
               "notes": "备注"}
TRIP_DATE_HINT = "如 2026-3-5、3.5 或 3-5"
TRIP_VISITS_TITLE = "拜访企业（Tab / 回车逐格填写，最后一格后自动加一行；Ctrl+L 由当前行生成线索；Ctrl+Delete 删除当前行）"
TRIP_VISIT_COLS = ["拜访企业", "拜访日期", "洽谈结果", "备注", "线索"]
TRIP_OUTCOME_HINT = "洽谈结果可输入 1 有合作意向、2 一般、3 无意向"
TRIP_OUTCOME_BAD = "洽谈结果“{text}”不对，请输入 1（有合作意向）、2（一般）或 3（无意向）"
TRIP_VISIT_LEAD_DONE = "已生成线索"
TRIP_VISIT_BAD_DATE = "第 {row} 行拜访日期：{reason}"
TRIP_LEAD_ACTION = "由当前行生成线索(&L)"
TRIP_DELETE_ROW = "删除当前行"
TRIP_LEAD_NO_ROW = "请先在拜访企业表中选中一行有企业名称的记录。"
TRIP_LEAD_MADE = "已由“{company}”生成线索，可在招商线索中跟进。"
TRIP_SAVE = "保存并关闭(&S)"
TRIP_CANCEL = "取消"
TRIP_SAVED_STAY = "已保存"
TRIP_ASK_SAVE = "外出招商记录"
TRIP_READ_ONLY = "只读：当前账号不能修改外出招商记录。"
TRIP_LEVEL_HINT = "↑↓ 选择"
ACTIVITY_TAB = "招商活动"
ACTIVITY_COMPUTING = "正在计算招商活动…"
ACTIVITY_DISTRICT = "全区"
ACTIVITY_COL_UNIT = "单位"
ACTIVITY_COL_SIGNED = "签约项目数"
ACTIVITY_COL_AMOUNT = "签约金额"
ACTIVITY_SUMMARY = ("{label}：外出招商 {trips} 次（区领导带队 {leader} 次，未达标 {under} 次），拜访企业 {companies} 家，"
                    "有效意向 {intentions} 个；新增线索 {leads} 条，转化项目 {converted} 个，线索转化率 {rate}；"
                    "同期签约项目 {signed} 个。")
ACTIVITY_NOTE = ("外出招商按出发日期计入期间，一次外出按参加的每个单位各计一次，全区只计一次，故各单位之和可能大于全区；"
                 "签约项目数、签约金额与“单位榜”同一口径（金额按计分权重分配，单位：{unit}）。")

# --- 招商线索 (leads page) ---
LEADS_FILTER_TEXT = "查找企业名称、联系人或备注（Ctrl+F）"
LEADS_ALL_STATUSES = "全部状态"
LEADS_OPEN = "未结（新线索、跟进中）"
LEADS_ALL_SOURCES = "全部来源"
LEADS_AGES = {"all": "全部时间", "30": "近30天", "90": "近90天", "year": "今年"}
LEADS_STALE_ONLY = "仅看久未跟进"
LEADS_COL_INVESTMENT = "意向投资"
LEADS_COL_UNIT = "负责单位"
LEADS_COL_LAST_FOLLOWUP = "最后跟进"
LEADS_COL_PROJECT = "转入项目"
LEADS_COL_STALE = "跟进提醒"
LEADS_STALE_MARK = "久未跟进"
LEADS_STALE_TIP = "已{days}天未跟进"
LEADS_STATUS = "共 {shown} 条线索（全部 {total} 条），选中 {selected} 条，久未跟进指 {days} 天内没有跟进"
LEADS_ACT_NEW = "新增线索"
LEADS_ACT_EDIT = "编辑线索"
LEADS_ACT_DELETE = "删除线索"
LEADS_ACT_CONVERT = "转为项目"
LEADS_ACT_OPEN_PROJECT = "打开转入的项目"
LEADS_ACT_FOLLOWUP = "新增跟进"
LEADS_DELETE_TITLE = "删除线索"
LEADS_DELETE_CONFIRM = "确定删除选中的 {n} 条线索吗？\n删除后可以用“撤销”（Ctrl+Z）恢复。"
LEADS_NOTHING_SELECTED = "请先在列表中选择线索。"
LEADS_CONVERT_TITLE = "转为项目"
LEADS_CONVERT_ASK = "把线索“{company}”转为项目吗？\n将新建一个“在谈”项目，首次接洽日期为线索的收到日期（{day}），并与线索互相关联。"
LEADS_CONVERTED_ASK = "已转为项目 {code}。现在打开这个项目吗？"
LEADS_CONVERT_YES = "转为项目"
LEADS_OPEN_YES = "打开项目"
LEADS_OPEN_NO = "稍后再说"
LEADS_CONVERTED_TIP = "这条线索已转为项目 {code}，不能重复转换。"
LEADS_FOLLOWUPS_TITLE = "跟进记录"
LEADS_FOLLOWUPS_OF = "跟进记录：{company}"
LEADS_FOLLOWUPS_NONE = "请在上面的列表中选择一条线索。"
LEADS_FOLLOWUP_PROMPT = "新增跟进："
LEADS_FOLLOWUP_PLACEHOLDER = "写一句跟进情况，按回车保存（日期默认今天）"
LEADS_FOLLOWUP_DATE = "日期："
LEADS_FOLLOWUP_DELETE = "删除这条跟进"
LEADS_FOLLOWUP_ASK_SAVE = "新增的线索跟进"
LEADS_FOLLOWUP_COLUMNS = ("日期", "跟进内容", "记录人")
LEADS_FORM_NEW = "新增招商线索"
LEADS_FORM_EDIT = "编辑招商线索：{company}"
LEADS_FORM_GROUP_LEAD = "线索"
LEADS_FORM_GROUP_CONTACT = "联系方式与负责"
LEADS_FORM_PROJECT = "转入项目："
LEADS_FORM_NO_PROJECT = "尚未转为项目"
LEADS_FORM_ASK_SAVE = "招商线索"
LEADS_FORM_REASON_HINT = "状态为“无效”时必填"
LEADS_FORM_UNKNOWN_PERSON = "没有这个人员：{name}"
LEADS_READ_ONLY = "只读：{why}"
