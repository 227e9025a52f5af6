"""scripts/demo.sh without a display says, in Chinese, how to stop what it started (issue 14 item 7)."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_no_display_branch_prints_how_to_stop(tmp_path: Path) -> None:
    script = (ROOT / "scripts" / "demo.sh").read_text(encoding="utf-8")
    branch = re.search(r'if \[ -z "\$\{DISPLAY.*?\nfi\n', script, re.S)
    assert branch is not None
    # Run just the messages of that branch (the rest would install packages and start Xvfb).
    echoes = "\n".join(line for line in branch.group(0).splitlines() if line.strip().startswith("echo"))
    out = subprocess.run(["bash", "-c", echoes], capture_output=True, text=True, check=True,
                         env={**os.environ, "LANG": "C.UTF-8"}).stdout
    assert "Ctrl+C" in out and re.search(r"kill \d+", out)
    assert not re.search(r"\b(?!xvfb|run|Ctrl|kill)[A-Za-z]{3,}\b", out), out
