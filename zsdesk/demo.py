"""A realistic, deterministic demo district (黔江区), and a municipal-scale ledger for benchmarks.

The district uses the real parks, departments and towns of Chongqing's Qianjiang district and
the industry chains its bureau publishes; projects span three years at every stage, with
funding entries, joint projects, credited persons and targets for every unit and the district.
Rows go in with bulk inserts (one transaction), so 100,000 projects and 1,000,000 funding
entries take well under a minute.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, cast

from sqlalchemy import Connection, Table, func, insert, select, text

from .audit_guard import chain_head, chained_rows
from .errors import LedgerError
from .funding_months import drop_triggers, install_triggers
from .ledger import Ledger
from .models import (
    AuditEntry,
    DictionaryEntry,
    Funding,
    Person,
    Project,
    ProjectCooperatingUnit,
    ProjectPerson,
    ProjectTag,
    Target,
    Unit,
)
from .money import YUAN_PER_WAN, YUAN_PER_YI
from .ops.history import ChangeRecord, Operation, operation
from .ops.records import snapshot_from_values
from .ops.totals import refresh_arrived_totals, refresh_funding_months
from .stage import derive_stage, first_signed
from .text_index import catch_up_all

YI = YUAN_PER_YI  # one definition, in zsdesk.money
WAN = YUAN_PER_WAN

PARKS = [("重庆黔江高新技术产业开发区", "高新区"), ("正阳工业园区", "正阳园区"), ("舟白工业园区", "舟白园区"),
         ("黔江区现代农业产业园", "农业园区")]
DEPARTMENTS = [("区发展改革委", "发改委"), ("区经济信息委", "经信委"), ("区商务委", "商务委"),
               ("区农业农村委", "农业农村委"), ("区文化旅游委", "文旅委"), ("区科技局", "科技局"),
               ("区住房城乡建委", "住建委"), ("区交通运输委", "交通委"), ("区国资委", "国资委"),
               ("区卫生健康委", "卫健委"), ("区林业局", "林业局"), ("区招商投资促进局", "招商局")]
TOWNS = [("城东街道", "城东"), ("城西街道", "城西"), ("城南街道", "城南"), ("正阳街道", "正阳"),
         ("舟白街道", "舟白"), ("冯家街道", "冯家"), ("濯水镇", "濯水"), ("石会镇", "石会"), ("阿蓬江镇", "阿蓬江")]
# For the municipal-scale ledger: Chongqing's districts and counties, each with its own units.
MUNICIPAL_AREAS = ["渝中", "江北", "南岸", "九龙坡", "沙坪坝", "大渡口", "渝北", "巴南", "北碚", "涪陵", "长寿", "江津",
                   "合川", "永川", "南川", "綦江", "大足", "璧山", "铜梁", "潼南", "荣昌", "开州", "梁平", "武隆",
                   "万州", "黔江", "城口", "丰都", "垫江", "忠县", "云阳", "奉节", "巫山", "巫溪", "石柱", "秀山",
                   "酉阳", "彭水"]
MUNICIPAL_UNIT_SUFFIXES = [("经济技术开发区", "park"), ("工业园区", "park"), ("发展改革委", "department"),
                           ("经济信息委", "department"), ("商务委", "department"), ("农业农村委", "department"),
                           ("招商投资促进局", "department"), ("中心街道", "town")]

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程魏苏吕丁任沈姚卢"
GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀兰", "霞",
         "平", "刚", "桂英", "建华", "志强", "海燕", "晓东", "红梅", "国庆", "春燕", "文斌", "永红", "德明", "小川", "旭"]

OUT_OF_CITY = [("浙江", "杭州"), ("浙江", "丽水"), ("福建", "厦门"), ("福建", "福州"), ("福建", "三明"), ("广东", "深圳"),
               ("广东", "广州"), ("北京", "北京"), ("上海", "上海"), ("山东", "济南"), ("山东", "临沂"), ("湖北", "武汉"),
               ("湖南", "长沙"), ("四川", "成都"), ("江苏", "苏州"), ("江苏", "南京"), ("河南", "郑州"), ("贵州", "贵阳")]
IN_CITY = [("重庆", "渝北区"), ("重庆", "江北区"), ("重庆", "九龙坡区"), ("重庆", "两江新区"), ("重庆", "涪陵区"), ("重庆", "万州区")]
IN_DISTRICT = [("重庆", "黔江区")]

# chain → (project name stems, investor trade words, industrial?)
CHAIN_PROJECTS: dict[str, tuple[list[str], list[str], bool]] = {
    "新材料": (["新型玻纤材料生产", "高性能玻璃纤维池窑拉丝", "铝灰渣资源化综合利用", "再生铝", "碳化硅新材料", "电子级玻纤布"],
            ["新材料", "玻纤", "铝业", "复合材料"], True),
    "生物医药": (["现代化中药贴剂生产", "中药材精深加工", "生物医药联合研究院", "医疗器械生产基地", "原料药生产线"],
             ["制药", "生物科技", "医药", "健康产业"], True),
    "食品加工": (["武陵山特色食品加工", "预制菜生产基地", "脆红李深加工", "猕猴桃果酒酿造", "高山蔬菜净菜加工"],
             ["食品", "农产品", "饮品", "食品科技"], True),
    "数字经济": (["武陵山大数据中心", "智能终端组装", "软件外包服务中心", "数字乡村服务平台", "电子元器件生产"],
             ["信息技术", "数字科技", "电子", "智能科技"], True),
    "文旅康养": (["濯水古镇文旅综合体", "阿蓬江生态旅游度假区", "森林康养基地", "民宿集群开发", "土家风情体验园"],
             ["文化旅游", "旅游开发", "康养产业", "酒店管理"], False),
    "先进制造": (["智能装备制造", "汽车零部件生产", "新能源电池配件", "精密机械加工", "电机生产线"],
             ["智能装备", "机械", "汽车部件", "科技"], True),
    "清洁能源": (["金洞风储一体化示范", "分布式光伏发电", "生物质热电联产", "抽水蓄能电站前期", "储能电站"],
             ["新能源", "能源", "电力", "光伏"], True),
    "现代物流": (["渝东南农产品冷链物流园", "公铁联运物流中心", "电商快递分拨中心", "城乡配送中心"],
             ["物流", "供应链", "冷链", "货运"], False),
    "茧丝绸": (["茧丝绸精深加工", "桑蚕丝织造", "丝绸文创产品生产", "蚕桑综合利用"], ["丝绸", "茧丝", "纺织"], True),
    "商贸服务": (["万达广场商业综合体", "城市商业中心", "建材家居市场", "汽车销售服务园"], ["商业管理", "商贸", "置业"], False),
    "现代农业": (["高山生态畜牧养殖", "中药材种植基地", "烤烟标准化基地", "羊肚菌种植示范"], ["农业", "畜牧", "生态农业"], False),
    "绿色建材": (["装配式建筑构件生产", "管材迁建", "新型墙体材料", "绿色砂石骨料"], ["建材", "管业", "建筑科技"], True),
}
CAPACITY = {"新材料": "万吨", "食品加工": "万吨", "绿色建材": "万立方米", "先进制造": "万台（套）", "茧丝绸": "万米"}
COMPANY_WORDS = ["华瑞", "恒通", "金源", "鼎盛", "宏达", "中科", "天成", "瑞丰", "远航", "新元", "博远", "汇丰", "长江",
                 "武陵", "中盛", "华泰", "永安", "佳和", "盛世", "德润", "信达", "明德", "启航", "锦程"]


@dataclass
class DemoSummary:
    units: int
    persons: int
    projects: int
    funding: int
    targets: int
    seconds: float


def _unit_rows(big: bool) -> list[dict[str, Any]]:
    if not big:
        spec = [(n, s, "park") for n, s in PARKS] + [(n, s, "department") for n, s in DEPARTMENTS] + \
               [(n, s, "town") for n, s in TOWNS]
    else:
        spec = []
        for area in MUNICIPAL_AREAS:
            for suffix, kind in MUNICIPAL_UNIT_SUFFIXES:
                spec.append((f"{area}区{suffix}" if not area.endswith(("州", "县")) else f"{area}{suffix}",
                             f"{area}{suffix[:2]}", kind))
        spec = spec[:300]
    return [{"id": i + 1, "name": n, "short_name": s, "kind": k, "active": True, "sort_order": i + 1}
            for i, (n, s, k) in enumerate(spec)]


def _person_rows(rng: random.Random, units: list[dict[str, Any]], count: int) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    seen: set[tuple[str, int]] = set()
    while len(rows) < count:
        name = rng.choice(SURNAMES) + rng.choice(GIVEN)
        unit = rng.choice(units)["id"]
        if (name, unit) in seen:
            continue
        seen.add((name, unit))
        rows.append({"id": len(rows) + 1, "name": name, "unit_id": unit, "active": True})
    return rows


def _plus(d: date, rng: random.Random, lo: int, hi: int) -> date:
    return d + timedelta(days=rng.randint(lo, hi))


def _amount(rng: random.Random) -> int:
    """Agreement amount in yuan: mostly 1亿—10亿, a few major ones, a few small ones; rounded to 10万."""
    roll = rng.random()
    if roll < 0.03:
        value = rng.uniform(20, 40) * YI
    elif roll < 0.10:
        value = rng.uniform(10, 20) * YI
    elif roll < 0.70:
        value = rng.uniform(1, 8) * YI
    elif roll < 0.95:
        value = rng.uniform(0.05, 1) * YI
    else:
        value = rng.uniform(0.01, 0.05) * YI
    return int(value // (10 * WAN)) * 10 * WAN


def build_demo(ledger: Ledger, projects: int | None = None, seed: int = 2026, today: date | None = None,
               progress: Callable[[int, int], None] | None = None) -> DemoSummary:
    """Fill an empty ledger with the demo district (``projects=None``: a district, ~400 projects over
    mid-2022 to today, about 360 projects) or a municipal-scale ledger (``projects=N``, 300 units and 2,000 persons when N > 5,000)."""
    started = datetime.now()
    today = today or date.today()
    rng = random.Random(seed)
    big = projects is not None and projects > 5000
    n_projects = projects if projects is not None else 360
    # Three years of work plus the year before as a base, so every year's 同比 compares like with like.
    years = [today.year - 3, today.year - 2, today.year - 1, today.year]

    with ledger.reading() as s:
        if s.scalar(select(func.count()).select_from(Project)) or s.scalar(select(func.count()).select_from(Unit)):
            raise LedgerError("演示数据只能生成在空台账中；这个台账已有单位或项目。请新建一个台账文件。")
        chains = {name: eid for eid, name in s.execute(
            select(DictionaryEntry.id, DictionaryEntry.name).where(DictionaryEntry.kind == "chain"))}
        tags = {name: eid for eid, name in s.execute(
            select(DictionaryEntry.id, DictionaryEntry.name).where(DictionaryEntry.kind == "investor_tag"))}
    if not chains:
        raise LedgerError("台账缺少产业链字典，请用 zsdesk init 新建台账。")

    units = _unit_rows(big)
    parks = [u["id"] for u in units if u["kind"] == "park"]
    persons = _person_rows(rng, units, 2000 if big else 32)
    # Parks carry most projects, as in a real district.
    unit_weights = [6.0 if u["kind"] == "park" else (2.0 if u["kind"] == "department" else 1.0) for u in units]
    unit_ids = [u["id"] for u in units]
    chain_names = [c for c in CHAIN_PROJECTS if c in chains] or list(chains)
    history_start = date(years[0] - 1, 7, 1)
    history_days = (today - history_start).days
    now = datetime.combine(today, datetime.min.time()).replace(hour=9)

    project_rows: list[dict[str, Any]] = []
    coop_rows: list[dict[str, Any]] = []
    person_links: list[dict[str, Any]] = []
    tag_rows: list[dict[str, Any]] = []
    funding_rows: list[dict[str, Any]] = []
    codes: dict[int, int] = {}
    names_seen: set[tuple[str, str]] = set()
    funding_per_started = 32 if big else 8
    report_every = max(1, n_projects // 100)

    for pid in range(1, n_projects + 1):
        chain = rng.choice(chain_names)
        stems, trades, industrial = CHAIN_PROJECTS.get(chain, (["综合产业"], ["实业"], True))
        roll = rng.random()
        origin, places = (("out_of_city", OUT_OF_CITY) if roll < 0.7 else
                          ("in_city", IN_CITY) if roll < 0.9 else ("in_district", IN_DISTRICT))
        province, city = rng.choice(places)
        company = f"{city.rstrip('市区')}{rng.choice(COMPANY_WORDS)}{rng.choice(trades)}有限公司"
        if province != city and origin == "out_of_city":
            company = f"{province}{company}"
        stem = rng.choice(stems)
        capacity = CAPACITY.get(chain)
        name = f"{stem}项目" if capacity is None or rng.random() < 0.5 else \
            f"年产{rng.choice([2, 5, 10, 20, 30])}{capacity}{stem}项目"
        if rng.random() < 0.3:
            name = f"{name[:-2]}（{rng.choice(['一期', '二期', '三期'])}）项目"
        while (company, name) in names_seen:
            name = f"{name[:-2]}{rng.randint(2, 99)}号项目"
        names_seen.add((company, name))

        # Contacts run steadily from mid-way through the year before the base year up to today, so
        # every reported year has earlier cohorts' signings and funds behind it (a steady 同比).
        first = history_start + timedelta(days=rng.randint(0, history_days))
        target_stage = rng.choices(
            ["negotiating", "framework", "formal", "started", "production", "full_production", "withdrawn", "lead"],
            [14, 14, 22, 22, 12, 5, 7, 4])[0]
        dates: dict[str, date | None] = dict.fromkeys(
            ("first_contact_date", "framework_date", "formal_date", "started_date", "production_date",
             "full_production_date", "withdrawn_date"))
        if target_stage != "lead":
            dates["first_contact_date"] = first
        chain_of_dates = [("framework_date", 20, 120), ("formal_date", 20, 150), ("started_date", 30, 180),
                          ("production_date", 150, 400), ("full_production_date", 150, 360)]
        order = ["negotiating", "framework", "formal", "started", "production", "full_production"]
        reach = order.index(target_stage) if target_stage in order else (
            rng.randint(1, 2) if target_stage == "withdrawn" else -1)
        last = first
        skip_framework = rng.random() < 0.45
        for i, (field, lo, hi) in enumerate(chain_of_dates, start=1):
            if i > reach:
                break
            if field == "framework_date" and skip_framework and reach >= 2:
                continue
            nxt = _plus(last, rng, lo, hi)
            if nxt > today:
                break
            dates[field] = nxt
            last = nxt
        if target_stage == "withdrawn":
            wd = _plus(last, rng, 30, 200)
            dates["withdrawn_date"] = min(wd, today)

        amount = _amount(rng)
        planned = int(amount * rng.uniform(1.0, 1.3)) // (10 * WAN) * 10 * WAN
        output = int(amount * rng.uniform(0.8, 2.5)) // (10 * WAN) * 10 * WAN if industrial else 0
        lead = rng.choices(unit_ids, unit_weights)[0]
        code_year = first.year if target_stage != "lead" else today.year
        codes[code_year] = codes.get(code_year, 0) + 1
        stage = derive_stage(dates)
        signed = dates["framework_date"] or dates["formal_date"]
        updated = now - timedelta(days=rng.randint(0, 40))  # ~1 in 4 past the 30-day progress rule
        project_rows.append({
            "id": pid, "code": f"{code_year}-{codes[code_year]:04d}", "name": name, "investor": company,
            "origin": origin, "origin_province": province, "origin_city": city, "chain_id": chains[chain],
            "industrial": industrial, "planned_investment": planned, "agreement_amount": amount,
            "expected_output": output, **dates, "stage": stage, "signed_date": first_signed(dates),
            "lead_unit_id": lead if (signed or rng.random() < 0.8) else None,
            "landing_park_id": (lead if lead in parks else rng.choice(parks)) if industrial else None,
            "leader": f"{rng.choice(SURNAMES)}{rng.choice(['书记', '区长', '副区长', '常委'])}" if amount >= 10 * YI else "",
            "notes": "", "created_at": datetime.combine(first, datetime.min.time()), "updated_at": updated,
            "version": 1, "deleted_at": None,
        })
        if rng.random() < 0.25:
            others = [u for u in rng.sample(unit_ids, 3) if u != lead][: rng.randint(1, 2)]
            coop_rows += [{"project_id": pid, "unit_id": u} for u in others]
        if signed and rng.random() < 0.6:
            for person in rng.sample(persons, rng.randint(1, 2)):
                person_links.append({"project_id": pid, "person_id": person["id"]})
        if rng.random() < 0.2:
            for tag in rng.sample(list(tags.values()), rng.randint(1, 2)):
                tag_rows.append({"project_id": pid, "tag_id": tag})
        if dates["formal_date"] and (dates["started_date"] or rng.random() < 0.3):
            # Funds arrive over the two years after signing; entries not yet due are not in the ledger.
            entries = rng.randint(max(1, funding_per_started // 2), funding_per_started * 3 // 2)
            per_entry = max(WAN, int(rng.uniform(0.04, 0.2) * amount / entries) // WAN * WAN)
            arrived = 0
            for _ in range(entries):
                when = dates["formal_date"] + timedelta(days=rng.randint(0, 720))
                if when <= today:
                    funding_rows.append({"project_id": pid, "date": when, "amount": per_entry, "note": "",
                                         "deleted_at": None})
                    arrived += per_entry
            if arrived > 100 * WAN and rng.random() < 0.03:
                funding_rows.append({"project_id": pid, "date": today - timedelta(days=rng.randint(0, 60)),
                                     "amount": -WAN * rng.randint(10, 100), "note": "更正：重复录入冲减",
                                     "deleted_at": None})
        if progress and pid % report_every == 0:
            progress(pid, n_projects)

    target_rows = _targets(rng, units, years, big)
    with operation(ledger, "生成演示台账", undoable=False) as op:
        conn = op.session.connection()
        # Explicit ids, so each entry's audit row can name its record.
        for model, rows in ((Funding, funding_rows), (Target, target_rows)):
            first_id = int(conn.scalar(select(func.max(model.id))) or 0) + 1
            for i, row in enumerate(rows):
                row["id"] = first_id + i
        # At municipal scale, building the secondary indexes once after the rows are in is much
        # cheaper than keeping them sorted row by row; same transaction, so nothing is ever half-built.
        rebuilt = [ix for t in (Project, Funding, AuditEntry) for ix in cast(Table, t.__table__).indexes if not ix.unique] \
            if big else []
        for ix in rebuilt:
            ix.drop(conn)
        drop_triggers(conn)  # funding_months: rebuilt once below rather than one entry at a time
        conn.execute(insert(Unit), units)
        conn.execute(insert(Person), persons)
        for table, rows in ((Project, project_rows), (ProjectCooperatingUnit, coop_rows),
                            (ProjectPerson, person_links), (ProjectTag, tag_rows), (Funding, funding_rows),
                            (Target, target_rows)):
            for i in range(0, len(rows), 50_000):
                conn.execute(insert(table), rows[i:i + 50_000])
        _write_demo_audit(op, units, persons, project_rows, (coop_rows, person_links, tag_rows), funding_rows,
                          target_rows)
        for ix in rebuilt:
            ix.create(conn)
        refresh_arrived_totals(op.session)  # 累计到位 of every project, once (the entries went in as Core rows)
        refresh_funding_months(op.session)  # the board's funds per project and month, likewise
        install_triggers(conn)
        catch_up_all(conn)  # the text filter's index: the projects went in as Core rows, not as records
        if conn.dialect.name == "postgresql":
            # Rows went in with explicit ids; move each id sequence past them, or the next insert collides.
            for table_name in ("units", "persons", "projects", "funding", "targets"):
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table_name}', 'id'), "
                                  f"(SELECT COALESCE(MAX(id), 1) FROM {table_name}))"))
        summary = {"units": len(units), "persons": len(persons), "projects": len(project_rows),
                   "funding": len(funding_rows), "targets": len(target_rows), "seed": seed}
        op.change.records.append(ChangeRecord("ledger", 0, "insert", None, summary))
    from .lifecycle.demo_data import add_lifecycle_demo  # SPEC §9: promised dates, progress notes
    add_lifecycle_demo(ledger, today, seed)
    if projects is None:  # SPEC §10: a year of leads and trips for the district (benchmarks add their own)
        from .activity.demo import add_activity_demo  # with the other demo parts, loaded when a demo is built
        add_activity_demo(ledger, today, seed)
    seconds = (datetime.now() - started).total_seconds()
    return DemoSummary(len(units), len(persons), len(project_rows), len(funding_rows), len(target_rows), seconds)


def _write_demo_audit(op: Operation, units: list[dict[str, Any]], persons: list[dict[str, Any]],
                      projects: list[dict[str, Any]], links: tuple[list[dict[str, Any]], ...],
                      funding: list[dict[str, Any]], targets: list[dict[str, Any]]) -> None:
    """One audit row per demo record, as the operations would have written them, chained in batches."""
    per_project: dict[int, dict[str, list[int]]] = {}
    for rows, (field, column) in zip(links, (("cooperating_unit_ids", "unit_id"), ("person_ids", "person_id"),
                                             ("tag_ids", "tag_id")), strict=True):
        for row in rows:
            per_project.setdefault(row["project_id"], {}).setdefault(field, []).append(row[column])

    def records() -> Iterator[tuple[str, int, str, Any, Any]]:
        for entity, rows in (("unit", units), ("person", persons), ("project", projects), ("funding", funding),
                             ("target", targets)):
            for row in rows:
                links_of = per_project.get(row["id"]) if entity == "project" else None
                yield entity, row["id"], "insert", None, snapshot_from_values(entity, row, links_of)

    conn = op.session.connection()
    _, last = chain_head(op.session)
    batch: list[tuple[str, int, str, Any, Any]] = []
    for record in records():
        batch.append(record)
        if len(batch) == 20_000:
            last = _insert_audit(conn, op, last, batch)
            batch = []
    if batch:
        _insert_audit(conn, op, last, batch)


def _insert_audit(conn: Connection, op: Operation, last: str, batch: list[tuple[str, int, str, Any, Any]]) -> str:
    rows = chained_rows(last, op.change.op_id, op.change.label, op.now, op.ledger.operator, batch)
    # Straight to the driver's executemany: SQLAlchemy's per-row parameter processing was half the time.
    columns = list(rows[0])
    at_column = AuditEntry.__table__.c.at
    to_db = at_column.type.bind_processor(conn.dialect)
    at = to_db(op.now) if to_db else op.now
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    sql = f"INSERT INTO audit_log ({', '.join(columns)}) VALUES ({', '.join([mark] * len(columns))})"
    conn.exec_driver_sql(sql, [tuple(at if k == "at" else r[k] for k in columns) for r in rows])
    return str(rows[-1]["hash"])


def _targets(rng: random.Random, units: list[dict[str, Any]], years: list[int], big: bool) -> list[dict[str, Any]]:
    rows = []
    scale = 30 if big else 1
    for year in years:
        growth = 1 + 0.08 * (year - years[0])
        rows.append({"unit_id": None, "year": year, "major_count": 2 * scale, "large_count": 4 * scale,
                     "key_count": 15 * scale, "agreement_amount": int(220 * YI * growth * scale),
                     "formal_amount": int(160 * YI * growth * scale), "arrived_amount": int(25 * YI * growth * scale),
                     "deleted_at": None})
        for u in units:
            weight = {"park": 5.0, "department": 1.2, "town": 0.5}.get(u["kind"], 0.5) * rng.uniform(0.8, 1.2)
            rows.append({"unit_id": u["id"], "year": year, "major_count": 1 if u["kind"] == "park" else 0,
                         "large_count": 1 if u["kind"] == "park" else 0, "key_count": max(1, round(weight)),
                         "agreement_amount": int(weight * 8 * YI) // (100 * WAN) * 100 * WAN,
                         "formal_amount": int(weight * 6 * YI) // (100 * WAN) * 100 * WAN,
                         "arrived_amount": int(weight * 1 * YI) // (100 * WAN) * 100 * WAN, "deleted_at": None})
    return rows


def summary_json(summary: DemoSummary) -> str:
    return json.dumps(summary.__dict__, ensure_ascii=False)
