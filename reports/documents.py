"""The report as a Word document (.docx), written with python-docx from the same structure as
the page (`compose`). Plain styles only (headings, paragraphs, grid tables), A4, Chinese fonts
named for Word and WPS, so it opens the same in both."""

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from congress.viewer import person
from reports.compose import Narrative, Paragraph, Table, compose

BODY_FONT, HEADING_FONT = "宋体", "黑体"  # SimSun, SimHei: on every Chinese Windows and in WPS


def _font(style, name, size):
    style.font.name = name
    style.font.size = Pt(size)
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), name)


def _new_document():
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin = section.bottom_margin = Cm(2.5)
    section.left_margin = section.right_margin = Cm(2.6)
    _font(document.styles["Normal"], BODY_FONT, 12)
    for name, size in (("Heading 1", 15), ("Heading 2", 13)):
        _font(document.styles[name], HEADING_FONT, size)
        document.styles[name].font.color.rgb = None
    return document


def _runs(paragraph, parts):
    for part in parts:
        run = paragraph.add_run(str(part))
        if not isinstance(part, str):
            run.bold = True  # a figure: computed from the records


TEXT_WIDTH_CM = 21 - 2 * 2.6


def _widths(block):
    """Column widths by how much each column holds (capped), so titles get room, numbers less."""
    weights = [
        max(min(max(len(str(c)) for c in [header, *(row[i] for row in block.rows)]), 24), 5) + 3
        for i, header in enumerate(block.header)
    ]
    return [Cm(TEXT_WIDTH_CM * w / sum(weights)) for w in weights]


def report_docx(report):
    document = _new_document()
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run(report.title)
    run.bold, run.font.size = True, Pt(20)
    run.font.name = HEADING_FONT
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), HEADING_FONT)
    made = document.add_paragraph(
        _("Generated on %(date)s by %(who)s")
        % {
            "date": timezone.localtime(report.generated_at).strftime("%Y-%m-%d"),
            "who": person(report.generated_by) or "—",
        }
    )
    made.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for section in compose(report):
        document.add_heading(section.heading, level=1)
        for block in section.blocks:
            if isinstance(block, Paragraph):
                paragraph = document.add_paragraph()
                paragraph.paragraph_format.first_line_indent = Pt(24)
                _runs(paragraph, block.parts)
            elif isinstance(block, Narrative):
                if block.title:
                    document.add_paragraph(block.title, style="Heading 2")
                for text in block.paragraphs:
                    paragraph = document.add_paragraph(text)
                    paragraph.paragraph_format.first_line_indent = Pt(24)
            elif isinstance(block, Table):
                if block.caption:
                    document.add_paragraph(block.caption, style="Heading 2")
                table = document.add_table(rows=1, cols=len(block.header), style="Table Grid")
                table.autofit = False
                for cell, text in zip(table.rows[0].cells, block.header, strict=True):
                    cell.text = ""
                    cell.paragraphs[0].add_run(str(text)).bold = True
                for row in block.rows:
                    cells = table.add_row().cells
                    for cell, value in zip(cells, row, strict=True):
                        cell.text = str(value)
                for column, width in zip(table.columns, _widths(block), strict=True):
                    column.width = width  # the grid, which LibreOffice and WPS follow
                    for cell in column.cells:  # the cells, which Word follows
                        cell.width = width
                document.add_paragraph()
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
