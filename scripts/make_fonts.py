#!/usr/bin/env python3
"""Build the bundled notice fonts in resources/fonts/ from Debian packages.

reportlab embeds only TrueType (``glyf``) outlines, and the free fonts closest to the
official 仿宋 / 小标宋 ship as CFF (PostScript) outlines.  This script converts them with
fontTools' cu2qu, subsets where that keeps the size down, and renames modified fonts so
their PostScript names never clash with the originals (and, for OFL fonts, so the
modified version does not carry a reserved name).

Reproducible: the same Debian package versions give byte-identical output (fixed
timestamps, fixed glyph order).  Run as root or any user with apt access:

    python scripts/make_fonts.py                 # downloads the .debs with apt-get
    python scripts/make_fonts.py --debs DIR      # use .debs already in DIR

Packages used (Debian 12 "bookworm"):
    texlive-lang-chinese   FandolFang-Regular.otf           -> ZsdeskFang-Regular.ttf
    fonts-noto-cjk         NotoSerifCJK-Bold.ttc (SC face)  -> ZsdeskTitleSerif-Bold.ttf
    fonts-wqy-microhei     wqy-microhei.ttc (face 0)        -> wqy-microhei.ttf
    fonts-arphic-gkai00mp  gkai00mp.ttf (unmodified copy)   -> gkai00mp.ttf
    fonts-arphic-gbsn00lp  gbsn00lp.ttf (unmodified copy)   -> gbsn00lp.ttf
"""
from __future__ import annotations

import argparse
import glob
import gzip
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont, newTable

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "resources" / "fonts"
PACKAGES = [
    "texlive-lang-chinese",
    "fonts-noto-cjk",
    "fonts-wqy-microhei",
    "fonts-arphic-gkai00mp",
    "fonts-arphic-gbsn00lp",
]
# 2026-01-01T00:00:00Z in the OpenType epoch (seconds since 1904-01-01).
FIXED_TIMESTAMP = 3849984000
MAX_ERR_EM = 1.0 / 1000  # cu2qu tolerance, as a fraction of the em (fontTools' default)

# Characters a notice uses beyond GB2312: GB/T 9704 punctuation and symbols that GB2312
# lacks or maps differently (GB2312 0xA1AA is U+2015 in Python, Windows uses U+2014).
NOTICE_EXTRAS = (
    "〔〕—―…“”‘’《》〈〉「」『』【】〖〗·•●○◎■□▲△◆◇★☆※→←↑↓〓"
    "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳⑴⑵⑶⑷⑸⑹⑺⑻⑼⑽㈠㈡㈢㈣㈤㈥㈦㈧㈨㈩"
    "℃‰％№￥×÷±≤≥≠≈∶·～－　、。，；：？！＂＇（）［］｛｝"
)


def gb2312_chars() -> set[str]:
    chars = set()
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                chars.add(bytes([hi, lo]).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return chars


def notice_charset() -> set[int]:
    chars = {ord(c) for c in gb2312_chars()}
    chars.update(range(0x20, 0x7F))  # ASCII
    chars.update(range(0xA0, 0x100))  # Latin-1 supplement
    chars.update(range(0xFF01, 0xFF5F))  # full-width forms
    chars.update(range(0x3000, 0x3040))  # CJK symbols and punctuation
    chars.update(ord(c) for c in NOTICE_EXTRAS)
    return chars


def fetch_debs(dest: Path) -> None:
    subprocess.run(["apt-get", "download", *PACKAGES], cwd=dest, check=True)


def extract_debs(debs: Path, dest: Path) -> None:
    for name in PACKAGES:
        found = sorted(glob.glob(str(debs / f"{name}_*.deb")))
        if not found:
            sys.exit(f"missing {name}_*.deb in {debs}")
        subprocess.run(["dpkg-deb", "-x", found[-1], str(dest)], check=True)


def cff_to_truetype(font: TTFont) -> None:
    """Replace CFF outlines with quadratic TrueType outlines, in place."""
    glyph_order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    max_err = font["head"].unitsPerEm * MAX_ERR_EM
    glyf = newTable("glyf")
    glyf.glyphOrder = glyph_order
    glyf.glyphs = {}
    for name in glyph_order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, max_err, reverse_direction=True))
        glyf.glyphs[name] = pen.glyph()
    font["glyf"] = glyf
    font["loca"] = newTable("loca")
    for tag in ("CFF ", "CFF2", "VORG"):
        if tag in font:
            del font[tag]
    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    for attr in (
        "maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs",
        "maxInstructionDefs", "maxStackElements", "maxSizeOfInstructions",
        "maxComponentElements",
    ):
        setattr(maxp, attr, 0)
    maxp.maxZones = 1
    maxp.maxComponentDepth = 0
    font["head"].glyphDataFormat = 0
    font.sfntVersion = "\x00\x01\x00\x00"
    post = font["post"]
    post.formatType = 2.0
    post.extraNames = []
    post.mapping = {}
    post.glyphOrder = glyph_order


def rename(font: TTFont, family: str, style: str, note: str) -> None:
    ps_name = f"{family}-{style}"
    name = font["name"]
    keep = {0, 7, 8, 9, 11, 12, 13, 14}  # copyright, trademark, vendor, designer, licence
    name.names = [r for r in name.names if r.nameID in keep]
    for name_id, value in {
        1: family,
        2: style,
        3: f"{ps_name};zsdesk",
        4: f"{family} {style}",
        5: "Version 1.000; zsdesk build",
        6: ps_name,
        10: note,
    }.items():
        name.setName(value, name_id, 3, 1, 0x409)
        name.setName(value, name_id, 1, 0, 0)


def fix_timestamps(font: TTFont) -> None:
    font["head"].created = FIXED_TIMESTAMP
    font["head"].modified = FIXED_TIMESTAMP


def subset_font(font: TTFont, unicodes: set[int]) -> None:
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.glyph_names = False
    options.hinting = False
    options.drop_tables += ["VORG", "vhea", "vmtx", "DSIG", "BASE"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=unicodes)
    subsetter.subset(font)


def save(font: TTFont, path: Path) -> None:
    fix_timestamps(font)
    font.save(path)


def build(src: Path) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    t0 = time.monotonic()

    fang = TTFont(
        src / "usr/share/texlive/texmf-dist/fonts/opentype/public/fandol/FandolFang-Regular.otf",
        recalcTimestamp=False,
    )
    cff_to_truetype(fang)
    rename(fang, "ZsdeskFang", "Regular",
           "FandolFang (Fandol team) converted to TrueType outlines for zsdesk. "
           "GPL-3 with font exception.")
    save(fang, OUT / "ZsdeskFang-Regular.ttf")
    print(f"ZsdeskFang-Regular.ttf  {time.monotonic() - t0:.1f}s")

    title = TTFont(
        src / "usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc", fontNumber=2,
        recalcTimestamp=False, lazy=False,
    )
    assert title["name"].getDebugName(4) == "Noto Serif CJK SC Bold"
    subset_font(title, notice_charset())
    cff_to_truetype(title)
    rename(title, "ZsdeskTitleSerif", "Bold",
           "Noto Serif CJK SC Bold subset to GB2312 and converted to TrueType outlines "
           "for zsdesk. SIL Open Font License 1.1.")
    save(title, OUT / "ZsdeskTitleSerif-Bold.ttf")
    print(f"ZsdeskTitleSerif-Bold.ttf  {time.monotonic() - t0:.1f}s")

    hei = TTFont(src / "usr/share/fonts/truetype/wqy/wqy-microhei.ttc", fontNumber=0,
                 recalcTimestamp=False, lazy=False)
    save(hei, OUT / "wqy-microhei.ttf")  # face 0 of the collection, outlines unchanged

    for name in ("arphic-gkai00mp/gkai00mp.ttf", "arphic-gbsn00lp/gbsn00lp.ttf"):
        shutil.copyfile(src / "usr/share/fonts/truetype" / name, OUT / Path(name).name)

    lic = OUT / "LICENSES"
    lic.mkdir(exist_ok=True)
    with gzip.open(src / "usr/share/doc/texlive-doc/fonts/fandol/COPYING.gz", "rb") as fh:
        (lic / "FandolFang-GPL-3-with-font-exception.txt").write_bytes(fh.read())
    shutil.copyfile(src / "usr/share/doc/fonts-noto-cjk/copyright",
                    lic / "NotoSerifCJK-OFL-1.1.txt")
    shutil.copyfile(src / "usr/share/doc/fonts-wqy-microhei/copyright",
                    lic / "WenQuanYiMicroHei-Apache-2.0-or-GPL-3.txt")
    shutil.copyfile("/usr/share/common-licenses/Apache-2.0", lic / "Apache-2.0.txt")
    shutil.copyfile(src / "usr/share/doc/fonts-arphic-gkai00mp/copyright",
                    lic / "AR-PL-KaitiM-GB-Arphic-Public-License.txt")
    shutil.copyfile(src / "usr/share/doc/fonts-arphic-gbsn00lp/copyright",
                    lic / "AR-PL-SungtiL-GB-Arphic-Public-License.txt")
    print(f"done in {time.monotonic() - t0:.1f}s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--debs", type=Path, help="directory holding the .deb files")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        debs = args.debs
        if debs is None:
            debs = tmp_path / "debs"
            debs.mkdir()
            fetch_debs(debs)
        extract_debs(debs, tmp_path / "root")
        build(tmp_path / "root")


if __name__ == "__main__":
    main()
