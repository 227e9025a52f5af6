"""The import dialog on a shared ledger (issue 20): opening it has the helper read the stored projects ahead as the
window's own login, in a snapshot of its own (zsdesk/xlsx/stored_projects.py); closing it drops them."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.engine import make_url

from ui.common.context import LedgerContext
from ui.files.transfer import ImportWizard
from zsdesk.beside_reading import Server
from zsdesk.opening import open_unlocked
from zsdesk.xlsx.check_worker import WORKER

from .conftest import PASSWORD, Shared


def test_the_import_dialog_has_the_helper_read_ahead_as_this_login(shared: Shared, qtbot: Any,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[Any] = []
    monkeypatch.setattr(WORKER, "start", lambda ledger=None: asked.append(ledger))
    monkeypatch.setattr(WORKER, "forget", lambda: asked.append("forget"))
    login = shared.login("clerk")
    with open_unlocked(shared.url_for(login)) as ledger:
        wizard = ImportWizard(LedgerContext(ledger))
        qtbot.addWidget(wizard)
        wizard.reject()
    assert len(asked) == 2 and asked[1] == "forget"
    server = asked[0]
    assert isinstance(server, Server) and server.snapshot == ""  # the helper takes a snapshot of its own
    assert make_url(server.url).username == login and make_url(server.url).password is None
    assert server.password == PASSWORD and PASSWORD not in repr(server)  # through the pipe only


def test_a_jobs_server_carries_no_password_in_its_url(shared: Shared) -> None:
    """An import's or a board's job (``Server.of``) names the login's URL without its password, even where the
    ledger was opened with one written into the URL (``URL.set(password=None)`` kept it: tried)."""
    login = shared.login("clerk")
    with open_unlocked(shared.url_for(login)) as ledger, ledger.reading() as session:
        server = Server.of(session)
    assert make_url(server.url).username == login and make_url(server.url).password is None
    assert server.password == PASSWORD and server.snapshot
