"""The engine never depends on the window: no module under zsdesk/ imports PySide6 or ui."""

from __future__ import annotations

import ast
import io
import subprocess
import sys
import tokenize
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


def _engine_imports(root: Path, path: Path) -> set[str]:
    """Every module a zsdesk/ file names, relative imports resolved; imports inside functions and under
    ``if TYPE_CHECKING:`` count too (a cycle hidden in a function is still a cycle)."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    package = parts if parts[-1] == "__init__" else parts[:-1]
    package = [p for p in package if p != "__init__"]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            stem = ".".join(base + ([node.module] if node.module else []))
            found.add(stem)
            found.update(f"{stem}.{a.name}" for a in node.names)
    return found


def engine_import_cycles(root: Path) -> list[list[str]]:
    """Groups of zsdesk/ modules that import each other in a circle (strongly connected components, Tarjan)."""
    files = {p: list(p.relative_to(root).with_suffix("").parts) for p in (root / "zsdesk").rglob("*.py")
             if "migrations" not in p.parts}
    names = {p: ".".join(parts[:-1] if parts[-1] == "__init__" else parts) for p, parts in files.items()}
    modules = set(names.values())
    graph = {names[p]: {t for t in _engine_imports(root, p) if t in modules and t != names[p]} for p in files}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10000))
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_no_import_cycles_in_the_engine():
    """Dependencies inside zsdesk/ run one way (docs/architecture.md); function-local imports count."""
    assert engine_import_cycles(ROOT) == []


def test_cycle_check_finds_a_cycle_hidden_in_a_function(tmp_path):
    pkg = tmp_path / "zsdesk"
    (pkg / "ops").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "ops" / "__init__.py").write_text("")
    (pkg / "handle.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .ops.undo import X\n")
    (pkg / "ops" / "undo.py").write_text("def f():\n    from ..opener import open_it\n")
    (pkg / "opener.py").write_text("from zsdesk import handle\n")
    (pkg / "alone.py").write_text("from .handle import Y\n")
    assert engine_import_cycles(tmp_path) == [["zsdesk.handle", "zsdesk.opener", "zsdesk.ops.undo"]]


def unexplained_local_imports(source: str) -> list[int]:
    """Line numbers of imports inside a function that carry no reason: neither a comment at the end of
    the line nor one on the line above. A block of imports under one comment shares it."""
    lines = source.splitlines()
    comment_lines = {tok.start[0] for tok in tokenize.generate_tokens(io.StringIO(source).readline)
                     if tok.type == tokenize.COMMENT}
    local = sorted({node for fn in ast.walk(ast.parse(source)) if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef))
                    for node in ast.walk(fn) if isinstance(node, (ast.Import, ast.ImportFrom))},
                   key=lambda n: n.lineno)
    explained: set[int] = set()  # end lines of explained local imports, so the next one in a block shares it
    missing = []
    for node in local:
        above = node.lineno - 1
        end = node.end_lineno or node.lineno
        if (any(n in comment_lines for n in range(node.lineno, end + 1))
                or (above >= 1 and lines[above - 1].strip().startswith("#")) or above in explained):
            explained.add(end)
        else:
            missing.append(node.lineno)
    return missing


def test_every_function_local_import_says_why():
    """An import inside a function is there for start-up time (or to break a cycle) and says so in a
    comment on the line above or at the end of the line (docs/architecture.md)."""
    offenders = [f"{path.relative_to(ROOT)}:{line}" for path in sorted((ROOT / "zsdesk").rglob("*.py"))
                 for line in unexplained_local_imports(path.read_text(encoding="utf-8"))]
    assert offenders == []


def test_local_import_check_finds_an_unexplained_import():
    source = ("def a():\n    # local: openpyxl is slow\n    import openpyxl\n    from x import y\n\n    return y\n"
              "def b():\n    import json  # local: why not\n    import csv\n"
              "def c():\n    x = 1\n    import re\n"
              "def d():\n    s = '# not a comment'\n    import os\n")
    assert unexplained_local_imports(source) == [12, 15]
