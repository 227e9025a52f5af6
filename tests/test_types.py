"""Types are checked: scripts/test.sh runs ``mypy zsdesk ui`` (pyproject.toml [tool.mypy], which also
fails on an unused ``type: ignore``). Here: every ignore that remains names its error code and says why."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
IGNORE = re.compile(r"#\s*type:\s*ignore(?P<code>\[[a-z0-9_,-]+\])?(?P<rest>.*)$")


def ignores_without_reason(root: Path = ROOT) -> list[str]:
    bad = []
    for package in ("zsdesk", "ui"):
        for path in sorted((root / package).rglob("*.py")):
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                m = IGNORE.search(line)
                if m is None:
                    continue
                if not m["code"] or not re.match(r"\s+#\s*\S", m["rest"]):
                    bad.append(f"{path.relative_to(root)}:{number}: {line.strip()}")
    return bad


def test_every_type_ignore_names_its_code_and_reason() -> None:
    assert ignores_without_reason() == []


def test_the_check_sees_a_bare_ignore(tmp_path: Path) -> None:
    (tmp_path / "zsdesk").mkdir()
    (tmp_path / "ui").mkdir()
    (tmp_path / "zsdesk" / "a.py").write_text("x = f()  # type: ignore\ny = g()  # type: ignore[attr-defined]\n"
                                              "z = h()  # type: ignore[attr-defined]  # stubs lack h\n",
                                              encoding="utf-8")
    assert ignores_without_reason(tmp_path) == ["zsdesk/a.py:1: x = f()  # type: ignore",
                                                "zsdesk/a.py:2: y = g()  # type: ignore[attr-defined]"]


def test_the_suite_script_runs_mypy_before_pytest() -> None:
    script = (ROOT / "scripts" / "test.sh").read_text(encoding="utf-8")
    assert "-m mypy zsdesk ui" in script
    assert script.index("-m mypy zsdesk ui") < script.index("-m pytest")
