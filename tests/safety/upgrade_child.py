"""Run by test_upgrade_kill.py: ``upgrade_child.py LEDGER N`` runs ``zsdesk board`` on an older
ledger (which upgrades it) and stops dead after the N-th writing statement of the upgrade,
printing ``PAUSED <statement>`` so the parent can kill it right there. With N = 0 it runs to the
end and prints ``WRITES <count>``.
"""

from __future__ import annotations

import sys
import time
from typing import Any

from sqlalchemy import Engine, event

WRITING = ("ALTER", "CREATE", "UPDATE", "DROP", "INSERT", "DELETE")


def main(path: str, stop_at: int) -> int:
    count = [0]

    def after(conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith(WRITING):
            count[0] += 1
            if count[0] == stop_at:
                print(f"PAUSED {' '.join(statement.split())[:80]}", flush=True)
                time.sleep(300)

    event.listen(Engine, "after_cursor_execute", after)
    from zsdesk.cli import main as zsdesk

    code = zsdesk(["board", "--db", path, "--period", "2026Q1"])
    print(f"WRITES {count[0]}", flush=True)
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], int(sys.argv[2])))
