"""Worked examples computed by hand (SPEC §3 and §6)."""

from __future__ import annotations

from decimal import Decimal

from zsdesk import ops
from zsdesk.board import board_to_json, compute_board, unit_projects

YI = 100_000_000


def _unit(board, name):  # type: ignore[no-untyped-def]
    return next(u for u in board.units if u.unit == name)


def test_spec_first_half_2022(build):  # type: ignore[no-untyped-def]
    """20 formal contracts worth 95.03亿 vs 160亿 → 59.39%; 12.59亿 arrived vs 25亿 → 50.36%."""
    build.unit("高新区", "园区")
    build.target("全区", 2022, formal_amount="160亿", arrived_amount="25亿")
    for i in range(20):
        amount = "4.78亿" if i == 0 else "4.75亿"
        build.project(f"正式{i}", lead_unit_id="高新区", formal_date=f"2022-{1 + i % 6:02d}-15", agreement_amount=amount)
    for i in range(8):
        build.project(f"框架{i}", lead_unit_id="高新区", framework_date="2022-04-01", agreement_amount="10.8125亿")
    pid = build.project("到位项目", lead_unit_id="高新区", formal_date="2021-12-01", agreement_amount="2亿")
    build.funding(pid, "2022-06-30", "125900")  # 12.59亿 in 万元
    build.funding(pid, "2022-07-01", "99999")  # after the range: not counted
    # the same half of 2021: 77.86亿 formal, 8.14亿 arrived → 同比 22.05% and 54.67%
    build.project("去年", lead_unit_id="高新区", formal_date="2021-03-01", agreement_amount="77.86亿")
    build.funding(pid, "2021-05-01", "81400")

    board = compute_board(build.ledger, "2022Q2")
    d = board_to_json(board)["district"]
    assert {k: d[k] for k in ("signed_projects", "formal_contracts", "formal_amount", "framework_agreements",
                              "framework_amount", "arrived_amount", "started_projects", "formal_rate",
                              "arrived_rate", "formal_yoy", "arrived_yoy")} == {
        "signed_projects": 28, "formal_contracts": 20, "formal_amount": 9503000000,
        "framework_agreements": 8, "framework_amount": 8650000000,
        "arrived_amount": 1259000000, "started_projects": 0,
        "formal_rate": 59.39, "arrived_rate": 50.36,
        "formal_yoy": 22.05, "arrived_yoy": 54.67}
    assert board.period.label == "2022年1—6月" and board.alone.period.label == "2022年二季度"


def test_joint_project_park_and_two_departments(build):  # type: ignore[no-untyped-def]
    for name, kind in (("园区甲", "园区"), ("部门乙", "部门"), ("部门丙", "部门")):
        build.unit(name, kind)
    build.person("张三", "园区甲")
    build.person("李四", "部门乙")
    pid = build.project("联合项目", lead_unit_id="园区甲", cooperating_unit_ids="部门乙、部门丙",
                        formal_date="2026-02-10", agreement_amount="10亿", person_ids="张三、李四")
    build.funding(pid, "2026-03-05", "10000")  # 1亿
    board = compute_board(build.ledger, "2026Q1")
    park, b, c = (_unit(board, n) for n in ("园区甲", "部门乙", "部门丙"))
    assert (park.figures.formal_amount, b.figures.formal_amount, c.figures.formal_amount) == (8 * YI, YI, YI)
    assert (park.figures.agreement_amount, b.figures.agreement_amount) == (8 * YI, YI)
    assert (park.figures.arrived_amount, b.figures.arrived_amount, c.figures.arrived_amount) == (
        80_000_000, 10_000_000, 10_000_000)
    # counts go to the lead unit only
    assert (park.figures.signed_projects, b.figures.signed_projects, c.figures.signed_projects) == (1, 0, 0)
    assert park.figures.large == 1 and b.figures.large == 0
    # persons: amount × origin weight split equally between the two credited persons
    persons = {p.person: p for p in board.persons}
    assert persons["张三"].agreement_amount == persons["李四"].agreement_amount == 5 * YI
    assert persons["张三"].arrived_amount == 50_000_000
    assert persons["张三"].rank == persons["李四"].rank == 1
    # district is raw and counts the project once
    assert board.district.figures.formal_amount == 10 * YI and board.district.figures.formal_contracts == 1
    lines = unit_projects(build.ledger, "2026Q1", b.unit_id, "formal")
    # the 正式合同额 drill lists the cooperating credit too, so it adds up to the board; the count is the lead's
    assert [(ln.role, ln.credited) for ln in lines] == [("coop", YI)]
    assert sum(1 for ln in lines if ln.role == "lead") == b.figures.formal_contracts == 0
    assert unit_projects(build.ledger, "2026Q1", b.unit_id, "signed") == []  # counts: lead unit only
    lines = unit_projects(build.ledger, "2026Q1", b.unit_id, "agreement")
    assert [(ln.role, ln.credited) for ln in lines] == [("coop", YI)]


def test_in_city_out_of_district_counts_twenty_percent(build):  # type: ignore[no-untyped-def]
    build.unit("部门甲")
    build.unit("部门乙")
    pid = build.project("市内项目", lead_unit_id="部门甲", origin="区外市内", formal_date="2026-01-20",
                        agreement_amount="5亿")
    build.project("区内项目", lead_unit_id="部门乙", origin="区内", formal_date="2026-01-20", agreement_amount="5亿")
    build.funding(pid, "2026-02-01", "1000")  # 1000万
    board = compute_board(build.ledger, "2026Q1")
    a, b = _unit(board, "部门甲"), _unit(board, "部门乙")
    assert a.figures.formal_amount == YI and a.figures.arrived_amount == 2_000_000
    assert b.figures.formal_amount == 0 and b.figures.signed_projects == 1  # 区内 0%, but still a signing
    assert board.district.figures.formal_amount == 10 * YI  # district: full amounts


def test_framework_then_formal_next_quarter(build):  # type: ignore[no-untyped-def]
    build.unit("园区甲", "园区")
    build.project("先框架后正式", lead_unit_id="园区甲", framework_date="2026-03-10", formal_date="2026-05-20",
                  agreement_amount="3亿")
    q1 = compute_board(build.ledger, "2026Q1")
    f = q1.district.figures
    assert (f.signed_projects, f.framework_agreements, f.formal_contracts) == (1, 1, 0)
    assert (f.framework_amount, f.formal_amount, f.agreement_amount, f.key) == (3 * YI, 0, 3 * YI, 1)
    q2 = compute_board(build.ledger, "2026Q2")
    f = q2.district.figures
    assert (f.signed_projects, f.framework_agreements, f.formal_contracts) == (1, 0, 1)
    assert (f.framework_amount, f.formal_amount, f.agreement_amount, f.key) == (0, 3 * YI, 3 * YI, 1)
    alone = q2.alone.figures  # 4—6月: formal contract signed, but the project was first signed in Q1
    assert (alone.formal_contracts, alone.framework_agreements, alone.first_signed, alone.agreement_amount) == (
        1, 0, 0, 0)
    assert _unit(q2, "园区甲").figures.agreement_amount == 3 * YI


def test_withdrawn_and_deleted_projects_count_nowhere(build):  # type: ignore[no-untyped-def]
    build.unit("园区甲", "园区")
    pid = build.project("退库项目", lead_unit_id="园区甲", formal_date="2026-01-05", agreement_amount="30亿",
                        started_date="2026-02-01", withdrawn_date="2026-03-01")
    build.funding(pid, "2026-02-10", "5000")
    gone = build.project("删除项目", lead_unit_id="园区甲", formal_date="2026-01-05", agreement_amount="30亿")
    ops.delete_projects(build.ledger, [gone])
    board = compute_board(build.ledger, "2026Q1")
    assert board.district.figures.as_dict() == dict.fromkeys(board.district.figures.as_dict(), 0)
    assert _unit(board, "园区甲").figures.formal_amount == 0
    assert all(not b.projects for b in board.extra_boards.values())
    assert board.quiet_units == ["园区甲"]
    assert unit_projects(build.ledger, "2026Q1", _unit(board, "园区甲").unit_id, "arrived") == []


def test_ties_share_a_rank_and_skip_the_next(build):  # type: ignore[no-untyped-def]
    for name, amount in (("甲", "4亿"), ("乙", "2亿"), ("丙", "2亿"), ("丁", "1亿")):
        build.unit(name)
        build.target(name, 2026, formal_amount="4亿")
        build.project(f"{name}项目", lead_unit_id=name, formal_date="2026-01-05", agreement_amount=amount)
    board = compute_board(build.ledger, "2026Q1")
    assert {u.unit: u.rank for u in board.units} == {"甲": 1, "乙": 2, "丙": 2, "丁": 4}
    assert [u.rank for u in board.units] == [1, 2, 2, 4]  # listed in rank order
    # only the formal item has a target: the score is its completion rate
    assert {u.unit: u.score for u in board.units} == {"甲": Decimal("100.00"), "乙": Decimal("50.00"),
                                                      "丙": Decimal("50.00"), "丁": Decimal("25.00")}


def test_unit_without_target(build):  # type: ignore[no-untyped-def]
    build.unit("有目标")
    build.unit("无目标")
    build.target("有目标", 2026, arrived_amount="1亿")
    build.project("项目", lead_unit_id="无目标", formal_date="2026-01-05", agreement_amount="50亿")
    board = compute_board(build.ledger, "2026Q1")
    none = _unit(board, "无目标")
    assert none.target is None and set(none.rates.values()) == {None}
    assert none.score == 0 and none.figures.major == 1
    row = next(u for u in board_to_json(board)["units"] if u["unit"] == "无目标")
    assert row["formal_rate"] is None and row["agreement_rate"] is None and row["score"] == 0.0
    # the district has no target either: its rates are null, not 0
    assert board_to_json(board)["district"]["formal_rate"] is None


def test_size_classes_and_not_counted(build):  # type: ignore[no-untyped-def]
    build.unit("部门")
    cases = {"重大按投资": dict(agreement_amount="20亿"), "重大按产值": dict(agreement_amount="2亿", expected_output="50亿"),
             "较大": dict(agreement_amount="10亿"), "较大按产值": dict(agreement_amount="5000", expected_output="30亿"),
             "重点": dict(agreement_amount="1亿"), "一般工业": dict(agreement_amount="2000"),
             "一般非工业": dict(agreement_amount="500", industrial="否"),
             "不计工业": dict(agreement_amount="1999.9999"), "不计非工业": dict(agreement_amount="499", industrial="否")}
    for name, fields in cases.items():
        build.project(name, lead_unit_id="部门", formal_date="2026-02-01", **fields)
    f = compute_board(build.ledger, "2026Q1").district.figures
    assert (f.major, f.large, f.key, f.general) == (2, 2, 1, 2)
    assert f.formal_contracts == 7  # the two 不计 projects count in no figure


def test_extra_boards_and_quiet_units(build):  # type: ignore[no-untyped-def]
    for name in ("甲", "乙", "静"):
        build.unit(name)
    build.project("大项目", lead_unit_id="甲", formal_date="2026-01-05", agreement_amount="25亿",
                  started_date="2026-03-01")
    build.project("五百强", lead_unit_id="乙", framework_date="2026-02-05", agreement_amount="2亿", tag_ids="世界500强")
    build.project("新材料", lead_unit_id="乙", formal_date="2026-02-05", agreement_amount="2亿", chain_id="新材料")
    build.project("专精特新", lead_unit_id="甲", formal_date="2026-02-05", agreement_amount="2亿", tag_ids="专精特新")
    build.project("普通", lead_unit_id="甲", formal_date="2026-02-05", agreement_amount="2亿", chain_id="食品加工")
    board = compute_board(build.ledger, "2026Q1")
    names = {k: sorted(p.name for p in b.projects) for k, b in board.extra_boards.items()}
    assert names == {"big": ["五百强", "大项目"], "new": ["专精特新", "新材料"], "major_started": ["大项目"]}
    assert board.extra_boards["big"].by_unit[0][0] in ("甲", "乙")
    assert board.quiet_units == ["静"]
    # a month alone: 2026M03 has no signing for 乙, but the year so far does → not quiet
    month = compute_board(build.ledger, "2026M03")
    assert month.period.start.isoformat() == "2026-03-01" and "乙" not in month.quiet_units


def test_yoy_wording_inputs(build):  # type: ignore[no-untyped-def]
    build.unit("甲")
    build.project("去年", lead_unit_id="甲", formal_date="2025-02-01", agreement_amount="8亿")
    build.project("今年", lead_unit_id="甲", formal_date="2026-02-01", agreement_amount="6亿")
    board = compute_board(build.ledger, "2026Q1")
    assert board.district.yoy["formal_amount"] == Decimal("-25.00")
    assert board.district.yoy["arrived_amount"] is None  # no base last year
    assert board.district.last_year.formal_amount == 8 * YI

