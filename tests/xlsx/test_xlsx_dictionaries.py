"""Issue 15 items 5–7: missing dictionary names in imports (nearest names, --add-missing, zsdesk dict),
funding corrections checked as one set, and a template with no rows."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from openpyxl import Workbook
from sqlalchemy import func, select

from zsdesk import ops
from zsdesk.ledger import Ledger
from zsdesk.models import AuditEntry, DictionaryEntry, Funding, Person, Project, Unit
from zsdesk.opening import open_unlocked
from zsdesk.xlsx.importer import import_file
from zsdesk.xlsx.template import make_template

HEAD = ["项目名称", "投资方", "投资方标签", "投资方来源", "产业链", "协议资金（万元）", "框架协议签订日期",
        "牵头单位", "落地园区", "引荐人"]


def xlsx(path: Path, rows: list[list[object]]) -> Path:
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    wb.save(path)
    return path


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "zsdesk", *args], capture_output=True, text=True, check=False,
                          timeout=120)


def _projects_file(tmp_path: Path) -> Path:
    return xlsx(tmp_path / "单位报送.xlsx", [
        HEAD,
        ["物流园", "甲物流公司", "瞪羚企业", "市外", "康养", "8000", "2026-03-01", "区商务委", "新城产业园", "赵六"],
        ["康养中心", "乙公司", "", "市外", "康养", "6000", "2026-03-02", "新城产业园", "", "赵六"],
        ["商贸城", "丙公司", "瞪羚企业", "市外", "新材料", "5000", "2026-03-03", "区商务委", "", ""],
    ])


def _counts(ledger: Ledger) -> tuple[int, int, int, int]:
    with ledger.reading() as s:
        return (s.scalar(select(func.count()).select_from(Project)) or 0,
                s.scalar(select(func.count()).select_from(Unit)) or 0,
                s.scalar(select(func.count()).select_from(Person)) or 0,
                s.scalar(select(func.count()).select_from(DictionaryEntry)) or 0)


def test_missing_names_are_listed_once_with_the_nearest_existing_name(ledger, tmp_path):  # type: ignore[no-untyped-def]
    ops.create_unit(ledger, {"name": "区商务委", "short_name": "商务委", "kind": "部门"})
    ops.create_unit(ledger, {"name": "新城工业园区", "short_name": "新城园区", "kind": "园区"})
    report = import_file(ledger, "projects", _projects_file(tmp_path), dry_run=True)
    assert not report.ok
    assert report.missing_chains == ["康养"] and report.missing_tags == ["瞪羚企业"]
    assert report.missing_units == ["新城产业园"] and report.missing_persons == ["赵六"]
    assert report.nearest[("chain", "康养")] == "文旅康养"
    assert report.nearest[("unit", "新城产业园")] == "新城工业园区"
    lines = report.missing_lines()
    assert "台账中没有这些产业链：康养（相近：文旅康养？）" in lines
    assert any(line.startswith("台账中没有这些单位：新城产业园（相近：新城工业园区？）") for line in lines)
    chain_problems = [p.reason for p in report.problems if p.column == "产业链"]
    assert len(chain_problems) == 2  # each row still says what is wrong …
    assert all("台账 → 单位与人员 → 产业链" in r and "设置" not in r for r in chain_problems)
    assert "相近：文旅康养？" in chain_problems[0]


def test_add_missing_creates_them_in_the_imports_own_operation(ledger, tmp_path):  # type: ignore[no-untyped-def]
    ops.create_unit(ledger, {"name": "区商务委", "short_name": "商务委", "kind": "部门"})
    before = _counts(ledger)
    report = import_file(ledger, "projects", _projects_file(tmp_path), dry_run=False, add_missing=True)
    assert report.ok and report.written, report.problem_table()
    assert "单位“新城产业园”" in report.created and "产业链“康养”" in report.created
    assert "投资方标签“瞪羚企业”" in report.created and "人员“赵六”" in report.created
    assert _counts(ledger) == (before[0] + 3, before[1] + 1, before[2] + 1, before[3] + 2)
    with ledger.reading() as s:
        park = s.scalar(select(Unit).where(Unit.name == "新城产业园"))
        assert park is not None and park.kind == "park"  # named as a 落地园区
        created_entries = set(s.scalars(select(DictionaryEntry.id).where(DictionaryEntry.name.in_(("康养", "瞪羚企业")))))
        # The default dictionaries are audited too (by init): only the rows for what the import made count.
        ops_ids = {e.op_id for e in s.scalars(select(AuditEntry).where(
            AuditEntry.entity.in_(("unit", "dictionary", "person", "project"))))
            if (e.entity != "unit" or e.entity_id == park.id)
            and (e.entity != "dictionary" or e.entity_id in created_entries)}
    assert len(ops_ids) == 1  # one audited operation: the import
    ops.undo(ledger)  # undone with it: the projects and everything created for them
    assert _counts(ledger)[:2] == before[:2]
    with ledger.reading() as s:
        live = s.scalars(select(DictionaryEntry.name).where(DictionaryEntry.deleted_at.is_(None))).all()
        assert "康养" not in live and "瞪羚企业" not in live
        assert s.scalar(select(func.count()).select_from(Person).where(Person.deleted_at.is_(None))) == before[2]


def test_add_missing_rolls_back_when_another_problem_remains(ledger, tmp_path):  # type: ignore[no-untyped-def]
    ops.create_unit(ledger, {"name": "区商务委", "short_name": "商务委", "kind": "部门"})
    path = xlsx(tmp_path / "有错.xlsx", [HEAD, ["物流园", "甲公司", "", "火星", "康养", "8000", "2026-03-01",
                                                "区商务委", "", ""]])
    before = _counts(ledger)
    report = import_file(ledger, "projects", path, dry_run=False, add_missing=True)
    assert not report.ok and not report.written and report.created == []
    assert any(p.column == "投资方来源" for p in report.problems)
    assert _counts(ledger) == before


def test_cli_import_add_missing_and_dict_commands(ledger, tmp_path):  # type: ignore[no-untyped-def]
    ops.create_unit(ledger, {"name": "区商务委", "short_name": "商务委", "kind": "部门"})
    ledger.close()
    db = str(ledger.path)
    path = _projects_file(tmp_path)
    done = cli("import", "projects", str(path), "--db", db)
    assert done.returncode == 2
    assert "台账中没有这些产业链：康养（相近：文旅康养？）" in done.stdout
    assert "--add-missing" in done.stdout and "设置" not in done.stdout + done.stderr
    done = cli("import", "projects", str(path), "--db", db, "--add-missing")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "已新增 3 条" in done.stdout and "产业链“康养”" in done.stdout
    # zsdesk dict
    done = cli("dict", "add", "chain", "低空经济", "--flags", "new_economy", "--db", db)
    assert done.returncode == 0 and "已添加产业链“低空经济”" in done.stdout
    done = cli("dict", "add", "chain", "低空经济", "--db", db)
    assert done.returncode == 2 and "已有“低空经济”" in done.stderr and done.stderr.count("\n") == 1
    done = cli("dict", "add", "tag", "瞪羚", "--flags", "huge", "--db", db)
    assert done.returncode == 2 and "不认识的标记" in done.stderr
    done = cli("dict", "list", "chain", "--db", db)
    assert done.returncode == 0 and "低空经济（新经济产业链（招新引优））" in done.stdout and "康养" in done.stdout
    done = cli("dict", "list", "--db", db)
    assert "投资方标签：" in done.stdout and "瞪羚企业" in done.stdout
    with open_unlocked(db, operator="测试员") as led, led.reading() as s:
        flags = s.scalar(select(DictionaryEntry.flags).where(DictionaryEntry.name == "低空经济"))
        assert flags == "new_economy"
        audit = s.scalars(select(AuditEntry).where(AuditEntry.entity == "dictionary")).all()
        assert any(a.entity_id and a.action == "insert" for a in audit)


def test_default_chain_dictionary_covers_the_seed_chains(ledger):  # type: ignore[no-untyped-def]
    qianjiang = ["卷烟及配套", "铝材料", "玻纤", "大健康", "生物医药", "新能源", "食品加工", "肉制品", "蚕桑丝绸", "文旅",
                 "数字经济"]
    fuling = ["数字经济", "科创和高等教育", "消费品", "中医药", "新材料", "文旅", "军民融合", "建筑", "交通物流",
              "生物医药", "医疗器械", "商务商贸", "高端装备智能制造"]
    with ledger.reading() as s:
        chains = dict(s.execute(select(DictionaryEntry.name, DictionaryEntry.flags)
                                .where(DictionaryEntry.kind == "chain")).all())
    assert set(qianjiang + fuling) <= set(chains)
    for name in ("数字经济", "新材料", "生物医药", "新能源", "医疗器械", "高端装备智能制造", "军民融合"):
        assert "new_economy" in chains[name], name  # 招新引优 chains
    for name in ("交通物流", "商务商贸", "文旅", "建筑", "卷烟及配套"):
        assert not chains[name], name


def test_funding_correction_in_the_same_file_passes(ledger, tmp_path):  # type: ignore[no-untyped-def]
    ops.create_unit(ledger, {"name": "区商务委", "short_name": "商务委", "kind": "部门"})
    ops.create_project(ledger, {"name": "物流园", "investor": "甲公司", "lead_unit_id": "区商务委",
                                "formal_date": "2024-02-01", "agreement_amount": "2亿"})
    head = ["项目名称", "投资方", "到位日期", "到位金额（万元）", "备注"]
    path = xlsx(tmp_path / "到位.xlsx", [head, ["物流园", "甲公司", "2024-03-01", "1000", ""],
                                         ["物流园", "甲公司", "2024-03-15", "-200", "冲减"]])
    report = import_file(ledger, "funding", path, dry_run=False)
    assert report.ok and report.written, report.problem_table()
    with ledger.reading() as s:
        assert s.scalar(select(func.sum(Funding.amount))) == 8_000_000
    # the correction may even come first in the file: the file is one set
    path = xlsx(tmp_path / "到位2.xlsx", [head, ["物流园", "甲公司", "2024-04-15", "-900", "冲减"],
                                          ["物流园", "甲公司", "2024-04-01", "300", ""]])
    report = import_file(ledger, "funding", path, dry_run=False)
    assert report.ok and report.written, report.problem_table()
    # what must hold: no project's cumulative funds negative once the whole file is applied
    path = xlsx(tmp_path / "到位3.xlsx", [head, ["物流园", "甲公司", "2024-05-01", "100", ""],
                                          ["物流园", "甲公司", "2024-05-15", "-600", "冲减"]])
    report = import_file(ledger, "funding", path, dry_run=False)
    assert not report.written and [(p.row, p.column) for p in report.problems] == [(3, "到位金额（万元）")]
    assert "冲减后该项目累计到位资金为负数" in report.problems[0].reason
    with ledger.reading() as s:
        assert s.scalar(select(func.sum(Funding.amount))) == 2_000_000  # 800 + 300 − 900 万元, nothing more


def test_template_with_headers_and_no_rows(ledger, tmp_path):  # type: ignore[no-untyped-def]
    ledger_path = str(ledger.path)
    paths = [make_template(kind, ledger, tmp_path / f"{kind}.xlsx") for kind in ("projects", "funding", "units")]
    before = _counts(ledger)
    ledger.close()
    for kind, path in zip(("projects", "funding", "units"), paths, strict=True):
        done = cli("import", kind, str(path), "--db", ledger_path)
        assert done.returncode == 0, done.stderr
        assert "没有可导入的行" in done.stdout
    with open_unlocked(ledger_path, operator="测试员") as led:
        assert _counts(led) == before


def test_aliases_map_a_missing_name_to_an_existing_one(ledger, tmp_path):  # type: ignore[no-untyped-def]
    ops.create_unit(ledger, {"name": "区商务委", "short_name": "商务委", "kind": "部门"})
    ops.create_unit(ledger, {"name": "新城工业园区", "short_name": "新城园区", "kind": "园区"})
    ops.create_person(ledger, {"name": "赵六六", "unit_id": "区商务委"})
    path = _projects_file(tmp_path)
    first = import_file(ledger, "projects", path, dry_run=True)
    aliases = {k: v for k, v in first.nearest.items() if k[0] in ("chain", "unit", "person")}
    assert aliases == {("chain", "康养"): "文旅康养", ("unit", "新城产业园"): "新城工业园区", ("person", "赵六"): "赵六六"}
    report = import_file(ledger, "projects", path, dry_run=False, aliases=aliases)
    assert not report.ok and report.missing_chains == [] and report.missing_tags == ["瞪羚企业"]  # no close tag
    ops.create_entry(ledger, {"kind": "investor_tag", "name": "瞪羚企业"})
    report = import_file(ledger, "projects", path, dry_run=False, aliases=aliases)
    assert report.ok and report.written and any("“康养”→“文旅康养”" in n for n in report.notes)
    with ledger.reading() as s:
        park = s.scalar(select(Unit.id).where(Unit.name == "新城工业园区"))
        chain = s.scalar(select(DictionaryEntry.id).where(DictionaryEntry.name == "文旅康养"))
        rows = s.execute(select(Project.name, Project.chain_id, Project.landing_park_id, Project.lead_unit_id)
                         .order_by(Project.id)).all()
    assert rows[0] == ("物流园", chain, park, rows[0][3]) and rows[1][3] == park
    assert _counts(ledger)[1] == 2  # no unit was created
