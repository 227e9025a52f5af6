from __future__ import annotations

import dataclasses
import io
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from zsdesk.notice import Attachment, FontSet, Heading, NoticeDocument, Paragraph, Table, render_notice
from zsdesk.notice.compose import compose_notice

# The shared contract checker lives beside the checkout (../shared), as CI and every worktree lay it out.
CHECKER = Path(__file__).resolve().parents[2].parent / "shared" / "tools" / "check_notice_layout.py"
A4 = (595, 842)


def small_doc(**changes: object) -> NoticeDocument:
    doc = NoticeDocument(
        authority="重庆市黔江区招商投资促进局文件",
        doc_number="黔江招商发〔2026〕12号",
        title="关于2026年第三季度招商引资工作情况的通报",
        addressees="各园区管委会，各乡镇人民政府、街道办事处",
        blocks=[Heading(1, "一、总体情况"), Paragraph("全区新签约项目86个，协议资金312.45亿元。")],
        signatory="重庆市黔江区招商投资促进局",
        sign_date=date(2026, 10, 8),
        cc="区委办公室，区政府办公室",
        printer="重庆市黔江区招商投资促进局办公室",
        print_date=date(2026, 10, 9),
    )
    return dataclasses.replace(doc, **changes)


def test_pages_are_a4(sample_pdf: bytes) -> None:
    reader = PdfReader(io.BytesIO(sample_pdf))
    assert len(reader.pages) >= 5
    for page in reader.pages:
        size = round(float(page.mediabox.width)), round(float(page.mediabox.height))
        assert size in (A4, A4[::-1])


def test_body_text_left_edge_is_28mm(sample_pdf: bytes, probe) -> None:
    reader = PdfReader(io.BytesIO(sample_pdf))
    for number, items in enumerate(probe.shown(sample_pdf), start=1):
        if round(float(reader.pages[number - 1].mediabox.width)) != A4[0] or not items:
            continue
        left = min(s.x_mm for s in items)
        assert 27.0 <= left <= 29.0, (number, left)
        assert max(s.x_mm for s in items) < 210 - 24


def test_first_body_line_top_is_37mm(sample_pdf: bytes, probe) -> None:
    page2 = probe.shown(sample_pdf)[1]
    first = min(page2, key=lambda s: s.y_mm)
    top = first.y_mm - 0.88 * first.size * 25.4 / 72
    assert first.size == pytest.approx(16)
    assert top == pytest.approx(37.0, abs=1.0)


def test_every_font_is_embedded(tmp_path: Path, sample_pdf: bytes) -> None:
    path = tmp_path / "n.pdf"
    path.write_bytes(sample_pdf)
    rows = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert len(rows) >= 5
    assert all(row.split()[-5] == "yes" for row in rows), rows


def test_title_and_body_extract_back(sample_pdf: bytes, probe) -> None:
    text = "".join(probe.flat(sample_pdf))
    assert "重庆市黔江区招商投资促进局文件" in text
    assert "黔江招商发〔2026〕12号" in text
    assert "工作情况的通报" in text
    assert "协议资金312.45亿元" in text
    assert "2026年10月8日" in text
    assert "抄送：区委办公室" in text


def test_page_numbers_odd_right_even_left(sample_pdf: bytes, probe) -> None:
    reader = PdfReader(io.BytesIO(sample_pdf))
    for number, items in enumerate(probe.shown(sample_pdf), start=1):
        width_mm = float(reader.pages[number - 1].mediabox.width) * 25.4 / 72
        marks = [s for s in items if s.text.replace(" ", "") == f"—{number}—"]
        assert len(marks) == 1, number
        if number % 2:
            assert marks[0].x_mm > width_mm / 2
        else:
            assert marks[0].x_mm < width_mm / 2


def test_colophon_alone_on_its_page_has_no_page_number(fonts: FontSet, probe) -> None:
    wide = Table(header_rows=[["序号", "名称"]], rows=[[str(i), "项目"] for i in range(3)], landscape=True)
    doc = small_doc(attachments=[Attachment("项目清单", [wide], landscape=True)])
    pages = compose_notice(doc, fonts)
    assert pages[-1].colophon_only and not pages[-2].colophon_only
    pdf = render_notice(doc, fonts)
    flat = probe.flat(pdf)
    assert "印发" in flat[-1] and "—" not in flat[-1]
    assert f"—{len(flat) - 1}—" in flat[-2]


def test_colophon_shares_the_last_page_when_it_fits(fonts: FontSet, probe) -> None:
    flat = probe.flat(render_notice(small_doc(), fonts))
    assert len(flat) == 1
    assert "—1—" in flat[0] and "2026年10月9日印发" in flat[0]


@pytest.mark.parametrize("markup", ["<b>粗</b>", "a < b & c > d", "<font name='x'>字</font>", "&amp;&lt;", "<br/>换行",
                                    "<para>", "]]>"])
def test_user_text_prints_literally(fonts: FontSet, probe, markup: str) -> None:
    doc = small_doc(title=f"标题{markup}", blocks=[Paragraph(f"正文{markup}")], cc=markup,
                    attachments=[Attachment(markup, [Table([[markup]], [[markup]])])])
    text = "".join(probe.flat(render_notice(doc, fonts)))
    squeezed = "".join(markup.split())
    assert text.count(squeezed) >= 4


def test_huge_paragraph_and_rare_characters_do_not_crash(fonts: FontSet, probe) -> None:
    long = ("招商引资ABC123，" * 1250)[:10000]
    rare = "表情😀👍🏻生僻𠀀㐀䶮堃\x00\x1b\u202e控制"
    doc = small_doc(blocks=[Paragraph(long), Paragraph(rare), Table([["列"]], [[long], [rare]])], title=rare, cc=rare)
    pdf = render_notice(doc, fonts)
    text = "".join(probe.flat(pdf))
    assert "招商引资ABC123，" * 10 in text
    assert "堃" in text and "〓" in text
    assert "\x00" not in text


def test_same_input_gives_identical_bytes(fonts: FontSet) -> None:
    from zsdesk.notice.sample import sample_document

    doc = sample_document(fonts)
    assert render_notice(doc, fonts) == render_notice(doc, fonts)


def test_identical_bytes_across_processes(tmp_path: Path, sample_pdf: bytes) -> None:
    out = tmp_path / "again.pdf"
    code = ("import sys; from zsdesk.notice import FontSet, render_notice; "
            "from zsdesk.notice.sample import sample_document; f = FontSet.bundled(); "
            "open(sys.argv[1], 'wb').write(render_notice(sample_document(f), f))")
    subprocess.run([sys.executable, "-c", code, str(out)], check=True, cwd=Path(__file__).parents[2])
    assert out.read_bytes() == sample_pdf


@pytest.mark.skipif(not CHECKER.exists(), reason="shared layout checker not present")
def test_layout_checker_reports_no_problems(tmp_path: Path, sample_pdf: bytes) -> None:
    path = tmp_path / "notice.pdf"
    path.write_bytes(sample_pdf)
    result = subprocess.run([sys.executable, str(CHECKER), str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout
    assert ": 0 layout problems" in result.stdout


def test_thousand_row_table_renders_fast(fonts: FontSet, probe) -> None:
    rows = [[str(i), f"重庆某某科技有限公司第{i}号项目", "正阳工业园区", f"{i * 13:,}", "正式合同"] for i in range(1, 1001)]
    doc = small_doc(blocks=[Table([["序号", "项目名称", "引资单位", "协议资金（万元）", "签约类型"]], rows,
                                  col_widths=[0.7, 3, 1.5, 1.3, 1])])
    start = time.perf_counter()
    pdf = render_notice(doc, fonts)
    elapsed = time.perf_counter() - start
    assert elapsed < 3.0
    flat = probe.flat(pdf)
    assert len(flat) > 20
    assert all(page.count("序号项目名称") == 1 for page in flat)  # header rows repeat on every page
    assert sum(page.count("（续表）") + page.count("续表") for page in flat[1:]) == len(flat) - 1
    assert "第1000号项目" in "".join(flat)


def test_every_field_at_10000_characters_stays_in_the_type_area(fonts: FontSet, tmp_path: Path, probe) -> None:
    long = ("黔江招商<&>" * 1500)[:10000]
    doc = small_doc(authority=long, doc_number=long, title=long, addressees=long, signatory=long,
                    blocks=[Heading(1, long), Heading(2, long), Paragraph(long)], cc=long, printer=long,
                    attachments=[Attachment(long, [Paragraph(long)])])
    pdf = render_notice(doc, fonts)
    for items in probe.shown(pdf):
        assert all(24.0 <= s.x_mm <= 186.0 for s in items)
        assert all(36.0 <= s.y_mm <= 275.0 for s in items)


def test_mirrored_margins_put_even_pages_at_26mm(fonts: FontSet, probe) -> None:
    doc = small_doc(blocks=[Paragraph("招商引资" * 400)])
    pages = probe.shown(render_notice(doc, fonts, mirror_margins=True))
    assert len(pages) >= 2
    assert min(s.x_mm for s in pages[0]) == pytest.approx(28.0, abs=0.2)
    assert min(s.x_mm for s in pages[1]) == pytest.approx(26.0, abs=0.2)


def test_chart_in_default_fonts_still_embeds_everything(fonts: FontSet, tmp_path: Path) -> None:
    from reportlab.graphics.charts.barcharts import VerticalBarChart
    from reportlab.graphics.shapes import Drawing, String

    from zsdesk.notice import Chart

    drawing = Drawing(400, 200)
    chart = VerticalBarChart()
    chart.data = [[1, 2, 3]]
    chart.categoryAxis.categoryNames = ["园区", "街道", "部门"]
    drawing.add(chart)
    drawing.add(String(10, 190, "单位：亿元 <b>"))
    path = tmp_path / "chart.pdf"
    path.write_bytes(render_notice(small_doc(blocks=[Chart(drawing, "图1 <i>")]), fonts))
    rows = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert rows and all(row.split()[-5] == "yes" for row in rows), rows
    text = "".join(PdfReader(path).pages[0].extract_text().split())
    assert "单位：亿元<b>" in text and "图1<i>" in text
