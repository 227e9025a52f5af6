"""The engine never depends on the window: no module under zsdesk/ imports PySide6 or ui."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = ("PySide6", "PyQt5", "PyQt6", "shiboken6", "ui")


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.append(node.module)
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) in (
                "import_module", "__import__") and node.args and isinstance(node.args[0], ast.Constant):
            names.append(str(node.args[0].value))
    return names


def test_no_engine_module_imports_qt_or_ui():
    offenders = []
    for path in sorted((ROOT / "zsdesk").rglob("*.py")):
        for name in _imports(path):
            if name.split(".")[0] in FORBIDDEN:
                offenders.append(f"{path.relative_to(ROOT)}: {name}")
    assert offenders == []


def test_importing_every_engine_module_loads_no_qt():
    modules = [".".join(p.relative_to(ROOT).with_suffix("").parts) for p in (ROOT / "zsdesk").rglob("*.py")
               if "migrations" not in p.parts and p.name != "__main__.py"]
    code = ("import importlib, sys\n"
            f"for m in {modules!r}: importlib.import_module(m)\n"
            "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'ui')]\n"
            "assert not bad, bad\n")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]


def test_no_window_module_imports_sqlalchemy():
    """The window runs no SQL of its own: every read goes through zsdesk (zsdesk.queries, zsdesk.board)."""
    offenders = []
    for path in sorted((ROOT / "ui").rglob("*.py")):
        for name in _imports(path):
            if name.split(".")[0] == "sqlalchemy":
                offenders.append(f"{path.relative_to(ROOT)}: {name}")
    assert offenders == []


def test_no_test_names_a_machine_path():
    """Tests find the shared checkers at ../shared beside the checkout, never at one machine's absolute path."""
    workplace = "/" + "work" + "/"
    offenders = [str(p.relative_to(ROOT)) for p in sorted((ROOT / "tests").rglob("*.py"))
                 if workplace in p.read_text(encoding="utf-8")]
    assert offenders == []


def _ui_imports(path: Path) -> list[str]:
    """Every ui module a window file imports, relative imports resolved (``..common.errors`` → ui.common.errors)."""
    package = list(path.relative_to(ROOT).with_suffix("").parts[:-1])
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.ImportFrom):
            base = package[:len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            names += [module] if node.module else [f"{module}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            names += [a.name for a in node.names]
    return [n for n in names if n == "ui" or n.startswith("ui.")]


def test_window_rooms_depend_only_on_common():
    """ui/<room>/ imports ui.common, the word catalogues and zsdesk — never another room; only ui/shell knows them all."""
    rooms = {p.name for p in (ROOT / "ui").iterdir() if (p / "__init__.py").exists()}
    assert {"shell", "common", "ledger", "records", "board", "notice", "files"} <= rooms
    offenders = []
    for path in sorted((ROOT / "ui").rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        room = parts[1] if len(parts) > 2 else None
        if room in (None, "shell"):
            continue
        for name in _ui_imports(path):
            other = name.split(".")[1] if "." in name else None
            if other in rooms and other not in (room, "common") or (room == "common" and other in rooms - {"common"}):
                offenders.append(f"{path.relative_to(ROOT)}: {name}")
    assert offenders == []
