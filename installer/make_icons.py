"""Draw the app icon: a red rounded square with a white 招, as SVG, PNG (16–256) and ICO.

The glyph is taken as an outline from the bundled title font (Noto Serif CJK SC Bold
stand-in, OFL), so the SVG needs no font on the viewing machine. The PNGs are rendered from
that SVG with Qt, the ICO is assembled from the PNGs with Pillow. The outputs are committed
in resources/icons/; rerun with ``python installer/make_icons.py`` after changing the design.
"""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

from fontTools.pens.boundsPen import BoundsPen
from fontTools.pens.svgPathPen import SVGPathPen
from fontTools.ttLib import TTFont

ROOT = Path(__file__).resolve().parent.parent
ICONS = ROOT / "resources" / "icons"
FONT = ROOT / "resources" / "fonts" / "ZsdeskTitleSerif-Bold.ttf"
CHAR = "招"
SIZE = 256
RED = "#C8161D"  # the red of official-document headers
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)


def glyph_svg_path() -> tuple[str, tuple[float, float, float, float]]:
    font = TTFont(str(FONT))
    name = font.getBestCmap()[ord(CHAR)]
    glyphs = font.getGlyphSet()
    pen = SVGPathPen(glyphs)
    glyphs[name].draw(pen)
    bounds = BoundsPen(glyphs)
    glyphs[name].draw(bounds)
    assert bounds.bounds is not None
    return pen.getCommands(), bounds.bounds


def build_svg() -> str:
    path, (x0, y0, x1, y1) = glyph_svg_path()
    ink = 0.66 * SIZE  # the glyph's larger side
    scale = ink / max(x1 - x0, y1 - y0)
    # Font units are y-up: flip, then centre the ink box in the square.
    tx = SIZE / 2 - scale * (x0 + x1) / 2
    ty = SIZE / 2 + scale * (y0 + y1) / 2
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{SIZE}" height="{SIZE}" viewBox="0 0 {SIZE} {SIZE}">\n'
        f"  <title>招商桌面</title>\n"
        f'  <rect x="8" y="8" width="{SIZE - 16}" height="{SIZE - 16}" rx="44" ry="44" fill="{RED}"/>\n'
        f'  <path fill="#FFFFFF" transform="translate({tx:.3f} {ty:.3f}) scale({scale:.6f} {-scale:.6f})" '
        f'd="{path}"/>\n'
        f"</svg>\n"
    )


def render_pngs(svg: bytes) -> dict[int, bytes]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    renderer = QSvgRenderer(QByteArray(svg))
    out: dict[int, bytes] = {}
    for size in PNG_SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        buf = QBuffer()
        buf.open(QIODevice.OpenModeFlag.WriteOnly)
        image.save(buf, "PNG")
        out[size] = bytes(buf.data())
    return out


def build_ico(pngs: dict[int, bytes]) -> bytes:
    from PIL import Image

    images = [Image.open(io.BytesIO(pngs[s])).convert("RGBA") for s in ICO_SIZES]
    buf = io.BytesIO()
    images[-1].save(buf, format="ICO", sizes=[(s, s) for s in ICO_SIZES], append_images=images[:-1])
    return buf.getvalue()


def main() -> int:
    ICONS.mkdir(parents=True, exist_ok=True)
    svg = build_svg()
    (ICONS / "zsdesk.svg").write_text(svg, encoding="utf-8")
    pngs = render_pngs(svg.encode("utf-8"))
    (ICONS / "zsdesk.png").write_bytes(pngs[256])
    for size in (16, 32, 48, 64, 128):
        (ICONS / f"zsdesk-{size}.png").write_bytes(pngs[size])
    (ICONS / "zsdesk.ico").write_bytes(build_ico(pngs))
    for f in sorted(ICONS.iterdir()):
        print(f"{f.relative_to(ROOT)}  {f.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
