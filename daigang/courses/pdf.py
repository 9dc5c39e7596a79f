"""The completion certificate as a PDF (reportlab), set in the contracts' embedded CJK font."""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from daigang.contracts.pdf import FONT_NAME, RENDER_LOCK, font_register
from daigang.courses.models import Certificate


def certificate_verify_path(number: str) -> str:
    return f"/certificates/{number}/"


def certificate_pdf_render(*, certificate: Certificate) -> bytes:
    """One landscape A4 page: who completed which course of which bureau, when, the number,
    the content fingerprint and where to verify it."""
    font = font_register()
    base = ParagraphStyle(
        "body", fontName=font, fontSize=13, leading=22, wordWrap="CJK", alignment=TA_CENTER
    )
    title = ParagraphStyle("title", parent=base, fontSize=30, leading=40, spaceAfter=8)
    small = ParagraphStyle(
        "small", parent=base, fontSize=8.5, leading=12, textColor=colors.HexColor("#555555")
    )
    issued = timezone.localtime(certificate.issued_at)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=landscape(A4),
        leftMargin=25 * mm,
        rightMargin=25 * mm,
        topMargin=25 * mm,
        bottomMargin=20 * mm,
        title=f"{_('结业证书')} {certificate.number}",
        author=certificate.bureau_name,
        subject=f"daigang certificate content SHA-256: {certificate.content_sha256}",
        keywords=f"sha256:{certificate.content_sha256} {certificate.number}",
        creator="daigang 直播带岗",
        lang="zh-CN",
        initialFontName=font,
    )
    text = _(
        "兹证明 %(name)s 于 %(date)s 完成了 %(bureau)s 免费课程《%(course)s》全部 %(lessons)d "
        "个课时的学习，特发此证。"
    ) % {
        "name": certificate.holder_name,
        "date": issued.strftime("%Y-%m-%d"),
        "bureau": certificate.bureau_name,
        "course": certificate.course_title,
        "lessons": certificate.lessons,
    }
    if certificate.provider_name:
        text += _("（培训机构：%(provider)s）") % {"provider": certificate.provider_name}
    story: list[object] = [
        Paragraph(escape(_("结业证书")), title),
        Spacer(1, 8 * mm),
        Paragraph(escape(text), base),
        Spacer(1, 14 * mm),
        Paragraph(escape(certificate.bureau_name), base),
        Paragraph(escape(issued.strftime("%Y-%m-%d")), base),
        Spacer(1, 14 * mm),
        Paragraph(escape(_("证书编号：%(number)s") % {"number": certificate.number}), small),
        Paragraph(
            escape(_("内容指纹（SHA-256）：%(sha)s") % {"sha": certificate.content_sha256}), small
        ),
        Paragraph(
            escape(
                _("核验：在直播带岗平台打开 %(path)s，或在该页面上传本PDF文件。")
                % {"path": certificate_verify_path(certificate.number)}
            ),
            small,
        ),
    ]

    def on_page(canvas: Canvas, _doc: SimpleDocTemplate) -> None:
        canvas.saveState()
        canvas.setStrokeColor(colors.HexColor("#cf300c"))
        canvas.setLineWidth(2)
        width, height = landscape(A4)
        canvas.rect(10 * mm, 10 * mm, width - 20 * mm, height - 20 * mm)
        canvas.setFont(FONT_NAME, 7)
        canvas.restoreState()

    with RENDER_LOCK:
        doc.build(story, onFirstPage=on_page)
    return buffer.getvalue()
