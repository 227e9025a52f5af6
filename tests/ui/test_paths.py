"""Every menu path the README and the messages name ("工具 → 检查台账") exists in the real menu bar
(issue 14 item 7)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QMenu

from ui.common.context import LedgerContext
from ui.shell.main_window import MainWindow
from ui.strings import NAV

ROOT = Path(__file__).resolve().parents[2]
_PATH = re.compile(r"[\u4e00-\u9fffA-Za-z]+(?:[ \u3000]*→[ \u3000]*[\u4e00-\u9fffA-Za-z…]+)+")
# Paths in Excel's or WPS's own menus (what a message tells the clerk to do there), not ours.
EXTERNAL = {("文件", "信息", "保护工作簿", "用密码进行加密")}


def _clean(text: str) -> str:
    return re.sub(r"\(&\w\)|&|…|\.\.\.", "", text).strip()


def menu_tree(window: MainWindow) -> dict[tuple[str, ...], None]:
    for key in NAV:
        window.page(key)
    for key in window.menus:
        window._fill_menu(key)
    paths: dict[tuple[str, ...], None] = {}

    def walk(menu: QMenu, prefix: tuple[str, ...]) -> None:
        for action in menu.actions():
            if action.isSeparator():
                continue
            path = (*prefix, _clean(action.text()))
            paths[path] = None
            if action.menu() is not None:
                walk(action.menu(), path)  # type: ignore[arg-type]

    for action in window.menuBar().actions():
        top = (_clean(action.text()),)
        paths[top] = None
        walk(action.menu(), top)  # type: ignore[arg-type]
    return paths


def named_paths() -> dict[tuple[str, ...], str]:
    """Every "X → Y" in ui/ and zsdesk/ sources and the README whose first part is one of our menus."""
    tops = {"文件", "编辑", "台账", "英雄榜", "通报", "工具", "设置", "帮助"}
    found: dict[tuple[str, ...], str] = {}
    files = [*ROOT.glob("ui/**/*.py"), *ROOT.glob("zsdesk/**/*.py"), ROOT / "README.md", *ROOT.glob("docs/*.md")]
    for file in files:
        for match in _PATH.finditer(file.read_text(encoding="utf-8")):
            parts = tuple(_clean(p) for p in match.group(0).split("→"))
            if parts[0] in tops and parts not in EXTERNAL:
                found.setdefault(parts, f"{file.relative_to(ROOT)}: {match.group(0)}")
    return found


def test_every_named_menu_path_exists(context: LedgerContext, qtbot: Any) -> None:
    window = MainWindow(context)
    qtbot.addWidget(window)
    tree = menu_tree(window)
    named = named_paths()
    assert ("工具", "检查台账") in named and ("设置", "字典") in named  # the collector finds the messages
    missing = [where for path, where in named.items() if path not in tree]
    assert not missing, "菜单中没有：\n" + "\n".join(missing)


def test_settings_dictionary_and_check_ledger_do_what_they_say(context: LedgerContext, qtbot: Any,
                                                              shown_errors: list) -> None:
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.act_dictionary.trigger()
    page = window.current_page()
    assert page is window.pages["units"] and page.tabs.tabText(page.tabs.currentIndex()) == "产业链"  # type: ignore[attr-defined]
    window.act_check.trigger()
    qtbot.waitUntil(lambda: bool(shown_errors) and shown_errors[-1][0] == "检查台账", timeout=20000)
    assert shown_errors[-1][1] == "检查完毕，没有发现问题。"


def test_missing_ledger_message_reads_as_two_sentences(qtbot: Any, tmp_path: Path, shown_errors: list) -> None:
    from ui.shell.app import Controller

    assert Controller().open_ledger(str(tmp_path / "不在了.zsdesk.sqlite")) is None
    text = shown_errors[-1][1]
    sentences = [s for s in re.split(r"(?<=[。！？])", text) if s.strip()]
    assert len(sentences) == 2 and all(s.endswith(("。", "！", "？")) for s in sentences), text
