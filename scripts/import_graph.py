"""Import graph numbers for zsdesk/ and ui/: modules, import cycles, the longest import chain.

Every import counts: top-level, inside functions and under ``if TYPE_CHECKING:``. Edges join modules
of the same tree (zsdesk → zsdesk, ui → ui); a cycle is a strongly connected component of more than
one module; the longest chain is the longest path of imports between modules outside any cycle
(the components are collapsed first, so it is well defined).

    python scripts/import_graph.py [checkout]
"""

from __future__ import annotations

import ast
import sys
from functools import cache
from pathlib import Path


def module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(root: Path, path: Path) -> set[str]:
    parts = list(path.relative_to(root).with_suffix("").parts)
    package = [p for p in (parts if parts[-1] == "__init__" else parts[:-1]) if p != "__init__"]
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


def graph_of(root: Path, top: str) -> dict[str, set[str]]:
    files = [p for p in (root / top).rglob("*.py") if "migrations" not in p.parts]
    names = {p: module_name(root, p) for p in files}
    modules = set(names.values())
    return {names[p]: {t for t in imports_of(root, p) if t in modules and t != names[p]} for p in files}


def components(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            v, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[v] = min(low[v], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    comp.append(w)
                    if w == v:
                        break
                out.append(sorted(comp))
    return out


def longest_chain(graph: dict[str, set[str]]) -> list[str]:
    """The longest import path, a cycle counted as one step (named by its members joined with ' ⇄ ')."""
    comps = components(graph)
    of = {m: i for i, comp in enumerate(comps) for m in comp}
    label = [" ⇄ ".join(c) if len(c) > 1 else c[0] for c in comps]
    dag = {i: {of[t] for m in comp for t in graph[m]} - {i} for i, comp in enumerate(comps)}

    @cache
    def best(i: int) -> tuple[str, ...]:
        tails = [best(j) for j in dag[i]]
        return (label[i], *max(tails, key=lambda t: (len(t), t), default=()))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10000))
    return list(max((best(i) for i in dag), key=lambda t: (len(t), t), default=()))


def main(argv: list[str]) -> int:
    root = Path(argv[1] if len(argv) > 1 else Path(__file__).resolve().parent.parent)
    for top in ("zsdesk", "ui"):
        graph = graph_of(root, top)
        cycles = [c for c in components(graph) if len(c) > 1]
        chain = longest_chain(graph)
        local = sum(1 for p in (root / top).rglob("*.py") if "migrations" not in p.parts
                    for fn in ast.walk(ast.parse(p.read_text(encoding="utf-8")))
                    if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef))
                    for n in ast.walk(fn) if isinstance(n, (ast.Import, ast.ImportFrom)))
        print(f"{top}/: {len(graph)} modules, {sum(len(g) for g in graph.values())} import edges, "
              f"{local} function-local import statements")
        print(f"  import cycles: {len(cycles)}" + "".join(f"\n    {' ⇄ '.join(c)}" for c in cycles))
        print(f"  longest import chain: {len(chain)} modules\n    " + " → ".join(chain))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
