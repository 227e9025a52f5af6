"""Where things live on the user's PC (platformdirs): the default ledger, backups, logs."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from platformdirs import user_data_path, user_log_path

APP = "zsdesk"


def data_dir() -> Path:
    override = os.environ.get("ZSDESK_DATA_DIR")
    path = Path(override) if override else user_data_path(APP, appauthor=False)
    path.mkdir(parents=True, exist_ok=True)
    return path


def default_ledger_path() -> Path:
    return data_dir() / "台账.zsdesk.sqlite"


def backup_dir() -> Path:
    path = data_dir() / "backups"
    path.mkdir(parents=True, exist_ok=True)
    return path


def log_file() -> Path:
    override = os.environ.get("ZSDESK_DATA_DIR")
    folder = Path(override) / "logs" if override else user_log_path(APP, appauthor=False)
    folder.mkdir(parents=True, exist_ok=True)
    return folder / "zsdesk.log"


def setup_logging() -> None:
    """Log to the current log file; a handler left on an older path (another data folder) is replaced."""
    path = str(log_file())
    root = logging.getLogger("zsdesk")
    for old in [h for h in root.handlers if isinstance(h, logging.FileHandler)]:
        if old.baseFilename == path:
            root.setLevel(logging.INFO)
            return
        root.removeHandler(old)
        old.close()
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(logging.INFO)
