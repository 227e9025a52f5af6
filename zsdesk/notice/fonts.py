"""Fonts for the notice PDF: the official fonts when installed, else the bundled stand-ins.

GB/T 9704 names five styles; `Role` names what each is used for.  reportlab embeds only
TrueType (``glyf``) outlines, so CFF/OpenType files are refused with a note and the next
candidate is taken.  Every string is drawn through `FontSet.runs`, which gives each
character a font that has it (role font first, then the fallback chain) and a visible
substitute mark when no font has it: nothing is dropped silently.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import struct
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfbase.ttfonts import TTFError, TTFont

from zsdesk.resources import resource

log = logging.getLogger(__name__)

#: Drawn where no available font has the character (GB/T 9704 practice for missing glyphs).
SUBSTITUTE = "〓"


def _unicode_hex(code: int) -> str:
    """A code point as the UTF-16BE hex a ToUnicode CMap needs (a surrogate pair beyond the BMP)."""
    if code > 0xFFFF:
        return chr(code).encode("utf-16-be").hex().upper()
    return f"{code:04X}"


def _to_unicode_cmap(fontname: str, subset: list[int]) -> str:
    """reportlab's ``makeToUnicodeCMap`` with 生僻字 beyond the BMP written as UTF-16 surrogate pairs.

    reportlab 4.x writes ``<20000>`` for 𠀀 U+20000: an odd-length hex string that copy-paste,
    search and text extraction (pdftotext, pypdf) reject, so a printed name could not be found."""
    lines = ["/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap", "/CIDSystemInfo",
             f"<< /Registry ({fontname})", f"/Ordering ({fontname})", "/Supplement 0", ">> def",
             f"/CMapName /{fontname} def", "/CMapType 2 def", "1 begincodespacerange",
             f"<00> <{len(subset) - 1:02X}>", "endcodespacerange", f"{len(subset)} beginbfchar"]
    lines += [f"<{i:02X}> <{_unicode_hex(v)}>" for i, v in enumerate(subset)]
    lines += ["endbfchar", "endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    return "\n".join(lines)


ttfonts.makeToUnicodeCMap = _to_unicode_cmap  # used by name when reportlab writes a TrueType subset


class Role(StrEnum):
    TITLE = "title"  # 小标宋: issuing-authority header, title
    BODY = "body"  # 仿宋: body text, 版记, tables
    HEADING1 = "heading1"  # 黑体: "一、" headings, attachment labels, table headers
    HEADING2 = "heading2"  # 楷体: "（一）" headings
    PAGE_NUMBER = "page_number"  # 宋体: "— 1 —"


# Official font files, lower-case, in order of preference.
OFFICIAL_FILES: dict[Role, tuple[str, ...]] = {
    Role.TITLE: ("fzxbsjw.ttf", "方正小标宋简体.ttf", "fzxbsk.ttf", "方正小标宋_gbk.ttf",
                 "fzxiaobiaosong-b05s.ttf", "方正小标宋.ttf"),
    Role.BODY: ("simfang.ttf", "仿宋_gb2312.ttf", "fs_gb2312.ttf", "fzfsk.ttf", "方正仿宋_gbk.ttf"),
    Role.HEADING1: ("simhei.ttf", "fzhtk.ttf", "方正黑体_gbk.ttf"),
    Role.HEADING2: ("simkai.ttf", "楷体_gb2312.ttf", "kaiti_gb2312.ttf", "fzktk.ttf", "方正楷体_gbk.ttf"),
    Role.PAGE_NUMBER: ("simsun.ttc", "simsun.ttf", "fzssk.ttf", "方正书宋_gbk.ttf"),
}
# Wide-coverage system fonts tried after the role fonts for rare characters.
SYSTEM_FALLBACK_FILES = ("simsunb.ttf", "simsun.ttc", "simhei.ttf")

BUNDLED_FILES: dict[Role, str] = {
    Role.TITLE: "ZsdeskTitleSerif-Bold.ttf",
    Role.BODY: "ZsdeskFang-Regular.ttf",
    Role.HEADING1: "wqy-microhei.ttf",
    Role.HEADING2: "gkai00mp.ttf",
    Role.PAGE_NUMBER: "gbsn00lp.ttf",
}
# WenQuanYi Micro Hei covers all 20,902 unified ideographs: the last resort before SUBSTITUTE.
BUNDLED_FALLBACKS = ("wqy-microhei.ttf", "ZsdeskFang-Regular.ttf", "gbsn00lp.ttf")
# 生僻字 of CJK Extension A–G (common in personal and company names): HanaMin (花園明朝, Debian
# fonts-hanazono, free) — HanaMinA has the BMP incl. Extension A, HanaMinB Extension B and beyond
# (𠀀 U+20000, 𪚥 U+2A6A5). Found on the system (or as a subset in the bundled fonts folder) and
# registered only when a character no other font has is met: the files are 22 MB and 31 MB.
RARE_FALLBACK_FILES = ("hanamina.ttf", "hanaminb.ttf", "hanamina-subset.ttf", "hanaminb-subset.ttf")

FontPath = str | os.PathLike[str] | tuple[str | os.PathLike[str], int]


def default_font_dirs() -> list[Path]:
    dirs: list[Path] = []
    windir = os.environ.get("WINDIR") or os.environ.get("SystemRoot")
    if windir:
        dirs.append(Path(windir) / "Fonts")
    dirs.append(Path("C:/Windows/Fonts"))
    local = os.environ.get("LOCALAPPDATA")
    if local:
        dirs.append(Path(local) / "Microsoft" / "Windows" / "Fonts")
    home = Path.home()
    dirs += [home / ".fonts", home / ".local" / "share" / "fonts", Path("/usr/share/fonts"),
             Path("/usr/local/share/fonts"), Path("/Library/Fonts"), home / "Library" / "Fonts"]
    return dirs


def _index_font_dirs(dirs: Iterable[Path]) -> dict[str, Path]:
    """Lower-case file name -> first path found, walking each directory once."""
    found: dict[str, Path] = {}
    for top in dirs:
        if not top.is_dir():
            continue
        for root, _subdirs, files in os.walk(top):
            for name in sorted(files):
                if name.lower().endswith((".ttf", ".ttc", ".otf")):
                    found.setdefault(name.lower(), Path(root) / name)
    return found


def truetype_problem(path: Path, index: int = 0) -> str | None:
    """Why reportlab cannot embed this font file, or None when it has TrueType outlines."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(12)
            tag = head[:4]
            if tag == b"ttcf":
                count = struct.unpack(">I", head[8:12])[0]
                if not 0 <= index < count:
                    return f"字体集合只有 {count} 个字体，没有第 {index} 个"
                fh.seek(12 + 4 * index)
                fh.seek(struct.unpack(">I", fh.read(4))[0])
                tag = fh.read(4)
    except OSError as exc:
        return f"无法读取字体文件：{exc}"
    if tag == b"OTTO":
        return "字体为 CFF（PostScript）轮廓，无法嵌入 PDF"
    if tag not in (b"\x00\x01\x00\x00", b"true"):
        return "不是 TrueType 字体文件"
    return None


@dataclass(frozen=True)
class FontFace:
    """One registered font file."""

    name: str  # reportlab font name
    path: Path
    index: int
    source: str  # "override", "system" or "bundled"
    glyphs: frozenset[int] = field(repr=False)


def _register(path: Path, index: int, source: str) -> FontFace:
    digest = hashlib.sha1(f"{path.resolve()}#{index}".encode()).hexdigest()[:10]
    name = f"Zsdesk-{digest}"
    if name in pdfmetrics.getRegisteredFontNames():
        font = pdfmetrics.getFont(name)
    else:
        font = TTFont(name, str(path), subfontIndex=index)
        pdfmetrics.registerFont(font)
    return FontFace(name, path, index, source, frozenset(font.face.charToGlyph))


def _split_spec(spec: FontPath) -> tuple[Path, int]:
    if isinstance(spec, tuple):
        return Path(spec[0]), int(spec[1])
    return Path(spec), 0


class FontSet:
    """The fonts of one notice: a face per role plus a fallback chain for rare characters."""

    def __init__(self, roles: Mapping[Role, FontFace], fallbacks: Iterable[FontFace],
                 notes: Iterable[str] = (), rare: Iterable[tuple[Path, int, str]] = ()) -> None:
        self.roles = dict(roles)
        self._rare = list(rare)  # last fall-backs, registered on the first character nothing else has
        self.notes = list(notes)  # why an official font was not used, for the UI to show
        chain: list[FontFace] = []
        for face in [*(self.roles[r] for r in Role), *fallbacks]:
            if all(face.name != f.name for f in chain):
                chain.append(face)
        self.chain = chain
        self._font_of: dict[tuple[Role, str], str] = {}
        self._widths: dict[tuple[str, str], float] = {}
        self.substitute_font = next((f.name for f in chain if ord(SUBSTITUTE) in f.glyphs), chain[0].name)

    @classmethod
    def discover(cls, overrides: Mapping[Role | str, FontPath] | None = None,
                 font_dirs: Iterable[str | os.PathLike[str]] | None = None,
                 use_system: bool = True, bundled_dir: str | os.PathLike[str] | None = None) -> FontSet:
        """Pick a font per role: `overrides`, then installed official fonts, then bundled ones."""
        notes: list[str] = []
        bundled = Path(bundled_dir) if bundled_dir is not None else resource("fonts")
        dirs = [Path(d) for d in font_dirs] if font_dirs is not None else default_font_dirs()
        installed = _index_font_dirs(dirs) if use_system else {}
        wanted = {Role(k): v for k, v in (overrides or {}).items()}
        roles: dict[Role, FontFace] = {}
        for role in Role:
            candidates: list[tuple[Path, int, str]] = []
            if role in wanted:
                path, index = _split_spec(wanted[role])
                candidates.append((path, index, "override"))
            candidates += [(installed[n], 0, "system") for n in OFFICIAL_FILES[role] if n in installed]
            candidates.append((bundled / BUNDLED_FILES[role], 0, "bundled"))
            roles[role] = _first_usable(role, candidates, notes)
        fallbacks: list[FontFace] = []
        extra = [(installed[n], 0, "system") for n in SYSTEM_FALLBACK_FILES if n in installed]
        extra += [(bundled / n, 0, "bundled") for n in BUNDLED_FALLBACKS]
        for path, index, source in extra:
            if truetype_problem(path, index) is None:
                try:
                    fallbacks.append(_register(path, index, source))
                except (TTFError, OSError) as exc:
                    log.info("fallback font %s unusable: %s", path, exc)
        rare = [(installed[n], 0, "system") for n in RARE_FALLBACK_FILES if n in installed]
        rare += [(bundled / n, 0, "bundled") for n in RARE_FALLBACK_FILES if (bundled / n).is_file()]
        return cls(roles, fallbacks, notes, rare)

    @classmethod
    def bundled(cls) -> FontSet:
        """Only the fonts shipped with zsdesk: the same PDF on every machine."""
        return cls.discover(use_system=False)

    def font_name(self, role: Role) -> str:
        return self.roles[role].name

    def font_for(self, ch: str, role: Role) -> str:
        """The font that draws `ch` in `role`; SUBSTITUTE's font when none has it."""
        key = (role, ch)
        name = self._font_of.get(key)
        if name is None:
            code = ord(ch)
            primary = self.roles[role]
            if code in primary.glyphs:
                name = primary.name
            else:
                name = next((f.name for f in self.chain if code in f.glyphs), "")
                if not name and self._rare:
                    self._load_rare()
                    name = next((f.name for f in self.chain if code in f.glyphs), "")
            self._font_of[key] = name
        return name

    def _load_rare(self) -> None:
        pending, self._rare = self._rare, []
        for path, index, source in pending:
            if truetype_problem(path, index) is None:
                try:
                    face = _register(path, index, source)
                except (TTFError, OSError) as exc:
                    log.info("rare-character font %s unusable: %s", path, exc)
                    continue
                if all(face.name != f.name for f in self.chain):
                    self.chain.append(face)

    def glyph(self, ch: str, role: Role) -> tuple[str, str]:
        """(character actually drawn, font name): a missing character becomes SUBSTITUTE."""
        name = self.font_for(ch, role)
        if name:
            return ch, name
        return SUBSTITUTE, self.font_for(SUBSTITUTE, role) or self.substitute_font

    def runs(self, text: str, role: Role) -> list[tuple[str, str]]:
        """Split `text` into (font name, text) runs so every character is drawn by a font that has it."""
        out: list[tuple[str, str]] = []
        for ch in text:
            drawn, name = self.glyph(ch, role)
            if out and out[-1][0] == name:
                out[-1] = (name, out[-1][1] + drawn)
            else:
                out.append((name, drawn))
        return out

    def width(self, ch: str, font_name: str, size: float) -> float:
        key = (font_name, ch)
        w = self._widths.get(key)
        if w is None:
            w = pdfmetrics.stringWidth(ch, font_name, 1000.0) / 1000.0
            self._widths[key] = w
        return w * size

    def describe(self) -> dict[str, str]:
        """Role -> "source: path" for an about box or a log line."""
        return {role.value: f"{face.source}: {face.path}" for role, face in self.roles.items()}


def _first_usable(role: Role, candidates: list[tuple[Path, int, str]], notes: list[str]) -> FontFace:
    for path, index, source in candidates:
        problem = truetype_problem(path, index)
        if problem is None:
            try:
                return _register(path, index, source)
            except (TTFError, OSError) as exc:  # e.g. a licence flag that forbids embedding
                problem = f"无法嵌入：{exc}"
        if source != "bundled":
            notes.append(f"{path.name}：{problem}，改用其他字体")
        log.warning("font %s for %s not used: %s", path, role.value, problem)
    raise FileNotFoundError(f"没有可用的{role.value}字体：随软件附带的字体文件缺失（{candidates[-1][0]}）")


@functools.cache
def default_fontset() -> FontSet:
    """Discovered once per process: discovery walks the font directories."""
    return FontSet.discover()
