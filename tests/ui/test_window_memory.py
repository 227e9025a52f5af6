"""Window memory: what a fresh process keeps after opening a ledger (bench/run.py's memory line)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Imports Qt first, like the launcher and bench/window_probe.py: every module imported after PySide6
# passes through its import hook, which reads the module's source into linecache.
SCRIPT = """
import json, linecache, sys
from PySide6.QtWidgets import QApplication
from ui.common import errors
from ui.shell.app import Controller, make_application
errors.MODAL = False
app = make_application([])
loaded = sum(1 for f in linecache.cache if "sqlalchemy" in f)
window = Controller().open_ledger(sys.argv[1], create=True)
assert window is not None
kept = [f for f in linecache.cache if "site-packages" in f or "/zsdesk/" in f]
print(json.dumps({"loaded": loaded, "kept": kept,
                  "chars": sum(sum(map(len, e[2])) for e in linecache.cache.values() if len(e) > 2)}))
"""


def test_an_open_window_keeps_no_module_source_lines(tmp_path: Path) -> None:
    env = dict(os.environ, PYTHONPATH=str(ROOT), QT_QPA_PLATFORM="offscreen", ZSDESK_DATA_DIR=str(tmp_path))
    result = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path / "台账.sqlite")], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["loaded"] > 50  # the hook did read SQLAlchemy's sources: the test sees what it guards against
    assert seen["kept"] == [] and seen["chars"] < 100_000
