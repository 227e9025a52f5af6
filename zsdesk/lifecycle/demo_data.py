"""The demo district's landing data (SPEC §9): promised dates from contracts and monthly progress notes.

Called once at the end of ``zsdesk.demo.build_demo``; it only adds (promised dates on projects, rows in
``project_progress``) and leaves every date the board counts as it was. Deterministic for a seed.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, func, insert, select, text, update

from ..audit_chain import live_snapshots
from ..models import Project, ProjectProgress
from ..ops.history import ChangeRecord, operation
from .deadlines import add_months

if TYPE_CHECKING:
    from ..ledger import Ledger

NOTES: dict[str, tuple[str, ...]] = {
    "negotiating": ("客商来区实地考察，对接选址意向", "已报送项目投资意向书，待客商决策", "协助客商梳理用地、用能需求",
                    "赴客商总部拜访，洽谈投资规模", "客商对标周边区县条件，持续跟进"),
    "framework": ("框架协议已签，正在商谈正式合同条款", "正式合同文本已报区司法局审查", "已提交区政府常务会审议",
                  "项目用地规划调整中", "客商完成内部投资决策流程"),
    "formal": ("已完成项目公司注册", "土地已摘牌，正在办理不动产权证", "施工图设计审查中", "环评报告已报市生态环境局",
               "能评手续办理中，预计下月批复", "企业资金到位慢，已约谈企业负责人", "场平工程招标中",
               "等待电力专线接入方案", "企业调整建设方案，开工推迟"),
    "started": ("主体厂房基础施工中", "钢结构安装完成约六成", "主体厂房已封顶", "设备基础施工中",
                "办公楼主体施工至三层", "部分设备已进场", "因雨季施工进度滞后，已督促加快", "正在办理施工许可变更"),
    "production": ("一期产线已试生产", "产能爬坡中，本月产值约 800 万元", "正在申报规上工业企业",
                   "二期扩建方案论证中", "企业反映用工紧张，已协调人社局对接"),
}
OPERATORS = ("李娟", "王磊", "张敏", "陈勇", "刘洋")


def add_lifecycle_demo(ledger: Ledger, today: date | None = None, seed: int = 2026) -> dict[str, int]:
    """Promised dates on about 4 in 10 formal contracts and progress notes on most live projects."""
    today = today or date.today()
    rng = random.Random(seed * 31 + 18)
    with ledger.reading() as s:
        rows = s.execute(select(Project.id, Project.stage, Project.formal_date, Project.started_date,
                                Project.first_contact_date)
                         .where(Project.deleted_at.is_(None)).order_by(Project.id)).all()
    promised: list[dict[str, Any]] = []
    notes: list[dict[str, Any]] = []
    for pid, stage, formal, started, first_contact in rows:
        if formal is not None and rng.random() < 0.4:
            start = add_months(formal, rng.choice([2, 3, 4, 5, 6, 8]))
            finish = add_months(started or start, rng.choice([12, 18, 24, 30])) if rng.random() < 0.5 else None
            promised.append({"pid": pid, "s": start, "p": finish})
        texts = NOTES.get("production" if stage == "full_production" else stage)
        if texts is None or first_contact is None or rng.random() < 0.25:
            continue  # leads, withdrawn projects, and a quarter of the rest: no notes (some show as 无进展)
        since = max(first_contact, today - timedelta(days=180))
        when = today - timedelta(days=rng.randint(0, 75))
        for _ in range(rng.randint(1, 4)):
            if when < since:
                break
            at = datetime.combine(when, datetime.min.time()).replace(hour=rng.randint(9, 17))
            notes.append({"project_id": pid, "date": when, "text": rng.choice(texts),
                          "operator": rng.choice(OPERATORS), "created_at": at, "deleted_at": None})
            when -= timedelta(days=rng.randint(20, 40))
    with operation(ledger, "生成演示项目落地数据", undoable=False) as op:
        conn = op.session.connection()
        # Every changed project and every note gets its audit row, as the operations would write them,
        # so `zsdesk check` replays the demo clean (tamper evidence covers the demo too).
        changed = [row["pid"] for row in promised]
        before = {snap["id"]: snap for snap in live_snapshots(conn, "project", changed)}
        first_note = int(conn.scalar(select(func.max(ProjectProgress.id))) or 0) + 1
        if promised:
            conn.execute(update(Project).where(Project.id == bindparam("pid"))
                         .values(promised_start_date=bindparam("s"), promised_production_date=bindparam("p")),
                         promised)
        for i, note in enumerate(notes):
            note["id"] = first_note + i
        for i in range(0, len(notes), 50_000):
            conn.execute(insert(ProjectProgress), notes[i:i + 50_000])
        for snap in live_snapshots(conn, "project", changed):
            op.change.records.append(ChangeRecord("project", snap["id"], "update", before[snap["id"]], snap))
        for snap in live_snapshots(conn, "progress", [n["id"] for n in notes]):
            op.change.records.append(ChangeRecord("progress", snap["id"], "insert", None, snap))
        if notes and conn.dialect.name == "postgresql":  # explicit ids: move the sequence past them
            conn.execute(text("SELECT setval(pg_get_serial_sequence('project_progress', 'id'), "
                              "(SELECT COALESCE(MAX(id), 1) FROM project_progress))"))
        summary = {"promised": len(promised), "progress_notes": len(notes), "seed": seed}
        op.change.records.append(ChangeRecord("ledger", 0, "update", None, summary))
    return summary
