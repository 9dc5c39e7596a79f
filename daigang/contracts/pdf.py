"""The signed contract as a PDF (reportlab), with an embedded CJK font subset.

Every piece of text is set in WenQuanYi Micro Hei (vendored in fonts/, TrueType outlines), of
which reportlab embeds a subset (FontFile2): the Chinese renders in any PDF reader, with or
without Chinese fonts installed. The PDF carries the content fingerprint (see fingerprint.py)
on every page, in the signature record and in its metadata (Subject and Keywords).
"""

from __future__ import annotations

import datetime as dt
import io
import threading
from collections.abc import Sequence
from pathlib import Path
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image as PILImage
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from daigang.contracts.models import Contract, Signature

FONT_NAME = "WQYMicroHei"
FONT_PATH = Path(__file__).resolve().parent / "fonts" / "wqy-microhei.ttc"
VERIFY_PATH = "/contracts/verify/"
_SIGNATURE_BOX = (50 * mm, 20 * mm)
# reportlab keeps a registered TrueType font's subset tables on the one shared TTFont object,
# so two documents built at once (two contracts completing together in two request threads)
# corrupt each other's subsets: KeyError/IndexError deep in ttfonts. A render takes tens of
# milliseconds and contracts complete rarely, so one render at a time per process is enough.
_render_lock = threading.Lock()
# The same lock for every PDF set in this font (course certificates too: daigang.courses.pdf).
RENDER_LOCK = _render_lock


def font_register() -> str:
    """Register the CJK font with reportlab once per process; return its name."""
    if FONT_NAME not in pdfmetrics.getRegisteredFontNames():
        with _render_lock:
            if FONT_NAME not in pdfmetrics.getRegisteredFontNames():
                # Face 0 of the collection is "WenQuanYi Micro Hei" (1 is the Mono face).
                pdfmetrics.registerFont(TTFont(FONT_NAME, str(FONT_PATH), subfontIndex=0))
    return FONT_NAME


def _styles() -> dict[str, ParagraphStyle]:
    font = font_register()
    # wordWrap="CJK" breaks lines between any two characters, as Chinese is set.
    base = ParagraphStyle("body", fontName=font, fontSize=10.5, leading=17, wordWrap="CJK")
    return {
        "title": ParagraphStyle(
            "title", parent=base, fontSize=18, leading=26, alignment=TA_CENTER, spaceAfter=4
        ),
        "meta": ParagraphStyle(
            "meta",
            parent=base,
            fontSize=9,
            leading=13,
            alignment=TA_CENTER,
            textColor=colors.HexColor("#555555"),
        ),
        "body": base,
        "heading": ParagraphStyle(
            "heading", parent=base, fontSize=13, leading=20, spaceBefore=10, spaceAfter=4
        ),
        "cell": ParagraphStyle("cell", parent=base, fontSize=9, leading=13),
        "hash": ParagraphStyle("hash", parent=base, fontSize=8.5, leading=12),
    }


def _local(moment: dt.datetime) -> str:
    local = timezone.localtime(moment)
    offset = local.strftime("%z")
    return f"{local:%Y-%m-%d %H:%M:%S} (UTC{offset[:3]}:{offset[3:]})"


def _text(text: str) -> str:
    """Plain text for a Paragraph, which reads a little XML: escape it."""
    return escape(text)


def _signature_cell(signature: Signature, style: ParagraphStyle) -> object:
    if signature.method == Signature.Method.DRAWN and signature.image_png:
        with PILImage.open(io.BytesIO(bytes(signature.image_png))) as image:
            # Flatten onto white: the canvas drawing is transparent around the ink.
            rgba = image.convert("RGBA")
            flat = PILImage.new("RGB", rgba.size, "white")
            flat.paste(rgba, mask=rgba.getchannel("A"))
            width, height = flat.size
            buffer = io.BytesIO()
            flat.save(buffer, format="PNG")
        buffer.seek(0)
        box_w, box_h = _SIGNATURE_BOX
        scale = min(box_w / width, box_h / height)
        return Image(buffer, width=width * scale, height=height * scale)
    return Paragraph(_text(_("（点击确认签署，无手写图像）")), style)


def _signature_table(
    contract: Contract, signatures: Sequence[Signature], styles: dict[str, ParagraphStyle]
) -> Table:
    cell = styles["cell"]
    rows: list[list[object]] = []
    for signature in signatures:
        facts = "<br/>".join(
            _text(line)
            for line in (
                contract.party_label(signature.party),
                _("签署人：%(name)s") % {"name": signature.typed_name},
                _("签署方式：%(method)s") % {"method": signature.get_method_display()},
                _("签署时间：%(at)s") % {"at": _local(signature.signed_at)},
                _("IP 地址：%(ip)s") % {"ip": signature.ip},
                _("签名图像 SHA-256：%(sha)s") % {"sha": signature.image_sha256 or "—"},
            )
        )
        rows.append([Paragraph(facts, cell), _signature_cell(signature, cell)])
    table = Table(rows, colWidths=[110 * mm, 60 * mm])
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), FONT_NAME),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("BOX", (0, 0), (-1, -1), 0.5, colors.HexColor("#999999")),
                ("INNERGRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#cccccc")),
                ("TOPPADDING", (0, 0), (-1, -1), 6),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
            ]
        )
    )
    return table


def contract_pdf_render(
    *, contract: Contract, signatures: Sequence[Signature], content_sha256: str
) -> bytes:
    """The PDF of a signed contract: title, text, signature record and content fingerprint."""
    styles = _styles()
    buffer = io.BytesIO()
    footer = _("合同编号 %(number)s · 内容指纹 SHA-256 %(sha)s") % {
        "number": contract.number,
        "sha": content_sha256,
    }

    def on_page(canvas: Canvas, doc: SimpleDocTemplate) -> None:
        canvas.saveState()
        canvas.setFont(FONT_NAME, 7.5)
        canvas.setFillColor(colors.HexColor("#666666"))
        canvas.drawString(18 * mm, 10 * mm, footer)
        canvas.drawRightString(
            A4[0] - 18 * mm, A4[1] - 10 * mm, _("第 %(page)d 页") % {"page": doc.page}
        )
        canvas.restoreState()

    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=f"{contract.title} {contract.number}",
        author=contract.organisation_name,
        subject=f"daigang contract content SHA-256: {content_sha256}",
        keywords=f"sha256:{content_sha256} {contract.number}",
        creator="daigang 直播带岗",
        lang="zh-CN",
        initialFontName=font_register(),
    )
    story: list[object] = [
        Paragraph(_text(contract.title), styles["title"]),
        Paragraph(_text(_("合同编号：%(number)s") % {"number": contract.number}), styles["meta"]),
        Spacer(1, 6 * mm),
    ]
    for line in contract.body.splitlines():
        if line.strip():
            story.append(Paragraph(_text(line), styles["body"]))
        else:
            story.append(Spacer(1, 3 * mm))
    story += [
        Paragraph(_text(_("签署记录")), styles["heading"]),
        _signature_table(contract, signatures, styles),
        Paragraph(_text(_("文档指纹")), styles["heading"]),
        Paragraph(
            _text(_("内容指纹（SHA-256）：%(sha)s") % {"sha": content_sha256}), styles["hash"]
        ),
        Paragraph(
            _text(
                _(
                    "内容指纹是合同正文、双方信息和以上签署记录（签署人、方式、时间、IP、"
                    "签名图像的 SHA-256）按规范 JSON 排列后计算的 SHA-256，"
                    "由平台在双方签署完成时（%(at)s）生成。"
                )
                % {"at": _local(contract.signed_at or timezone.now())}
            ),
            styles["hash"],
        ),
        Paragraph(
            _text(
                _(
                    "核验本文件：在直播带岗平台的“合同核验”页面（%(path)s）上传本PDF文件。"
                    "平台保存了签署完成时生成的PDF文件的 SHA-256，文件的任何一个字节被改动，"
                    "核验都会失败。"
                )
                % {"path": VERIFY_PATH}
            ),
            styles["hash"],
        ),
    ]
    with _render_lock:
        doc.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return buffer.getvalue()
