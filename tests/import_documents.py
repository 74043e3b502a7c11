"""Builders of test documents for the plan importer: DOCX and PDF from plan text, bad files.

Plan text conventions understood by `docx_from_text` and `pdf_from_text`:
- "A. Title", "1. Title" and short lines without a full stop become headings;
- "•", "-", "–" lines are bullet items ("  - " indented: level 1);
- "a) ..." lines are a lettered list (real Word numbering in DOCX, <ol> in PDF);
- consecutive lines with tabs form a table, the first row its header;
- "**line**" is a bold paragraph, "*line*" an italic one;
- "[text](https://...)" is a hyperlink;
- an empty line ends a paragraph.
"""

from __future__ import annotations

import html
import io
import random
import re
import zipfile

_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
_BULLET = re.compile(r"^(\s*)[•\-–]\s+(.*)$")
_LETTER = re.compile(r"^[a-z]\)\s+(.*)$")
_HEADING = re.compile(r"^(?:[A-ZÆØÅ]|\d{1,2})\.\s+\S")


def _kind(line: str) -> str:
    stripped = line.strip()
    if "\t" in line:
        return "table"
    if _BULLET.match(line):
        return "bullet"
    if _LETTER.match(stripped):
        return "letter"
    if stripped.startswith("**") and stripped.endswith("**"):
        return "bold"
    if stripped.startswith("*") and stripped.endswith("*") and len(stripped) > 2:
        return "italic"
    if _HEADING.match(stripped) and len(stripped) <= 140:
        return "heading2" if stripped[0].isalpha() else "heading1"
    if len(stripped) <= 60 and not stripped.endswith((".", ":", ",", ";", "!", "?")):
        return "heading1"
    return "paragraph"


def _parts(text: str) -> list[tuple[str, object]]:
    """The text as a person would have it in Word: (kind, content) from the text reader.

    Line breaks, margin numbers and page headers of a PDF copy are gone; headings,
    list items and tables are what they are, so the documents built here test the
    DOCX and PDF readers, not the text cleaner a second time.
    """
    from plans.importing.text import LETTERED, read_text

    parts: list[tuple[str, object]] = []
    for block in read_text(text):
        if block.kind == "table":
            parts.append(("table", block.rows))
        elif block.kind == "item":
            if re.fullmatch(r"\(?[a-z]\)", block.marker):
                parts.append(("letter", f"{block.marker.strip('(')} {block.text}"))
            else:
                parts.append(("bullet", f"{'  ' * block.level}- {block.text}"))
        elif block.kind == "heading" and block.marker == "**":
            parts.append(("bold", f"**{block.text}**"))
        elif block.kind == "heading" and block.marker == "*":
            parts.append(("italic", f"*{block.text}*"))
        elif block.kind == "heading":
            match = LETTERED.match(block.text)
            lettered = match and match["code"].isalpha()
            parts.append(("heading2" if lettered else "heading1", block.text))
        else:
            parts.append(("paragraph", block.text))
    return parts


# --- DOCX -------------------------------------------------------------------------


def _add_runs(paragraph, text: str, bold: bool = False, italic: bool = False) -> None:
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    position = 0
    for match in _LINK.finditer(text):
        if match.start() > position:
            run = paragraph.add_run(text[position : match.start()])
            run.bold, run.italic = bold or None, italic or None
        r_id = paragraph.part.relate_to(match[2], RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
        link = OxmlElement("w:hyperlink")
        link.set(qn("r:id"), r_id)
        run = OxmlElement("w:r")
        props = OxmlElement("w:rPr")
        style = OxmlElement("w:rStyle")
        style.set(qn("w:val"), "Hyperlink")
        props.append(style)
        run.append(props)
        t = OxmlElement("w:t")
        t.text = match[1]
        t.set(qn("xml:space"), "preserve")
        run.append(t)
        link.append(run)
        paragraph._p.append(link)
        position = match.end()
    if position < len(text):
        run = paragraph.add_run(text[position:])
        run.bold, run.italic = bold or None, italic or None


def _letter_numbering(document) -> str:
    """A numbering definition "a)", "b)" … in the document; returns its numId."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import qn

    numbering = document.part.numbering_part.element
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    abstract = parse_xml(
        f'<w:abstractNum {w} w:abstractNumId="90"><w:multiLevelType w:val="hybridMultilevel"/>'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/>'
        '<w:lvlText w:val="%1)"/><w:lvlJc w:val="left"/>'
        '<w:pPr><w:ind w:left="720" w:hanging="360"/></w:pPr></w:lvl>'
        '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/>'
        '<w:lvlText w:val="%1.%2"/><w:lvlJc w:val="left"/></w:lvl></w:abstractNum>'
    )
    if not numbering.xpath('./w:abstractNum[@w:abstractNumId="90"]'):
        first_num = numbering.find(qn("w:num"))
        if first_num is not None:
            first_num.addprevious(abstract)  # abstractNum elements come first
        else:
            numbering.append(abstract)
    num_id = str(90 + len(numbering.xpath('./w:num[w:abstractNumId/@w:val="90"]')))
    num = parse_xml(f'<w:num {w} w:numId="{num_id}"><w:abstractNumId w:val="90"/></w:num>')
    numbering.append(num)
    return num_id


def _number(paragraph, num_id: str, level: int = 0) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    ppr = paragraph._p.get_or_add_pPr()
    num_pr = OxmlElement("w:numPr")
    ilvl = OxmlElement("w:ilvl")
    ilvl.set(qn("w:val"), str(level))
    num = OxmlElement("w:numId")
    num.set(qn("w:val"), num_id)
    num_pr.append(ilvl)
    num_pr.append(num)
    ppr.append(num_pr)


def docx_from_text(text: str) -> bytes:
    """A Word document of the plan text, with real heading and list styles and tables."""
    import docx

    document = docx.Document()
    letters = None
    previous = ""
    for kind, content in _parts(text):
        if kind == "table":
            rows = content
            width = max(len(row) for row in rows)
            table = document.add_table(rows=len(rows), cols=width)
            table.style = "Table Grid"
            for r, row in enumerate(rows):
                for k, cell in enumerate(row):
                    table.cell(r, k).text = cell
                    if r == 0:
                        for run in table.cell(r, k).paragraphs[0].runs:
                            run.bold = True
        elif kind == "bullet":
            match = _BULLET.match(content)
            style = "List Bullet 2" if match[1] else "List Bullet"
            _add_runs(document.add_paragraph(style=style), match[2])
        elif kind == "letter":
            if letters is None or previous != "letter":
                letters = _letter_numbering(document)
            paragraph = document.add_paragraph(style="List Paragraph")
            _number(paragraph, letters)
            _add_runs(paragraph, _LETTER.match(content.strip())[1])
        elif kind in ("heading1", "heading2"):
            document.add_heading(content.strip(), level=1 if kind == "heading1" else 2)
        elif kind == "bold":
            _add_runs(document.add_paragraph(), content.strip()[2:-2], bold=True)
        elif kind == "italic":
            _add_runs(document.add_paragraph(), content.strip()[1:-1], italic=True)
        else:
            _add_runs(document.add_paragraph(), content)
        previous = kind
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def docx_zip_bomb(megabytes: int = 200) -> bytes:
    """A zip with word/document.xml that unpacks to `megabytes` MB of zeros."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
            'package/2006/content-types"/>',
        )
        chunk = b"0" * (1024 * 1024)
        with archive.open("word/document.xml", "w", force_zip64=True) as entry:
            for _ in range(megabytes):
                entry.write(chunk)
    return out.getvalue()


def docx_dense(megabytes: int = 20) -> bytes:
    """Under the size limit but packed far too tightly (a ratio of about 1000)."""
    return docx_zip_bomb(megabytes)


def corrupt_docx() -> bytes:
    """A real Word document cut in half."""
    data = docx_from_text("Handlingsplan\n\nEt avsnitt med litt tekst i.\n")
    return data[: len(data) // 2]


def zip_without_word() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("notes.txt", "Ikke et Word-dokument.")
    return out.getvalue()


def docx_with_broken_xml() -> bytes:
    """A zip that looks like a Word document but whose document.xml is not XML."""
    source = zipfile.ZipFile(io.BytesIO(docx_from_text("Handlingsplan\n\nTekst.\n")))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "word/document.xml":
                data = data[: len(data) // 2]
            archive.writestr(info, data)
    return out.getvalue()


# --- PDF --------------------------------------------------------------------------

PDF_CSS = """
@page {
  size: A4; margin: 2.2cm 2cm;
  @top-right { content: "Handlingsplan 2026"; font-size: 8pt; }
  @bottom-center { content: counter(page); font-size: 9pt; }
}
body { font-family: "DejaVu Sans", sans-serif; font-size: 10.5pt; line-height: 1.35; }
h1 { font-size: 15pt; margin: 1.2em 0 .4em; }
h2 { font-size: 12pt; margin: 1em 0 .3em; }
p { margin: 0 0 .7em; }
ul, ol { margin: 0 0 .7em; }
ol.letters { list-style-type: lower-alpha; }
table { border-collapse: collapse; width: 100%; margin: .6em 0 1em; }
th, td { border: 1px solid #000; padding: 3px 5px; vertical-align: top; text-align: left;
  overflow-wrap: anywhere; }
th { font-weight: bold; }
td.narrow, th.narrow { width: 12%; }
"""


def _inline(text: str) -> str:
    out = html.escape(text)
    return _LINK.sub(lambda m: f'<a href="{m[2]}">{m[1]}</a>', out)


def html_from_text(text: str) -> str:
    body: list[str] = []
    open_list = ""
    for kind, content in _parts(text):
        wanted = {"bullet": "ul", "letter": "ol"}.get(kind, "")
        if open_list and open_list != wanted:
            body.append(f"</{open_list}>")
            open_list = ""
        if wanted and not open_list:
            body.append('<ol class="letters">' if wanted == "ol" else "<ul>")
            open_list = wanted
        if kind == "table":
            rows = content
            head = "".join(f"<th>{_inline(cell)}</th>" for cell in rows[0])
            cells = "".join(
                "<tr>" + "".join(f"<td>{_inline(cell)}</td>" for cell in row) + "</tr>"
                for row in rows[1:]
            )
            body.append(f"<table><thead><tr>{head}</tr></thead><tbody>{cells}</tbody></table>")
        elif kind == "bullet":
            body.append(f"<li>{_inline(_BULLET.match(content)[2])}</li>")
        elif kind == "letter":
            body.append(f"<li>{_inline(_LETTER.match(content.strip())[1])}</li>")
        elif kind in ("heading1", "heading2"):
            tag = "h1" if kind == "heading1" else "h2"
            body.append(f"<{tag}>{_inline(content.strip())}</{tag}>")
        elif kind == "bold":
            body.append(f"<p><b>{_inline(content.strip()[2:-2])}</b></p>")
        elif kind == "italic":
            body.append(f"<p><i>{_inline(content.strip()[1:-1])}</i></p>")
        else:
            body.append(f"<p>{_inline(content)}</p>")
    if open_list:
        body.append(f"</{open_list}>")
    return (
        '<!doctype html><html lang="nb"><head><meta charset="utf-8">'
        f"<style>{PDF_CSS}</style></head><body>{''.join(body)}</body></html>"
    )


def pdf_from_html(markup: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=markup).write_pdf()


def pdf_from_text(text: str) -> bytes:
    """A PDF of the plan text with a running header and page numbers in the footer."""
    return pdf_from_html(html_from_text(text))


def encrypted_pdf(password: str = "hemmelig") -> bytes:
    """A PDF that needs a password to open."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(pdf_from_text("Handlingsplan\n\nHemmelig tekst.\n"))))
    writer.encrypt(user_password=password, owner_password=password, algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def scanned_pdf() -> bytes:
    """A PDF with a picture of text and no text layer, like a scan."""
    import base64
    import struct
    import zlib

    width, height = 200, 80
    raw = b"".join(
        b"\x00" + bytes((x * 7 + y * 3) % 256 for x in range(width)) for y in range(height)
    )

    def chunk(kind: bytes, payload: bytes) -> bytes:
        crc = zlib.crc32(kind + payload) & 0xFFFFFFFF
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)

    png = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )
    uri = "data:image/png;base64," + base64.b64encode(png).decode()
    return pdf_from_html(
        f'<!doctype html><html><body><img src="{uri}" style="width:15cm">'
        f'<img src="{uri}" style="width:15cm"></body></html>'
    )


# --- a long plan for the benchmark --------------------------------------------------

_GOALS = [
    "Å bygge et parti med aktive medlemmer som utløser bevegelse",
    "Å bygge et parti som fortsetter å vokse og kan håndtere vekst",
    "Å bygge et parti med skolerte medlemmer og trygge tillitsvalgte",
    "Å bygge et parti som gjenspeiler mangfoldet i arbeiderklassen",
    "Å styrke det faglige arbeidet i hele organisasjonen",
    "Å vinne valg og få gjennomslag for politikken vår",
    "Å bli synlige i lokalmiljøet og på arbeidsplassene",
    "Å sikre god økonomi og gode rutiner i alle ledd",
]
_SECTIONS = [
    "Politiske prioriteringer",
    "Organisasjonsbygging",
    "Skolering",
    "Valgkamp og mobilisering",
    "Faglig arbeid",
    "Kvinnepolitikk og mangfold",
    "Kommunikasjon",
    "Økonomi og drift",
]
_WHO = ["lokallagene", "fylkeslaget", "fylkesstyret", "distriktslagene", "sentralt", "alle lag"]
_VERBS = [
    "jobbe aktivt for å",
    "legge til rette for å",
    "sikre at vi klarer å",
    "prioritere å",
    "gjennomføre tiltak for å",
]
_THINGS = [
    "rekruttere flere medlemmer på arbeidsplassene",
    "arrangere medlemsmøter med politisk innhold minst fire ganger i året",
    "skolere nye tillitsvalgte i lagsarbeid og økonomi",
    "kontakte alle nye medlemmer innen fire uker",
    "styrke samarbeidet med fagbevegelsen og folkelige bevegelser",
    "utvikle fylkespolitikk i nært samarbeid med de folkevalgte",
    "bygge et landsomfattende kvinnenettverk og bedre feministisk praksis",
    "ha stands og utdeling av avisa i valgkampen",
    "følge opp kjønnsbalansen i styrer og utvalg",
    "gjøre partiet kjent i nye deler av fylket",
]
_MEASURES = [
    "Medlemsmøte om budsjett",
    "Valgkampforberedelser",
    "Skoleringshelg for nye tillitsvalgte",
    "Kontakt med nye medlemmer",
    "Stand på torget",
    "Årsmøte i fylkeslaget",
    "Kvinnepolitisk verksted",
]
_RESPONSIBLE = ["Fylkesstyret", "Lokallagsleder", "Organisatorisk nestleder", "Skoleringsansvarlig"]
_MONTHS = ["Januar", "Februar", "Mars", "April", "Mai", "Juni", "September", "Oktober"]


def generated_plan_text(pages: int, seed: int = 2026) -> str:
    """A long, realistic Norwegian action plan of about `pages` A4 pages."""
    rng = random.Random(seed)
    out = [
        "Handlingsplan for Rødt Benkeby 2026–2027",
        "",
        "Handlingsplanen er fylkeslagets styringsdokument. Den angir de viktigste "
        "arbeidsområdene og prioriteringene for den neste perioden, og skal gi retning "
        "til hele organisasjonen.",
        "",
    ]
    target = pages * 2600  # characters of running text per page, tables and lists included
    section = 0
    while sum(len(line) for line in out) < target:
        out += [f"{section + 1}. {_SECTIONS[section % len(_SECTIONS)]}", ""]
        out.append(
            " ".join(
                f"I perioden skal {rng.choice(_WHO)} {rng.choice(_VERBS)} {rng.choice(_THINGS)}."
                for _ in range(rng.randint(3, 6))
            )
        )
        out.append("")
        for goal in range(rng.randint(2, 4)):
            letter = "ABCDEFGH"[goal]
            out += [f"{letter}. {rng.choice(_GOALS)}", "", "For å komme nærmere målet skal:"]
            for _ in range(rng.randint(4, 8)):
                out.append(f"• {rng.choice(_WHO)} {rng.choice(_VERBS)} {rng.choice(_THINGS)}.")
            out.append("")
        out.append("Tiltak\tAnsvarlig\tFrist")
        for _ in range(rng.randint(4, 8)):
            out.append(
                f"{rng.choice(_MEASURES)}\t{rng.choice(_RESPONSIBLE)}\t"
                f"{rng.choice(_MONTHS)} {rng.choice([2026, 2027])}"
            )
        out.append("")
        section += 1
    return "\n".join(out) + "\n"
