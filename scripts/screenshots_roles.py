"""Screenshots for shared ledgers (issue 17) → docs/screenshots/roles_*.png: the start dialog, the
sign-in dialog with an error, a liaison's window. Needs a PostgreSQL (ZSDESK_TEST_PG_URL; see
scripts/pg_test_server.sh) whose login may create databases and roles:

    xvfb-run -a -s "-screen 0 1366x768x24" python scripts/screenshots_roles.py
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
PASSWORD = "Secret-12345"


def main() -> int:
    sys.path.insert(0, str(ROOT))
    os.environ["ZSDESK_DATA_DIR"] = tempfile.mkdtemp(prefix="zsdesk-shots-")
    from PySide6.QtCore import QTimer
    from sqlalchemy import create_engine, select, text
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import DBAPIError

    from ui.common import errors
    from ui.shell.app import Controller, make_application
    from ui.shell.signin import SignInDialog
    from ui.shell.startup import StartDialog
    from zsdesk.demo import build_demo
    from zsdesk.models import Unit
    from zsdesk.opening import open_unlocked
    from zsdesk.users import add_login

    errors.MODAL = False
    app = make_application()
    server = os.environ["ZSDESK_TEST_PG_URL"]
    name = f"zsdesk_shots_{uuid.uuid4().hex[:6]}"
    login = f"zhangsan_{uuid.uuid4().hex[:4]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(server).set(database=name).render_as_string(hide_password=False)

    def settle() -> None:
        for _ in range(10):
            app.processEvents()
            time.sleep(0.05)

    try:
        with open_unlocked(url, create=True) as led:
            build_demo(led, today=date(2026, 11, 1))
            with led.reading() as s:
                unit = s.scalars(select(Unit.name).order_by(Unit.id)).first()
            add_login(led, login, "liaison", PASSWORD, unit)
        start = StartDialog([])
        start.show()
        settle()
        start.grab().save(str(OUT / "roles_start_dialog.png"))
        start.close()
        message = f"登录名或密码不对（登录名 {login}），未能登录共享台账。请检查后重新输入；忘记密码请找台账管理员重设。"
        dialog = SignInDialog(None, f"postgresql+psycopg://{login}@127.0.0.1:5432/{name}", message)
        dialog.show()
        settle()
        dialog.grab().save(str(OUT / "roles_sign_in_error.png"))
        dialog.close()
        controller = Controller()

        def step() -> None:
            d = controller.sign_in_dialog
            if d is None or not d.isVisible():
                QTimer.singleShot(30, step)
                return
            d.server.setText("127.0.0.1:5432")
            d.database.setText(name)
            d.login.setText(login)
            d.password.setText(PASSWORD)
            d.ok_button.click()

        QTimer.singleShot(0, step)
        window = controller.sign_in()
        assert window is not None
        window.resize(1366, 740)
        settle()
        window.grab().save(str(OUT / "roles_liaison_window.png"))
        controller._close_current()  # noqa: SLF001 - the script closes what it opened
    finally:
        with admin.connect() as c:
            for _ in range(50):
                try:
                    c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                    break
                except DBAPIError:  # the window's sessions are still closing
                    time.sleep(0.2)
            c.execute(text(f'DROP ROLE IF EXISTS "{login}"'))
    return 0


if __name__ == "__main__":
    sys.exit(main())
