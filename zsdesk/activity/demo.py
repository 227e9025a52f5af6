"""A year of leads, follow-ups and trips for the demo district (SPEC §10), and the municipal scale for benchmarks.

``add_activity_demo(ledger, today=None, seed=2026, leads=None, trips=None) -> dict`` — called at the end of
``zsdesk.demo.build_demo`` for the district (``leads``/``trips`` None: about 200 leads and 36 trips over the
twelve months before ``today``). The funnel: the projects the demo district first contacted in that year are
the conversions of leads received that day for the same company and unit (status 已转项目, linked both
ways); some trips are under quota, some intentions became leads. Rows go in in bulk, each with the audit
row an operation would have written, so ``zsdesk check`` replays the demo clean. Deterministic for a seed.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, insert, select, text

from ..audit_chain import live_snapshots
from ..audit_guard import chain_head, chained_rows
from ..models import (
    AuditEntry,
    DictionaryEntry,
    Lead,
    LeadFollowup,
    Person,
    Project,
    Trip,
    TripPerson,
    TripUnit,
    TripVisit,
    Unit,
)
from ..ops.history import ChangeRecord, operation
from ..ops.totals import refresh_last_followups

if TYPE_CHECKING:
    from ..ledger import Ledger

DESTINATIONS = [("广东省", "深圳市"), ("广东省", "广州市"), ("广东省", "东莞市"), ("浙江省", "杭州市"), ("浙江省", "宁波市"),
                ("江苏省", "苏州市"), ("江苏省", "南京市"), ("上海市", "浦东新区"), ("北京市", "海淀区"), ("福建省", "厦门市"),
                ("四川省", "成都市"), ("湖北省", "武汉市"), ("湖南省", "长沙市"), ("山东省", "青岛市"), ("重庆市", "两江新区")]
LEADERS = [("王建国（区委副书记）", "district_leader"), ("刘志强（副区长）", "district_leader"),
           ("陈晓东（副区长）", "district_leader"), ("赵明（区招商投资促进局局长）", "department"),
           ("周丽（区经济信息委主任）", "department"), ("孙涛（园区管委会副主任）", "department")]
SOURCE_WEIGHTS = {"以商招商": 30, "中介机构": 15, "驻外招商": 15, "领导招商": 12, "产业赋能大使": 10, "网络推介": 10,
                  "其他": 8}
WORDS = ["华瑞", "恒通", "金源", "鼎盛", "宏达", "中科", "天成", "瑞丰", "远航", "新元", "博远", "汇丰", "武陵", "中盛",
         "华泰", "永安", "佳和", "德润", "信达", "明德", "启航", "锦程", "海川", "同创", "智联", "康宁", "绿源", "盛和"]
TRADES = ["新材料", "电子科技", "食品", "生物医药", "智能装备", "新能源", "物流", "农业科技", "文旅", "建材", "纺织", "数字科技"]
FOLLOWUPS = ("电话沟通，企业有意来区考察", "发送投资环境介绍和园区资料", "企业负责人来区实地考察", "对接用地、用电需求",
             "赴企业总部拜访，介绍政策", "企业内部论证中，约定下月再联系", "已报送项目投资意向书", "协调园区提供标准厂房方案")
VISIT_NOTES = ("对方有扩产计划", "关注物流成本", "需要标准厂房", "正在西南选址", "", "", "")
INVALID_REASONS = ("企业已在外地落户", "投资意向取消", "不符合产业定位", "重复线索")


def _company(rng: random.Random, province: str, city: str) -> str:
    place = city.rstrip("市区") if province not in ("上海市", "北京市", "重庆市") else province.rstrip("市")
    return f"{place}{rng.choice(WORDS)}{rng.choice(TRADES)}有限公司"


def _phone(rng: random.Random) -> str:
    return f"1{rng.choice('3589')}{rng.randint(0, 9)}{rng.randint(10_000_000, 99_999_999)}"


def add_activity_demo(ledger: Ledger, today: date | None = None, seed: int = 2026, leads: int | None = None,
                      trips: int | None = None) -> dict[str, int]:
    today = today or date.today()
    rng = random.Random(seed * 17 + 19)
    n_leads = 200 if leads is None else leads
    n_trips = 36 if trips is None else trips
    first_day = today - timedelta(days=365)
    with ledger.reading() as s:
        units = list(s.execute(select(Unit.id, Unit.kind).where(Unit.deleted_at.is_(None)).order_by(Unit.id)))
        if not units:
            return {}
        persons_by_unit: dict[int | None, list[int]] = {}
        for pid, uid in s.execute(select(Person.id, Person.unit_id).where(Person.deleted_at.is_(None))):
            persons_by_unit.setdefault(uid, []).append(pid)
        sources: dict[str, int] = dict(s.execute(select(DictionaryEntry.name, DictionaryEntry.id).where(
            DictionaryEntry.kind == "lead_source", DictionaryEntry.deleted_at.is_(None))).all())
        chains = list(s.scalars(select(DictionaryEntry.id).where(DictionaryEntry.kind == "chain")))
        # the funnel: projects first contacted in the year came from leads received that day
        converted = list(s.execute(select(Project.id, Project.investor, Project.first_contact_date,
                                          Project.lead_unit_id, Project.chain_id, Project.planned_investment)
                                   .where(Project.deleted_at.is_(None), Project.first_contact_date >= first_day,
                                          Project.first_contact_date <= today)
                                   .order_by(Project.id)))
    if not sources:
        return {}
    unit_weights = [{"park": 5, "department": 2, "town": 1}.get(kind, 1) for _, kind in units]
    source_names = [n for n in SOURCE_WEIGHTS if n in sources]
    source_weights = [SOURCE_WEIGHTS[n] for n in source_names]
    now = datetime.combine(today, datetime.min.time()).replace(hour=18)

    lead_rows: list[dict[str, Any]] = []
    followups: list[dict[str, Any]] = []

    def add_lead(received: date, company: str, unit_id: int | None, status: str, **more: Any) -> dict[str, Any]:
        province, city = rng.choice(DESTINATIONS)
        row = {"received_date": received, "source_id": sources[rng.choices(source_names, source_weights)[0]],
               "company": company or _company(rng, province, city), "contact_name":
               rng.choice("王李张刘陈杨黄赵吴周徐孙") + rng.choice(["经理", "总", "主任", "董事长"]),
               "phone": _phone(rng), "chain_id": rng.choice(chains) if chains and rng.random() < 0.8 else None,
               "intended_investment": rng.choice([5, 10, 20, 30, 50, 80, 100, 200, 500]) * 1_000_000,
               "unit_id": unit_id, "person_id": None, "status": status, "status_reason": "", "project_id": None,
               "notes": "", "created_at": now, "updated_at": now, "version": 1, "deleted_at": None, **more}
        if unit_id is not None and persons_by_unit.get(unit_id) and rng.random() < 0.7:
            row["person_id"] = rng.choice(persons_by_unit[unit_id])
        lead_rows.append(row)
        return row

    for pid, investor, contact, unit_id, chain_id, planned in converted:
        assert contact is not None  # selected by first_contact_date >= first_day
        add_lead(contact, investor or "", unit_id, "converted", project_id=pid, chain_id=chain_id,
                 intended_investment=planned)
    while len(lead_rows) < n_leads:
        received = first_day + timedelta(days=rng.randint(0, 365))
        roll = rng.random()
        status = "new" if roll < 0.25 else "following" if roll < 0.85 else "invalid"
        unit_id = rng.choices(units, unit_weights)[0][0] if rng.random() < 0.95 else None
        row = add_lead(received, "", unit_id, status)
        if status == "invalid":
            row["status_reason"] = rng.choice(INVALID_REASONS)

    # trips: about one in four under quota; some intentions become leads
    trip_rows: list[dict[str, Any]] = []
    trip_units: list[dict[str, int]] = []
    trip_persons: list[dict[str, int]] = []
    visits: list[dict[str, Any]] = []
    for i in range(n_trips):
        leave = first_day + timedelta(days=int(365 * (i + rng.random()) / max(n_trips, 1)))
        back = leave + timedelta(days=rng.randint(1, 4))
        if back > today:
            leave, back = today - timedelta(days=3), today - timedelta(days=1)
        province, city = rng.choice(DESTINATIONS)
        leader, level = rng.choice(LEADERS)
        trip_rows.append({"departure_date": leave, "return_date": back, "province": province, "city": city,
                          "leader": leader, "level": level, "notes": "", "created_at": now, "updated_at": now,
                          "version": 1, "deleted_at": None})
        chosen = {rng.choices(units, unit_weights)[0][0] for _ in range(rng.choice([1, 1, 2, 2, 3]))}
        trip_units += [{"trip": i, "unit_id": u} for u in sorted(chosen)]
        for u in sorted(chosen):
            for p in rng.sample(persons_by_unit.get(u, []), min(len(persons_by_unit.get(u, [])), rng.randint(0, 2))):
                trip_persons.append({"trip": i, "person_id": p})
        short = rng.random() < 0.25
        count = rng.randint(1, 2) if short and rng.random() < 0.5 else rng.randint(4, 7)
        for _ in range(count):
            day = leave + timedelta(days=rng.randint(0, (back - leave).days))
            roll = rng.random()
            outcome = ("intention" if roll < (0.2 if short else 0.75) else "general" if roll < 0.92 else "none")
            company = _company(rng, province, city)
            visit: dict[str, Any] = {"trip": i, "company": company, "date": day, "outcome": outcome,
                                     "lead_id": None, "notes": rng.choice(VISIT_NOTES), "deleted_at": None}
            visits.append(visit)
            if outcome == "intention" and rng.random() < 0.5:
                lead = add_lead(day, company, sorted(chosen)[0], rng.choice(["new", "following"]),
                                notes=f"外出招商（{province}{city}，{leader}带队）拜访时收集。")
                lead["_visit"] = visit

    for row in lead_rows:
        if row["status"] in ("following", "converted", "invalid"):
            day = row["received_date"]
            for _ in range(rng.randint(1, 4)):
                day += timedelta(days=rng.randint(5, 45))
                if day > today:
                    break
                followups.append({"lead": row, "date": day, "text": rng.choice(FOLLOWUPS),
                                  "operator": rng.choice(("李娟", "王磊", "张敏", "陈勇")),
                                  "created_at": datetime.combine(day, datetime.min.time()).replace(hour=10),
                                  "deleted_at": None})

    with operation(ledger, "生成演示招商活动数据", undoable=False) as op:
        conn = op.session.connection()

        def next_id(model: Any) -> int:
            return int(conn.scalar(select(func.max(model.id))) or 0) + 1

        lead_start, trip_start = next_id(Lead), next_id(Trip)
        for i, row in enumerate(lead_rows):
            row["id"] = lead_start + i
        for i, row in enumerate(trip_rows):
            row["id"] = trip_start + i
        visit_start, note_start = next_id(TripVisit), next_id(LeadFollowup)
        for i, visit in enumerate(visits):
            visit["id"] = visit_start + i
            visit["trip_id"] = trip_start + visit.pop("trip")
        for row in lead_rows:
            visit = row.pop("_visit", None)
            if visit is not None:
                visit["lead_id"] = row["id"]
        for i, note in enumerate(followups):
            note["id"] = note_start + i
            note["lead_id"] = note.pop("lead")["id"]
        links_units = [{"trip_id": trip_start + r["trip"], "unit_id": r["unit_id"]} for r in trip_units]
        links_persons = [{"trip_id": trip_start + r["trip"], "person_id": r["person_id"]} for r in trip_persons]
        for model, rows in ((Lead, lead_rows), (Trip, trip_rows), (TripUnit, links_units), (TripPerson, links_persons),
                            (TripVisit, visits), (LeadFollowup, followups)):
            for start in range(0, len(rows), 50_000):
                conn.execute(insert(model), rows[start:start + 50_000])
        refresh_last_followups(op.session)  # 最近跟进 of every lead, once (the notes went in as Core rows)
        # One audit row per record, as the operations would write them, chained and bulk-inserted (at
        # municipal scale an ORM object per row took minutes).
        _, last = chain_head(op.session)
        for entity, rows in (("lead", lead_rows), ("trip", trip_rows), ("trip_visit", visits),
                             ("lead_followup", followups)):
            ids = [r["id"] for r in rows]
            for start in range(0, len(ids), 20_000):
                batch = [(entity, snap["id"], "insert", None, snap)
                         for snap in live_snapshots(conn, entity, ids[start:start + 20_000])]
                if batch:
                    audit = chained_rows(last, op.change.op_id, op.change.label, op.now, op.ledger.operator, batch)
                    conn.execute(insert(AuditEntry), audit)
                    last = str(audit[-1]["hash"])
        if conn.dialect.name == "postgresql":  # explicit ids: move each sequence past them
            for table in ("leads", "trips", "trip_visits", "lead_followups"):
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                  f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"))
        summary = {"leads": len(lead_rows), "converted": len(converted), "trips": len(trip_rows),
                   "visits": len(visits), "followups": len(followups), "seed": seed}
        op.change.records.append(ChangeRecord("ledger", 0, "update", None, summary))
    return summary
