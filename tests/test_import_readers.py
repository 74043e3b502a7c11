"""The DOCX and PDF readers of the plan importer, and the files they refuse."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.utils import translation

from plans.importing.blocks import Block, ReadError
from plans.importing.readers import MAX_UPLOAD_BYTES, pdf_lines, read_document
from tests.import_documents import (
    corrupt_docx,
    docx_dense,
    docx_from_text,
    docx_with_broken_xml,
    docx_zip_bomb,
    encrypted_pdf,
    generated_plan_text,
    html_from_text,
    pdf_from_html,
    pdf_from_text,
    scanned_pdf,
    zip_without_word,
)

PLAN = """Handlingsplan for Rødt Akershus 2026

Handlingsplanen er Rødt Akershus sitt styringsdokument. Les mer på \
[rodt.no](https://rodt.no/akershus) om arbeidet.

A. Å bygge et parti med aktive medlemmer som utløser bevegelse.

For å komme nærmere målet skal fylkeslaget:
• Sikre at medlemmer uten lag skal få medlemstilbud.
• Jobbe med å utvikle fylkespolitikk.
  - Med egne møter om fylkesbudsjettet.

Tiltak\tAnsvarlig\tFrist
Skoleringshelg\tFylkesstyret\tMars 2026
Valgkamp\tLokallagene\tSeptember 2027

**Rekruttering**

*Skolering*

B. Å bygge et parti som fortsetter å vokse.

a) Kontakte alle nye medlemmer.
b) Invitere dem på aktiviteter.
"""


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def summary(blocks: list[Block]) -> list[tuple]:
    return [
        (b.kind, b.rows if b.kind == "table" else b.text, b.level, b.marker, b.emphasis)
        for b in blocks
    ]


# --- DOCX -------------------------------------------------------------------------


def test_docx_blocks_come_in_document_order():
    blocks = read_document(docx_from_text(PLAN), "plan.docx")
    assert summary(blocks) == [
        ("heading", "Handlingsplan for Rødt Akershus 2026", 1, "", False),
        (
            "paragraph",
            "Handlingsplanen er Rødt Akershus sitt styringsdokument. "
            "Les mer på rodt.no om arbeidet.",
            0,
            "",
            False,
        ),
        (
            "heading",
            "A. Å bygge et parti med aktive medlemmer som utløser bevegelse.",
            2,
            "",
            False,
        ),
        ("paragraph", "For å komme nærmere målet skal fylkeslaget:", 0, "", False),
        ("item", "Sikre at medlemmer uten lag skal få medlemstilbud.", 0, "•", False),
        ("item", "Jobbe med å utvikle fylkespolitikk.", 0, "•", False),
        ("item", "Med egne møter om fylkesbudsjettet.", 1, "•", False),
        (
            "table",
            [
                ["Tiltak", "Ansvarlig", "Frist"],
                ["Skoleringshelg", "Fylkesstyret", "Mars 2026"],
                ["Valgkamp", "Lokallagene", "September 2027"],
            ],
            0,
            "",
            False,
        ),
        ("heading", "Rekruttering", 0, "**", True),
        ("heading", "Skolering", 0, "*", True),
        ("heading", "B. Å bygge et parti som fortsetter å vokse.", 2, "", False),
        ("item", "Kontakte alle nye medlemmer.", 0, "a)", False),
        ("item", "Invitere dem på aktiviteter.", 0, "b)", False),
    ]


def _docx(build) -> bytes:
    import docx

    document = docx.Document()
    build(document)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_docx_localised_heading_styles_and_typed_bullets():
    from docx.enum.style import WD_STYLE_TYPE

    def build(document):
        for name in ("Overskrift 1", "Rubrik 2"):
            document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        document.add_paragraph("Organisasjon", style="Overskrift 1")
        document.add_paragraph("Rekruttering", style="Rubrik 2")
        document.add_paragraph("Tittelen", style="Title")
        for line in ("• Første", "- Andre", "– Tredje", "a) Fjerde", "1. Femte", "* Sjette"):
            document.add_paragraph(line)

    blocks = read_document(_docx(build), "plan.docx")
    assert summary(blocks) == [
        ("heading", "Organisasjon", 1, "", False),
        ("heading", "Rekruttering", 2, "", False),
        ("heading", "Tittelen", 1, "", False),
        ("item", "Første", 0, "•", False),
        ("item", "Andre", 0, "-", False),
        ("item", "Tredje", 0, "–", False),
        ("item", "Fjerde", 0, "a)", False),
        ("item", "Femte", 0, "1.", False),
        ("item", "Sjette", 0, "*", False),
    ]


def test_docx_numbered_list_counts_and_restarts_per_level():
    def build(document):
        for text in ("Én", "To"):
            document.add_paragraph(text, style="List Number")
        document.add_paragraph("Punkt", style="List Bullet")

    blocks = read_document(_docx(build), "plan.docx")
    assert [(b.marker, b.text) for b in blocks] == [("1.", "Én"), ("2.", "To"), ("•", "Punkt")]


def test_docx_emphasis_only_when_the_whole_short_paragraph_is_bold_or_italic():
    def build(document):
        paragraph = document.add_paragraph()
        paragraph.add_run("Helt fet ").bold = True
        paragraph.add_run("linje").bold = True
        paragraph = document.add_paragraph()
        paragraph.add_run("Delvis ").bold = True
        paragraph.add_run("fet")
        document.add_paragraph().add_run("Kursiv").italic = True
        document.add_paragraph().add_run("Lang fet tekst. " * 20).bold = True

    blocks = read_document(_docx(build), "plan.docx")
    assert [(b.text[:16], b.emphasis) for b in blocks] == [
        ("Helt fet linje", True),
        ("Delvis fet", False),
        ("Kursiv", True),
        ("Lang fet tekst. ", False),
    ]


def test_docx_hyperlink_text_is_kept():
    blocks = read_document(
        docx_from_text("Se [partiets nettside](https://rodt.no) og [vedtektene](https://x.no).\n"),
        "plan.docx",
    )
    assert [b.text for b in blocks] == ["Se partiets nettside og vedtektene."]


def test_docx_merged_cells_are_not_duplicated():
    def build(document):
        table = document.add_table(rows=3, cols=3)
        table.cell(0, 0).text = "Tiltak"
        table.cell(0, 1).text = "Ansvarlig og frist"
        table.cell(0, 1).merge(table.cell(0, 2))
        table.cell(1, 0).text = "Valgkamp"
        table.cell(1, 0).merge(table.cell(2, 0))
        table.cell(1, 1).text = "Styret"
        table.cell(1, 2).text = "Mai"
        table.cell(2, 1).text = "Lagene"
        table.cell(2, 2).text = "Juni"

    [table] = read_document(_docx(build), "plan.docx")
    assert table.rows == [
        ["Tiltak", "Ansvarlig og frist", ""],
        ["Valgkamp", "Styret", "Mai"],
        ["", "Lagene", "Juni"],
    ]


def test_docx_soft_hyphens_and_non_breaking_spaces_are_normalised():
    def build(document):
        document.add_paragraph("Valg\u00adkamp\u00a0i\u202f2027 og  mer.")

    [block] = read_document(_docx(build), "plan.docx")
    assert block.text == "Valgkamp i 2027 og mer."
    assert block.source == "Valg\u00adkamp\u00a0i\u202f2027 og  mer."


def test_content_decides_not_the_extension():
    data = docx_from_text("Handlingsplan\n\nEt avsnitt.\n")
    assert [b.text for b in read_document(data, "plan.pdf")] == ["Handlingsplan", "Et avsnitt."]


# --- PDF --------------------------------------------------------------------------


def test_pdf_text_headings_items_and_table():
    blocks = read_document(pdf_from_text(PLAN), "plan.pdf")
    texts = [b.text for b in blocks if b.kind != "table"]
    assert "Handlingsplan for Rødt Akershus 2026" in texts
    assert "Sikre at medlemmer uten lag skal få medlemstilbud." in texts
    assert "For å komme nærmere målet skal fylkeslaget:" in texts
    [table] = [b for b in blocks if b.kind == "table"]
    assert table.rows == [
        ["Tiltak", "Ansvarlig", "Frist"],
        ["Skoleringshelg", "Fylkesstyret", "Mars 2026"],
        ["Valgkamp", "Lokallagene", "September 2027"],
    ]
    # The table stands where it stood, between the items and the bold line after it.
    kinds = [b.kind for b in blocks]
    assert kinds.index("table") > texts.index("Jobbe med å utvikle fylkespolitikk.")
    rekruttering = next(b for b in blocks if b.text == "Rekruttering")
    assert rekruttering.emphasis
    assert blocks.index(rekruttering) > blocks.index(table)


def test_pdf_lines_mark_bold_and_italic_lines_and_paragraph_gaps():
    lines = pdf_lines(pdf_from_text(PLAN))
    assert "**Rekruttering**" in lines
    assert "*Skolering*" in lines
    start = lines.index("For å komme nærmere målet skal fylkeslaget:")
    assert lines[start + 1 : start + 3] == [
        "",
        "• Sikre at medlemmer uten lag skal få medlemstilbud.",
    ]


def test_pdf_running_header_and_page_numbers_are_dropped():
    data = pdf_from_text(generated_plan_text(4))
    lines = [line for line in pdf_lines(data) if isinstance(line, str)]
    assert not [line for line in lines if line.strip().isdigit()]
    assert "Handlingsplan 2026" not in lines
    blocks = read_document(data, "plan.pdf")
    assert not [b for b in blocks if b.text.strip().isdigit() or b.text == "Handlingsplan 2026"]
    assert blocks[0].text == "Handlingsplan for Rødt Benkeby 2026–2027"


def test_pdf_table_continued_on_the_next_page_is_one_table():
    rows = "\n".join(
        f"Tiltak nummer {n} med en lang tekst som går over flere linjer\tStyret\tMai 2026"
        for n in range(50)
    )
    text = f"Handlingsplan\n\nInnledning.\n\nTiltak\tAnsvarlig\tFrist\n{rows}\n\nEtter tabellen.\n"
    blocks = read_document(pdf_from_text(text), "plan.pdf")
    [table] = [b for b in blocks if b.kind == "table"]
    assert table.rows[0] == ["Tiltak", "Ansvarlig", "Frist"]  # the repeated header once
    assert len(table.rows) == 51
    assert table.rows[50][0] == "Tiltak nummer 49 med en lang tekst som går over flere linjer"
    assert blocks[-1].text == "Etter tabellen."


def test_pdf_row_that_continues_across_a_page_break_is_joined():
    head = "<tr><th>Tiltak</th><th>Ansvarlig</th><th>Frist</th></tr>"
    markup = html_from_text("Handlingsplan\n\nInnledning.\n").replace(
        "</body>",
        f"<table>{head}<tr><td>Stand</td><td>Styret</td><td>Mai</td></tr>"
        "<tr><td>Skoleringshelg for</td><td>Fylkesstyret og</td><td>Mars</td></tr></table>"
        '<table style="break-before: page"><tr><td></td><td>lokallagene</td><td></td></tr>'
        "<tr><td>Valgkamp</td><td>Alle</td><td>September</td></tr></table></body>",
    )
    [table] = [b for b in read_document(pdf_from_html(markup), "plan.pdf") if b.kind == "table"]
    assert table.rows == [
        ["Tiltak", "Ansvarlig", "Frist"],
        ["Stand", "Styret", "Mai"],
        ["Skoleringshelg for", "Fylkesstyret og lokallagene", "Mars"],
        ["Valgkamp", "Alle", "September"],
    ]


def test_pdf_words_split_inside_narrow_table_cells_are_joined():
    markup = html_from_text("Handlingsplan\n\nInnledning.\n").replace(
        "</body>",
        '<table style="width: 9cm"><tr><th>Tiltak</th><th style="width: 1.6cm">Når</th>'
        "<th>Ansvarlig</th></tr><tr><td>Valgkampforberedelser i alle lag i fylket</td>"
        '<td style="width: 1.6cm">September</td><td>Organisasjonssekretæren</td></tr>'
        "</table></body>",
    )
    [table] = [b for b in read_document(pdf_from_html(markup), "plan.pdf") if b.kind == "table"]
    assert table.rows == [
        ["Tiltak", "Når", "Ansvarlig"],
        ["Valgkampforberedelser i alle lag i fylket", "September", "Organisasjonssekretæren"],
    ]


# --- text -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        "Rødt Akershus\n\nVi skal vokse.\n".encode(),
        b"\xef\xbb\xbf" + "Rødt Akershus\n\nVi skal vokse.\n".encode(),
        "Rødt Akershus\r\n\r\nVi skal vokse.\r\n".encode("utf-16"),
        "Rødt Akershus\n\nVi skal vokse.\n".encode("cp1252"),
    ],
    ids=["utf-8", "utf-8-bom", "utf-16", "cp1252"],
)
def test_text_encodings(data):
    assert [b.text for b in read_document(data, "plan.txt")] == ["Rødt Akershus", "Vi skal vokse."]


def test_markdown_by_extension():
    blocks = read_document(b"# Plan\n\n- Et punkt\n", "plan.md")
    assert [(b.kind, b.text) for b in blocks] == [("heading", "Plan"), ("item", "Et punkt")]


# --- bad files --------------------------------------------------------------------

FORMATS = (
    "Upload a Word document (.docx), a PDF, a Markdown file (.md) or a plain text file (.txt)."
)
DAMAGED_DOCX = (
    "The Word document is damaged and cannot be opened. Open it in Word and save it again."
)


def _odt() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")
    return out.getvalue()


BAD_FILES = {
    "empty": (lambda: b"", "plan.docx", "The file is empty."),
    "blank": (lambda: b"  \r\n\n ", "plan.txt", "The file is empty."),
    "too large": (
        lambda: b"a" * (MAX_UPLOAD_BYTES + 1),
        "plan.txt",
        "The file is larger than 10 MB.",
    ),
    "truncated docx": (corrupt_docx, "plan.docx", DAMAGED_DOCX),
    "docx with broken xml": (docx_with_broken_xml, "plan.docx", DAMAGED_DOCX),
    "zip that is no word document": (
        zip_without_word,
        "plan.zip",
        f"The zip file is not a Word document. {FORMATS}",
    ),
    "zip renamed docx": (
        zip_without_word,
        "plan.docx",
        "The file is named .docx but is not a Word document. Open it in Word and save it again.",
    ),
    "zip bomb": (
        lambda: docx_zip_bomb(60),
        "plan.docx",
        "The Word document unpacks to more than 50 MB and is not read.",
    ),
    "packed too tightly": (
        lambda: docx_dense(5),
        "plan.docx",
        "The Word document unpacks to more than 100 times its size, which no real document "
        "does; it is not read.",
    ),
    "encrypted pdf": (
        encrypted_pdf,
        "plan.pdf",
        "The PDF is protected with a password. Save or print it again without the password, "
        "then upload it.",
    ),
    "scanned pdf": (
        scanned_pdf,
        "plan.pdf",
        "The PDF has no text: it may be a scanned image. Export it from Word with text, or run "
        "it through OCR (text recognition) first.",
    ),
    "damaged pdf": (
        lambda: b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 9 0 R >>\nstream\x00\x01",
        "plan.pdf",
        "The PDF is damaged and cannot be read.",
    ),
    "not a pdf": (
        lambda: b"\x00\x01\x02 not a pdf at all",
        "plan.pdf",
        "The file is named .pdf but is not a PDF file.",
    ),
    "binary renamed txt": (
        lambda: bytes(range(256)) * 40,
        "plan.txt",
        f"The file is not a text file: it holds binary data. {FORMATS}",
    ),
    "control characters": (
        lambda: b"Plan\x01\x02\x03\x04\x05\x06 og mer tekst" * 20,
        "plan.txt",
        f"The file is not a text file: it holds binary data. {FORMATS}",
    ),
    "old doc": (
        lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600,
        "plan.doc",
        "Old Word documents (.doc) and other old Office files cannot be read. Open the file in "
        "Word and save it as .docx, or save it as PDF.",
    ),
    "image": (
        lambda: b"\x89PNG\r\n\x1a\n" + b"\x00" * 100,
        "plan.txt",
        f"The file is an image, not a document with text. {FORMATS}",
    ),
    "odt": (
        _odt,
        "plan.odt",
        "OpenDocument files (.odt) cannot be read. Save the file as .docx or PDF.",
    ),
    "rtf": (
        lambda: b"{\\rtf1\\ansi Handlingsplan}",
        "plan.rtf",
        f"RTF files cannot be read. Save the file as .docx or PDF. {FORMATS}",
    ),
    "docx without text": (
        lambda: _docx(lambda document: document.add_paragraph("   ")),
        "plan.docx",
        "No text was found in the file.",
    ),
}


@pytest.mark.parametrize("name", list(BAD_FILES))
def test_bad_files_are_refused_with_a_message(name):
    build, filename, message = BAD_FILES[name]
    with pytest.raises(ReadError) as refused:
        read_document(build(), filename)
    assert str(refused.value) == message


def test_pdf_over_the_page_limit(monkeypatch):
    from plans.importing import pdf

    monkeypatch.setattr(pdf, "MAX_PDF_PAGES", 2)
    with pytest.raises(ReadError, match="The PDF has more than 2 pages."):
        read_document(pdf_from_text(generated_plan_text(4)), "plan.pdf")


def test_an_ordinary_docx_is_not_taken_for_a_zip_bomb():
    data = docx_from_text(generated_plan_text(30))
    assert len(read_document(data, "plan.docx")) > 100
