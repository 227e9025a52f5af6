"""Crash safety: SIGKILL a 5,000-project import at random moments; the ledger is sound and holds all or none.

Two children: the real xlsx importer (``import_file(..., dry_run=False)`` on a 5,000-row file made from
the project template), killed at seeded random moments spread over its reading, checking and writing;
and a bulk write built like the importer's, with kills aimed at its audit writing and commit.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import text

from zsdesk import ops
from zsdesk.check import check_ledger
from zsdesk.opening import open_unlocked
from zsdesk.xlsx import make_template

from .conftest import small_ledger

CHILD = Path(__file__).with_name("crash_child.py")
ROWS = 5000
KILLS = 7
SEED = os.environ.get("ZSDESK_CRASH_SEED", "8")


def build_import_ledger(path: Path) -> Path:
    """The units, person and (default) dictionaries the 5,000-row file names, plus 3 projects of its own."""
    small_ledger(path, projects=3)
    with open_unlocked(path, operator="测试员") as led:
        ops.create_unit(led, {"name": "区商务委", "kind": "部门"})
        ops.create_unit(led, {"name": "城南街道", "kind": "乡镇街道"})
        ops.create_person(led, {"name": "张三", "unit_id": "区商务委"})
        ops.create_person(led, {"name": "李四", "unit_id": "经开区"})
    return path


def write_projects_xlsx(path: Path, ledger_path: Path, rows: int = ROWS) -> Path:
    """The project import template (SPEC §5 headers) filled with ``rows`` clean, varied rows."""
    from openpyxl import load_workbook

    with open_unlocked(ledger_path) as led:
        make_template("projects", led, path)
    wb = load_workbook(path)
    ws = wb.worksheets[0]
    headers = [c.value for c in ws[1]]
    assert headers[1] == "项目名称" and "计划总投资（万元）" in headers, headers
    origins = ("市外", "区外市内", "区内")
    for i in range(rows):
        signed = i % 3 != 0
        values = {
            "项目名称": f"导入项目{i:05d}", "投资方": f"投资方{i % 97}有限公司",
            "投资方标签": "上市公司" if i % 5 == 0 else None, "投资方来源": origins[i % 3],
            "来源地": "广东省深圳市" if i % 3 == 0 else None, "产业链": ("新材料", "生物医药", None)[i % 3],
            "是否工业项目": "是" if i % 2 else "否", "计划总投资（万元）": 1000 + i,
            "协议资金（万元）": f"{(i % 40) + 1},000万元" if signed else None, "达产年产值（万元）": 12.5,
            "首次接洽日期": "2025/1/3", "框架协议签订日期": "2025年3月1日" if signed else None,
            "正式合同签订日期": "2025-04-01" if i % 3 == 2 else None,
            "牵头单位": ("经开", "区商务委")[i % 2] if signed else None,
            "配合单位": "城南街道" if i % 7 == 0 and signed else None,
            "落地园区": "经开区" if signed else None, "挂帅领导": "王副区长",
            "引荐人": "张三、李四" if i % 11 == 0 else None, "备注": f"第 {i} 行",
        }
        ws.append([values.get(h) for h in headers])
    wb.save(path)
    return path


@pytest.fixture(scope="session")
def import_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Made once per session: the template ledger and the 5,000-row project file."""
    folder = tmp_path_factory.mktemp("crash-import")
    ledger_path = build_import_ledger(folder / "模板.sqlite")
    return ledger_path, write_projects_xlsx(folder / "五千个项目.xlsx", ledger_path)


def run_child(ledger: Path, kill_after: float | None, at_commit: bool) -> tuple[str, float]:
    """Start the import; kill it ``kill_after`` seconds after it starts writing (or after COMMITTING)."""
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    proc = subprocess.Popen([sys.executable, str(CHILD), str(ledger)], stdout=subprocess.PIPE, text=True, env=env)
    assert proc.stdout is not None
    last = ""
    try:
        wanted = "COMMITTING" if at_commit else "WRITING"
        while last != wanted:
            last = proc.stdout.readline().strip()
            if last == "" and proc.poll() is not None:
                break
        if kill_after is not None:
            time.sleep(kill_after)
            proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(timeout=60)
    return last, kill_after or 0.0


def imported(path: Path) -> int:
    con = sqlite3.connect(path)
    try:
        return con.execute("SELECT count(*) FROM projects WHERE name LIKE '导入项目%'").fetchone()[0]
    finally:
        con.close()


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL is POSIX only")
def test_killed_import_leaves_all_or_nothing(tmp_path: Path) -> None:
    rng = random.Random(os.environ.get("ZSDESK_CRASH_SEED", "8"))
    template = small_ledger(tmp_path / "模板.sqlite", projects=1)
    # Kills while rows are built and flushed, kills spread over the audit writing and the commit,
    # and one run left alone to prove the import completes.
    plan: list[tuple[float | None, bool]] = [(rng.uniform(0.0, 1.5), False) for _ in range(2)]
    plan += [(rng.uniform(0.0, 3.0), True) for _ in range(3)] + [(None, True)]
    rng.shuffle(plan)
    outcomes = []
    for i, (delay, at_commit) in enumerate(plan):
        path = tmp_path / f"台账{i}.sqlite"
        shutil.copy(template, path)
        run_child(path, delay, at_commit)
        count = imported(path)  # read before anything else opens it: what the crash left
        assert count in (0, ROWS), f"kill {i} after {delay}s (commit={at_commit}) left {count} rows"
        if delay is None:
            assert count == ROWS
        report = check_ledger(path)  # integrity, foreign keys, stages, audit chain
        assert report.healthy, report.lines()
        with open_unlocked(path) as led, led.reading() as s:
            audit = s.execute(text("SELECT count(*) FROM audit_log WHERE op_label LIKE '导入%'")).scalar()
        assert audit == count, "audit rows and data are committed together"
        outcomes.append((None if delay is None else round(delay, 2), at_commit, count))
    print(f"(kill delay s, aimed at commit, rows kept): {outcomes}")


# -- the real importer ------------------------------------------------------------------------------

PHASES = ((40, "读取"), (70, "检查"), (100, "写入"))


def phase_of(percent: int | None) -> str:
    if percent is None:  # STARTED is printed just before import_file; reading reports every 2,000 rows
        return "读取"
    return next(name for limit, name in PHASES if percent < limit or limit == 100)


def run_import_child(ledger: Path, xlsx: Path, kill_after: float | None,
                     helper: bool = False) -> tuple[str, dict[int, float], float]:
    """Run the real import in a child; SIGKILL it ``kill_after`` s after STARTED (None: let it finish).
    With ``helper``, the import is checked by the helper process beside it (zsdesk/xlsx/check_worker.py),
    which must end with the child it served.

    Returns the child's last line, when each progress percent was first seen (s after STARTED) and
    the wall time from STARTED to the end or the kill."""
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2]),
           "ZSDESK_CRASH_HELPER": "1" if helper else "0"}
    proc = subprocess.Popen([sys.executable, str(CHILD), str(ledger), str(xlsx)], stdout=subprocess.PIPE,
                            text=True, env=env)
    assert proc.stdout is not None
    line = proc.stdout.readline().strip()
    helper_pid = int(line.split()[1]) if helper and line.startswith("HELPER ") else None
    if helper:
        assert helper_pid is not None, line
        line = proc.stdout.readline().strip()
    assert line == "STARTED", line
    start = time.perf_counter()
    seen: dict[int, float] = {}
    if kill_after is not None:
        time.sleep(kill_after)
        proc.send_signal(signal.SIGKILL)
    last = line
    for raw in proc.stdout:  # after a kill: what the child printed before it died
        last = raw.strip()
        if last.startswith("P "):
            seen.setdefault(int(last[2:]), time.perf_counter() - start)
    proc.wait(timeout=120)
    elapsed = time.perf_counter() - start
    if kill_after is None:
        assert proc.returncode == 0 and last.startswith("DONE"), (proc.returncode, last)
    if helper_pid is not None:  # its input closed with the child: it ends (no helper left behind)
        deadline = time.monotonic() + 15
        while not _ended(helper_pid):
            assert time.monotonic() < deadline, f"the import helper {helper_pid} outlived its import"
            time.sleep(0.1)
    return last, seen, elapsed


def _ended(pid: int) -> bool:
    """Gone, or a zombie nobody reaped yet (a container's first process may not reap orphans)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True


def ledger_counts(path: Path) -> tuple[int, int, int, int]:
    """Projects, audit rows of the import, all audit rows, link rows — read before anything else opens it."""
    con = sqlite3.connect(path)
    try:
        return (con.execute("SELECT count(*) FROM projects").fetchone()[0],
                con.execute("SELECT count(*) FROM audit_log WHERE op_label LIKE '导入项目%'").fetchone()[0],
                con.execute("SELECT count(*) FROM audit_log").fetchone()[0],
                con.execute("SELECT (SELECT count(*) FROM project_persons) + (SELECT count(*) FROM project_tags)"
                            " + (SELECT count(*) FROM project_cooperating_units)").fetchone()[0])
    finally:
        con.close()


def kill_plan(rng: random.Random, read_end: float, check_end: float, total: float, kills: int) -> list[float]:
    """Seeded delays: one in the reading, one in the checking, the rest spread over the writing in equal
    strata, the last stratum running a little past the measured end so the commit itself can be hit."""
    plan = [rng.uniform(0.05, read_end), rng.uniform(read_end, check_end)]
    strata = kills - len(plan)
    end = total * 1.03
    width = (end - check_end) / strata
    plan += [rng.uniform(check_end + i * width, check_end + (i + 1) * width) for i in range(strata)]
    rng.shuffle(plan)
    return plan


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL is POSIX only")
@pytest.mark.parametrize("helper", [False, True], ids=["one-process", "checked-beside"])
def test_killed_xlsx_import_leaves_all_or_nothing(tmp_path: Path, import_files: tuple[Path, Path],
                                                  helper: bool) -> None:
    template, xlsx = import_files
    before = ledger_counts(template)
    kills = int(os.environ.get("ZSDESK_CRASH_KILLS", "6"))

    # First an undisturbed run: it proves the file imports cleanly (all 5,000) and times the phases.
    full = tmp_path / "完整.sqlite"
    shutil.copy(template, full)
    last, seen, total = run_import_child(full, xlsx, None, helper)
    after = ledger_counts(full)
    assert after[0] == before[0] + ROWS and after[1] == ROWS and after[2] == before[2] + ROWS, (before, after)
    assert after[3] > before[3]  # the file's tags, persons and cooperating units were linked
    assert check_ledger(full).healthy
    read_end = min((t for p, t in seen.items() if p >= 40), default=total * 0.06)
    check_end = min((t for p, t in seen.items() if p >= 70), default=total * 0.25)

    rng = random.Random(SEED)

    def kill_once(i: int, delay: float) -> tuple[float, str, str]:
        path = tmp_path / f"台账{i}.sqlite"
        shutil.copy(template, path)
        last, seen, _ = run_import_child(path, xlsx, delay, helper)
        reached = max(seen, default=None)
        where = "已完成" if last.startswith("DONE") else phase_of(reached)
        counts = ledger_counts(path)  # first opener: what the crash left (a hot journal is rolled back here)
        if counts[0] == before[0]:
            assert counts[1:] == before[1:], f"kill {i} at {delay:.2f}s ({where}): audit/links {counts} vs {before}"
            kept = "无"
        else:
            assert counts == after, f"kill {i} at {delay:.2f}s ({where}) left {counts}; before {before}, all {after}"
            kept = "全部"
        con = sqlite3.connect(path)
        try:
            assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        finally:
            con.close()
        report = check_ledger(path)  # integrity, foreign keys, money sums, stages, audit hash chain
        assert report.healthy, report.lines()
        with open_unlocked(path) as led, led.reading() as s:  # the app opens it normally afterwards
            assert s.execute(text("SELECT count(*) FROM projects WHERE deleted_at IS NULL")).scalar() == counts[0]
        return round(delay, 2), where, kept

    # Two children at a time (longest first), each on its own copy, so the kills fit the time budget; a
    # child slowed by its neighbour is simply killed at an earlier point — the phase it reached is reported.
    plan = sorted(enumerate(kill_plan(rng, read_end, check_end, total, kills)), key=lambda p: -p[1])
    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = list(pool.map(lambda p: kill_once(*p), plan))
    print(f"\nfull import {total:.1f}s (reading to {read_end:.1f}s, checking to {check_end:.1f}s); "
          f"kills (delay s, phase, kept): {outcomes}")
    assert len(outcomes) == kills
