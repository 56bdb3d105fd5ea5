"""The escalation request as a PDF a studio contact can file (fpdf2).

The fonts travel with the code (fonts/, each with its licence): DejaVu Sans for Latin, Greek,
Cyrillic, Hebrew, Arabic and more; Droid Sans Fallback for Chinese and Japanese; NanumSquare
for Korean. fpdf2 embeds only the glyphs used, and shapes text with HarfBuzz (joined Arabic,
right-to-left runs). A fallback font is added to a document only when its text needs it, since
reading the large CJK font takes most of a PDF's time. Characters no font has are listed on
the page, so nothing typed goes missing unnoticed. Text goes through cell and multi_cell with
markup off: nothing typed is read as Markdown, HTML or a page-number alias.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from fpdf import FPDF, FontFace, TextStyle
from fpdf.enums import XPos, YPos
from fpdf.prefs import ViewerPreferences

from greenlight.present.request.model import EscalationRequest, Fact

FONTS = Path(__file__).parent / "fonts"
MAIN = "DejaVu"
# (family, file): tried in this order for a character the main font does not have.
FALLBACKS = (("DroidFallback", "DroidSansFallbackFull.ttf"), ("Nanum", "NanumSquareR.ttf"))
LINE = 5.0  # mm per line of body text
LABEL_WIDTH = 42.0  # mm, the label column of the fact tables
LABEL = FontFace(emphasis="BOLD")


@cache
def _cmap(file: str) -> frozenset[int]:
    """The code points a font file has glyphs for (read once per process)."""
    from fontTools.ttLib import TTFont

    with TTFont(FONTS / file, lazy=True) as font:
        return frozenset(font.getBestCmap())


def _text_of(request: EscalationRequest) -> str:
    parts = [request.document_title, request.level, request.meaning, request.asks]
    parts += [request.open_note, request.kind_warning, request.stored_note, request.source]
    parts += [f"{f.label} {f.value}" for f in (*request.header, *request.use, *request.records)]
    parts += [f"{r.level} {r.text} {r.section}" for r in (*request.reasons, *request.notes)]
    parts += list(request.steps)
    parts += [f"{g.title} {a.line}" for g in request.groups or () for a in g.answers]
    parts += [f"{r.question} {r.reading}" for r in request.readings]
    return "\n".join(parts)


def uncovered(text: str) -> list[str]:
    """The characters of text that none of the document's fonts can show, once each."""
    fonts = [_cmap("DejaVuSans.ttf"), *(_cmap(file) for _, file in FALLBACKS)]
    seen: dict[str, None] = {}
    for char in text:
        if char.isprintable() and char != "\ufffd" and not any(ord(char) in f for f in fonts):
            seen[char] = None
    return list(seen)


class _Document(FPDF):
    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(MAIN, size=8)
        self.set_text_color(90)
        # The page number without the {nb} alias: a title holding "{nb}" must stay as typed.
        self.cell(0, 5, f"Greenlight escalation request, page {self.page_no()}", align="C")


def request_pdf(request: EscalationRequest) -> bytes:
    """The request as a PDF: title, language and author set, headings in the outline."""
    text = _text_of(request)
    pdf = _Document(format="A4")
    pdf.alias_nb_pages(None)
    pdf.set_margins(18, 16, 18)
    pdf.set_auto_page_break(True, margin=18)
    pdf.add_font(MAIN, "", FONTS / "DejaVuSans.ttf")
    pdf.add_font(MAIN, "B", FONTS / "DejaVuSans-Bold.ttf")
    needed = [
        family
        for family, file in FALLBACKS
        if any(ord(c) in _cmap(file) and ord(c) not in _cmap("DejaVuSans.ttf") for c in text)
    ]
    for family, file in FALLBACKS:
        if family in needed:
            pdf.add_font(family, "", FONTS / file)
    if needed:
        pdf.set_fallback_fonts(needed, exact_match=False)
    pdf.set_text_shaping(True)
    pdf.set_title(request.document_title)
    pdf.set_lang(request.language)
    pdf.set_author(_fact(request.header, "Prepared by"))
    pdf.set_subject(f"{request.level}: a request for the studio's decision")
    pdf.set_creator("Greenlight")
    pdf.viewer_preferences = ViewerPreferences(display_doc_title=True)
    # Headings go to the outline (bookmarks) and to the structure tree as H1 and H2 (_heading).
    pdf.set_section_title_styles(
        TextStyle(font_family=MAIN, font_style="B", font_size_pt=17, b_margin=3),
        TextStyle(font_family=MAIN, font_style="B", font_size_pt=12, t_margin=5, b_margin=2),
    )
    pdf.add_page()
    pdf.set_font(MAIN, size=10)
    _body(pdf, request, uncovered(text))
    return bytes(pdf.output())


def _fact(facts: tuple[Fact, ...], label: str) -> str:
    return next((fact.value for fact in facts if fact.label == label), "")


def _body(pdf: FPDF, request: EscalationRequest, missing: list[str]) -> None:
    _heading(pdf, "Escalation request", level=0)
    _paragraph(pdf, "The production asks the studio to decide on an intended use of generative AI.")
    _facts(pdf, request.header)
    if request.link:
        pdf.set_font(MAIN, size=10)
        pdf.write(LINE, "Open the use in Greenlight: ")
        pdf.set_text_color(20, 60, 160)
        pdf.write(LINE, request.link, link=request.link)
        pdf.set_text_color(0)
        pdf.ln(LINE + 1)
    if missing:
        _paragraph(
            pdf,
            "This PDF has no font for some characters of the text, shown as empty boxes: "
            + " ".join(f"U+{ord(c):04X}" for c in missing)
            + ". The text version of this request has them as typed.",
        )
    _section(pdf, f"Outcome: {request.level}")
    _paragraph(pdf, request.meaning)
    if request.stored_note:
        _paragraph(pdf, request.stored_note)
    _section(pdf, "What the studio is asked to decide")
    _paragraph(pdf, request.asks)
    if request.open_note:
        _paragraph(pdf, request.open_note)
    _section(pdf, "Why")
    if not request.reasons:
        _paragraph(pdf, "No rule of the guidance raised this use above the lowest level.")
    for reason in request.reasons:
        _bullet(pdf, f"{reason.level}: {reason.text} (guidance section: {reason.section})")
    if request.notes:
        _section(pdf, "Notes (these raise nothing)")
        for reason in request.notes:
            _bullet(pdf, f"{reason.level}: {reason.text} (guidance section: {reason.section})")
    if request.use or request.kind_warning:
        _section(pdf, "The use")
        _facts(pdf, request.use)
        if request.kind_warning:
            _paragraph(pdf, request.kind_warning)
    if request.records:
        _section(pdf, "What the studio's records answered")
        for record in request.records:
            _bullet(pdf, f"{record.label}: {record.value}")
    if request.steps:
        _section(pdf, "What the guidance asks of the production")
        for step in request.steps:
            _bullet(pdf, step)
    _section(pdf, "Questions that apply to this use")
    if request.groups is None:
        _paragraph(pdf, "The guidance in use now cannot read this use's answers.")
    for group in request.groups or ():
        pdf.set_font(MAIN, "B", 10)
        pdf.multi_cell(0, LINE, group.title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_font(MAIN, size=10)
        with pdf.table(
            col_widths=(5, 2),
            first_row_as_headings=False,
            borders_layout="HORIZONTAL_LINES",
            text_align="LEFT",
            v_align="TOP",
            line_height=LINE,
            padding=1,
        ) as table:
            for item in group.answers:
                row = table.row()
                row.cell(item.question)
                row.cell(item.shown_answer)
        pdf.ln(2)
    if request.readings:
        _section(pdf, "Where the guidance is unclear, and how it was read")
        for reading in request.readings:
            _bullet(pdf, reading.question)
            _paragraph(pdf, f"Read as: {reading.reading}", indent=5)
    pdf.ln(3)
    pdf.set_font(MAIN, size=8)
    pdf.set_text_color(90)
    pdf.multi_cell(0, 4, request.source, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(0)


def _section(pdf: FPDF, title: str) -> None:
    _heading(pdf, title, level=1)


def _heading(pdf: FPDF, title: str, level: int) -> None:
    """A heading in the outline, tagged /H1 or /H2 in the structure tree.

    fpdf2 (2.8) tags the structure element of every section title /Figure and offers no
    argument for its type, so the element it has just added is retyped here, through its
    public structure tree; if fpdf2 ever adds none, or several, the document is not made."""
    kids = pdf.struct_builder.doc_struct_elem.k
    before = len(kids)
    pdf.start_section(title, level=level)
    added = list(kids)[before:]
    if len(added) != 1 or added[0].s != "/Figure":
        raise RuntimeError(
            f"fpdf2 added {len(added)} structure elements for a section title, not one "
            "/Figure: the PDF's headings cannot be tagged (see greenlight/present/request/pdf.py)"
        )
    added[0].s = f"/H{level + 1}"


def _paragraph(pdf: FPDF, text: str, indent: float = 0) -> None:
    pdf.set_font(MAIN, size=10)
    pdf.set_x(pdf.l_margin + indent)
    pdf.multi_cell(pdf.epw - indent, LINE, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(1.5)


def _bullet(pdf: FPDF, text: str) -> None:
    pdf.set_font(MAIN, size=10)
    pdf.cell(5, LINE, "\u2022")
    pdf.multi_cell(pdf.epw - 5, LINE, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(1)


def _facts(pdf: FPDF, facts: tuple[Fact, ...]) -> None:
    """Label and value rows; a value keeps its line breaks and wraps in its column."""
    if not facts:
        return
    pdf.set_font(MAIN, size=10)
    with pdf.table(
        col_widths=(LABEL_WIDTH, pdf.epw - LABEL_WIDTH),
        first_row_as_headings=False,
        borders_layout="NONE",
        text_align="LEFT",
        v_align="TOP",
        line_height=LINE,
        padding=(0.6, 1, 0.6, 0),
    ) as table:
        for fact in facts:
            row = table.row()
            row.cell(fact.label, style=LABEL)
            row.cell(fact.value)
    pdf.ln(2)
