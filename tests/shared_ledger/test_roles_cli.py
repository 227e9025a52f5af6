"""``zsdesk users`` and the sign-in messages, as real subprocess runs (SPEC §11)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url

from .conftest import PASSWORD, SERVER, Shared

ROOT = Path(__file__).resolve().parents[2]


def zsdesk(*args: str, stdin: str = "", password: str | None = None, home: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PGPASSWORD", "PGPASSFILE")}
    if password is not None:
        env["PGPASSWORD"] = password
    env["PGPASSFILE"] = str((home or Path("/nonexistent")) / ".pgpass")
    return subprocess.run([sys.executable, "-m", "zsdesk", *args], cwd=ROOT, capture_output=True, text=True,
                          input=stdin, env=env, timeout=120)


def owner_password() -> str:
    assert SERVER is not None
    return str(make_url(SERVER).password)


def no_password(url: str) -> str:
    u = make_url(url)
    return URL.create(u.drivername, u.username, None, u.host, u.port, u.database).render_as_string(hide_password=False)


def role_of(shared: Shared, login: str) -> tuple[bool, list[str]] | None:
    engine = create_engine(shared.url)
    with engine.connect() as conn:
        row = conn.execute(text("SELECT rolcanlogin FROM pg_roles WHERE rolname = :l"), {"l": login}).first()
        groups = [r[0] for r in conn.execute(text(
            "SELECT g.rolname FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid "
            "JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = :l ORDER BY 1"), {"l": login})]
    engine.dispose()
    return None if row is None else (bool(row[0]), groups)


def test_users_add_set_role_disable_list_with_injection_attempts(shared: Shared) -> None:
    db = no_password(shared.url)
    evil = f't{shared.suffix}"; DROP ROLE zsdesk_test; --'
    shared.logins.append(evil)
    done = zsdesk("--db", db, "users", "add", evil, "--role", "clerk", stdin=PASSWORD + "\n", password=owner_password())
    assert done.returncode == 0, done.stderr
    assert PASSWORD not in done.stdout + done.stderr
    assert role_of(shared, evil) == (True, ["zsdesk_clerk"])
    assert role_of(shared, "zsdesk_test") is not None  # the injection did nothing
    # The new login signs in with the password that came through stdin.
    with psycopg.connect(host="127.0.0.1", dbname=shared.database, user=evil, password=PASSWORD) as conn:
        assert conn.execute("SELECT session_user").fetchone() == (evil,)
    # A unit name that tries SQL is just a unit that does not exist.
    bad_unit = "甲园区'; DROP TABLE projects; --"
    done = zsdesk("--db", db, "users", "set-role", evil, "liaison", "--unit", bad_unit, password=owner_password())
    assert done.returncode == 2 and "找不到单位" in done.stderr and len(done.stderr.strip().splitlines()) == 1
    done = zsdesk("--db", db, "users", "set-role", evil, "liaison", "--unit", "甲园区", password=owner_password())
    assert done.returncode == 0, done.stderr
    assert role_of(shared, evil) == (True, ["zsdesk_liaison"])
    listed = zsdesk("--db", db, "users", "list", password=owner_password())
    assert listed.returncode == 0 and f"{evil}\t单位联络员\t甲园区\t可登录" in listed.stdout
    done = zsdesk("--db", db, "users", "disable", evil, password=owner_password())
    assert done.returncode == 0, done.stderr
    assert role_of(shared, evil) == (False, ["zsdesk_liaison"])
    assert f"{evil}\t单位联络员\t甲园区\t已停用" in zsdesk("--db", db, "users", "list", password=owner_password()).stdout
    engine = create_engine(shared.url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM projects")).scalar() == 3
    engine.dispose()


def test_only_an_admin_manages_users_and_a_sqlite_ledger_has_none(shared: Shared, tmp_path: Path) -> None:
    clerk = shared.login("clerk")
    done = zsdesk("--db", no_password(shared.url_for(clerk)), "users", "add", f"t{shared.suffix}_x", "--role", "reader",
                  stdin=PASSWORD + "\n", password=PASSWORD)
    assert done.returncode == 2 and done.stderr.strip() == "zsdesk: 只有台账管理员可以管理用户。"
    admin = shared.login("admin")
    new = f"t{shared.suffix}_by_admin"
    shared.logins.append(new)
    done = zsdesk("--db", no_password(shared.url_for(admin)), "users", "add", new, "--role", "reader",
                  stdin=PASSWORD + "\n", password=PASSWORD)
    assert done.returncode == 0, done.stderr
    assert role_of(shared, new) == (True, ["zsdesk_reader"])
    done = zsdesk("--db", str(tmp_path / "单机.sqlite"), "users", "list")
    assert done.returncode == 2 and "单机台账没有用户" in done.stderr


def test_sign_in_failures_are_told_apart_in_chinese(shared: Shared) -> None:
    db = no_password(shared.url)
    checks = {
        "unreachable": (zsdesk("--db", "postgresql+psycopg://someone@127.0.0.1:1/ledger", "board", "--period", "2026Q1"),
                        "无法连接台账服务器"),
        "password": (zsdesk("--db", db, "board", "--period", "2026Q1", password="wrong-password"), "登录名或密码不对"),
        "no_password": (zsdesk("--db", db, "board", "--period", "2026Q1"), "需要密码"),
        "no_database": (zsdesk("--db", make_url(db).set(database="no_such_ledger_db").render_as_string(False),
                               "board", "--period", "2026Q1", password=owner_password()), "没有名为“no_such_ledger_db”"),
    }
    bare = f"t{shared.suffix}_bare"
    shared.logins.append(bare)
    engine = create_engine(shared.url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f"CREATE ROLE \"{bare}\" LOGIN PASSWORD '{PASSWORD}'"))
    engine.dispose()
    checks["no_rights"] = (zsdesk("--db", no_password(shared.url_for(bare)), "board", "--period", "2026Q1",
                                  password=PASSWORD), "没有使用这个共享台账的权限")
    disabled = shared.login("reader")
    assert zsdesk("--db", db, "users", "disable", disabled, password=owner_password()).returncode == 0
    checks["disabled"] = (zsdesk("--db", no_password(shared.url_for(disabled)), "board", "--period", "2026Q1",
                                 password=PASSWORD), "已被停用")
    for kind, (done, words) in checks.items():
        assert done.returncode == 2, (kind, done.stderr)
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and words in lines[0], (kind, done.stderr)
        assert "损坏" not in lines[0] and "Traceback" not in done.stderr, kind
        assert not re.search(r"zsdesk_(admin|chief|clerk|liaison|reader)|FATAL|psycopg|[a-z]+ authentication", lines[0])


@pytest.mark.parametrize("role", ["reader"])
def test_a_liaison_or_reader_write_on_the_command_line_is_one_chinese_line(shared: Shared, role: str,
                                                                        tmp_path: Path) -> None:
    login = shared.login(role)
    sheet = tmp_path / "dict.txt"
    sheet.write_text("")
    done = zsdesk("--db", no_password(shared.url_for(login)), "dict", "add", "chain", "新产业链", password=PASSWORD)
    assert done.returncode == 2 and done.stderr.strip().startswith("zsdesk: "), done.stderr
    assert "只读账号不能修改台账" in done.stderr or "录入员、科长或管理员" in done.stderr


def test_check_on_a_shared_ledger_says_why_it_cannot(shared: Shared) -> None:
    liaison = shared.login("liaison", unit="甲园区")
    done = zsdesk("--db", no_password(shared.url_for(liaison)), "check", password=PASSWORD)
    assert done.returncode == 2 and "单位联络员只能看到本单位的数据" in done.stderr, done.stderr
    assert "被删除" not in done.stdout + done.stderr
    done = zsdesk("--db", "postgresql+psycopg://someone@127.0.0.1:1/ledger", "check")
    assert done.returncode == 2 and "无法连接台账服务器" in done.stderr and "损坏" not in done.stderr, done.stderr
    reader = shared.login("reader")  # a reader sees every row: its check is complete
    done = zsdesk("--db", no_password(shared.url_for(reader)), "check", password=PASSWORD)
    assert done.returncode == 0 and "检查通过" in done.stdout, done.stdout + done.stderr


def test_at_a_terminal_the_password_is_asked_without_echo(shared: Shared) -> None:
    import pty
    import select
    import time

    env = {k: v for k, v in os.environ.items() if k not in ("PGPASSWORD", "PGPASSFILE")}
    env["PGPASSFILE"] = "/nonexistent/.pgpass"
    pid, fd = pty.fork()
    if pid == 0:  # the child: zsdesk on a terminal
        os.chdir(ROOT)
        os.execve(sys.executable, [sys.executable, "-m", "zsdesk", "--db", no_password(shared.url), "board",
                                   "--period", "2026Q1"], env)
    out = b""
    deadline = time.monotonic() + 60
    sent = False
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.5)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
        if not sent and "的密码：".encode() in out:
            os.write(fd, (owner_password() + "\n").encode())
            sent = True
    _, status = os.waitpid(pid, 0)
    text_out = out.decode("utf-8", "replace")
    assert sent, text_out
    assert os.waitstatus_to_exitcode(status) == 0, text_out
    assert owner_password() not in text_out.split("的密码：", 1)[1]  # not echoed
    assert "英雄榜" in text_out or "签约" in text_out
