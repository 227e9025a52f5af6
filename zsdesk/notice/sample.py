"""A sample quarterly notice with made-up figures: ``python -m zsdesk.notice.sample out.pdf``."""

from __future__ import annotations

import sys
import time
from datetime import date

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib.colors import CMYKColor

from zsdesk.notice.compose import render_notice
from zsdesk.notice.fonts import FontSet, Role, default_fontset
from zsdesk.notice.model import Attachment, Chart, Heading, NoticeDocument, Paragraph, Table

UNITS = ["正阳工业园区", "舟白街道", "城西街道", "城东街道", "城南街道", "石会镇", "黑溪镇", "黄溪镇",
         "濯水镇", "阿蓬江镇", "区经济信息委", "区商务委", "区农业农村委", "区文化旅游委"]


def bar_chart(fonts: FontSet) -> Drawing:
    d = Drawing(420, 200)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 45, 40, 360, 140
    chart.data = [[12.5, 9.8, 7.6, 6.1, 4.3, 3.9]]
    chart.categoryAxis.categoryNames = UNITS[:6]
    chart.categoryAxis.labels.fontName = fonts.font_name(Role.BODY)
    chart.categoryAxis.labels.fontSize = 8
    chart.valueAxis.labels.fontName = fonts.font_name(Role.BODY)
    chart.valueAxis.valueMin = 0
    chart.bars[0].fillColor = CMYKColor(0.8, 0.4, 0, 0)
    d.add(chart)
    d.add(String(10, 188, "单位：亿元", fontName=fonts.font_name(Role.BODY), fontSize=9))
    return d


def sample_document(fonts: FontSet | None = None, project_rows: int = 40) -> NoticeDocument:
    fonts = fonts or default_fontset()
    board = [[str(i), unit, f"{20 - i * 1.1:.2f}", f"{15 - i * 0.8:.2f}", f"{80 - i * 3}%", "★" * max(1, 5 - i // 3)]
             for i, unit in enumerate(UNITS, start=1)]
    projects = [[str(i), f"重庆某某新材料科技有限公司年产{i}万吨项目", UNITS[i % len(UNITS)],
                 ["新材料", "生物医药", "食品加工", "数字经济", "文旅"][i % 5], f"{1000 + i * 37:,}",
                 "正式合同" if i % 3 else "框架协议", f"2026-0{7 + i % 3}-{1 + i % 28:02d}"]
                for i in range(1, project_rows + 1)]
    narrative = (
        "今年以来，全区招商系统坚持把招商引资作为经济工作的“生命线”，紧扣“33618”现代制造业集群体系，"
        "围绕新材料、生物医药、食品加工、数字经济、文旅等重点产业链精准招商。1—9月，全区新签约项目86个，"
        "协议资金312.45亿元，同比增长18.6%；其中正式合同62个、合同额241.80亿元；到位资金96.37亿元，"
        "同比增长12.1%，完成年度目标任务的78.5%。"
    )
    return NoticeDocument(
        authority="重庆市黔江区招商投资促进局文件",
        doc_number="黔江招商发〔2026〕12号",
        title="重庆市黔江区招商投资促进局\n关于2026年第三季度招商引资\n工作情况的通报",
        addressees="各园区管委会，各乡镇人民政府、街道办事处，区级有关部门",
        blocks=[
            Paragraph("为进一步压实招商引资工作责任，营造“比学赶超”的浓厚氛围，根据《黔江区招商引资工作考核办法》"
                      "（黔江委办发〔2025〕8号）有关规定，现将2026年第三季度全区招商引资工作情况通报如下。"),
            Heading(1, "一、总体情况"),
            Paragraph(narrative),
            Chart(bar_chart(fonts), caption="图1  各单位协议资金前六名（亿元）"),
            Heading(1, "二、招商英雄榜"),
            Heading(2, "（一）单位榜"),
            Paragraph("按照计分规则，综合协议资金、到位资金和目标完成率，各单位排名如下表。"),
            Table(header_rows=[["排名", "单位", "协议资金（亿元）", "到位资金（亿元）", "完成率", "星级"]],
                  rows=board, col_widths=[0.6, 2.2, 1.4, 1.4, 1, 1], title="表1  2026年第三季度招商英雄榜（单位）"),
            Heading(2, "（二）个人榜"),
            Paragraph("张三（正阳工业园区）、李四（舟白街道）、王五（区经济信息委）等10名同志引荐项目成效突出，予以通报表扬。"
                      "名单中含生僻字的同志如“王䶮”“李𠀀”照常列出。"),
            Heading(1, "三、存在问题"),
            Paragraph("一是项目储备不足，部分单位本季度无新签约项目；二是到位资金进度偏慢，部分已签约项目开工滞后；"
                      "三是产业链招商精准度不高，补链延链强链项目占比偏低。"),
            Heading(1, "四、下步工作"),
            Paragraph("各单位要对照年度目标任务，倒排工期、挂图作战，确保完成全年目标任务。对连续两个季度无新签约项目的单位，"
                      "将按照有关规定进行约谈。<font>标签</font> & &amp; <br/> 等字符按原样印出。"),
        ],
        signatory="重庆市黔江区招商投资促进局",
        sign_date=date(2026, 10, 8),
        cc="区委办公室，区人大常委会办公室，区政府办公室，区政协办公室",
        printer="重庆市黔江区招商投资促进局办公室",
        print_date=date(2026, 10, 9),
        attachments=[
            Attachment("2026年第三季度新签约项目清单", [
                Table(header_rows=[["序号", "项目名称", "引资单位", "产业链", "协议资金（万元）", "签约类型", "签约日期"]],
                      rows=projects, col_widths=[0.6, 3.6, 1.6, 1, 1.4, 1, 1.3], landscape=True,
                      note="注：协议资金为引资单位认定金额。"),
            ], landscape=True),
            Attachment("2026年各单位目标任务完成情况", [
                Table(header_rows=[["序号", "单位", "目标（亿元）", "完成（亿元）", "完成率"]],
                      rows=[[str(i), u, "20.00", f"{20 - i:.2f}", f"{(20 - i) * 5}%"] for i, u in enumerate(UNITS, 1)],
                      col_widths=[0.6, 2.4, 1.2, 1.2, 1]),
            ]),
        ],
    )


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    out = args[0] if args else "notice-sample.pdf"
    doc = sample_document()
    start = time.perf_counter()
    pdf = render_notice(doc)
    elapsed = time.perf_counter() - start
    with open(out, "wb") as fh:
        fh.write(pdf)
    print(f"{out}: {len(pdf):,} bytes in {elapsed:.2f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
