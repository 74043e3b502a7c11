"""PDFs with a text layer into blocks: lines, emphasis, ruled tables, running headers dropped."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .blocks import Block, ReadError
from .readers import PDF_EMPHASIS_MARKS, SHORT_LINE, clean, typed_item

MAX_PDF_PAGES = 500

# Pages are parsed with pypdfium2 (PDFium, the engine of Chromium): about 10 ms a
# page, where pdfminer (under pdfplumber) takes 100 ms. Ruled tables are found by
# pdfplumber's table algorithm run on the lines PDFium reports.


def read_pdf(data: bytes) -> list[Block]:
    """Blocks of a PDF: its page lines cleaned by blocks_from_lines, tables between them."""
    from plans.importing.text import blocks_from_lines

    blocks: list[Block] = []
    lines: list[str] = []
    for entry in pdf_lines(data):
        if isinstance(entry, Block):
            if lines:
                blocks.extend(blocks_from_lines(lines))
                lines = []
            blocks.append(entry)
        else:
            lines.append(entry)
    if lines:
        blocks.extend(blocks_from_lines(lines))
    return blocks


def _password_message() -> str:
    return _(
        "The PDF is protected with a password. Save or print it again without the "
        "password, then upload it."
    )


def pdf_lines(data: bytes) -> list[str | Block]:
    """The text lines of a PDF in reading order, with its tables as Blocks between them.

    Running headers and footers and bare page numbers are dropped; an empty string
    marks a paragraph gap on a page; a whole-bold short line comes as "**line**", a
    whole-italic one as "*line*"; a table continued on the next page is one table.
    """
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        if getattr(error, "err_code", None) in (
            pdfium_c.FPDF_ERR_PASSWORD,
            pdfium_c.FPDF_ERR_SECURITY,
        ):
            raise ReadError(_password_message()) from None
        raise ReadError(_("The PDF is damaged and cannot be read.")) from None
    try:
        count = len(pdf)
        if count > MAX_PDF_PAGES:
            raise ReadError(_("The PDF has more than %(limit)s pages.") % {"limit": MAX_PDF_PAGES})
        pages = []
        for index in range(count):
            page = pdf[index]
            try:
                pages.append(_read_page(page))
            finally:
                page.close()
    except pdfium.PdfiumError:
        raise ReadError(_("The PDF is damaged and cannot be read.")) from None
    finally:
        pdf.close()
    if not any(item.text for page in pages for item in page if isinstance(item, _Line)) and not (
        any(isinstance(item, _Table) for page in pages for item in page)
    ):
        raise ReadError(
            _(
                "The PDF has no text: it may be a scanned image. Export it from Word "
                "with text, or run it through OCR (text recognition) first."
            )
        )
    _drop_running_lines(pages)
    return _join_pages(pages)


@dataclass(slots=True)
class _Char:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    index: int


@dataclass
class _Line:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    height: float  # of the page
    bold: bool = False
    italic: bool = False


@dataclass
class _Table:
    rows: list[list[str]]
    top: float
    bottom: float
    height: float


def _read_page(page) -> list[_Line | _Table]:
    import ctypes

    import pypdfium2.raw as pdfium_c

    width, height = page.get_size()
    textpage = page.get_textpage()
    try:
        raw = textpage.raw
        chars: list[_Char] = []
        rect = pdfium_c.FS_RECTF()
        rect_ref = ctypes.byref(rect)
        is_generated = pdfium_c.FPDFText_IsGenerated
        unicode_of = pdfium_c.FPDFText_GetUnicode
        loose_box = pdfium_c.FPDFText_GetLooseCharBox
        for index in range(pdfium_c.FPDFText_CountChars(raw)):
            code = unicode_of(raw, index)
            if code in (0, 10, 13, 0xFFFE, 0xFFFF):
                continue
            if code in (32, 9, 0xA0) and is_generated(raw, index) == 1:
                continue
            if not loose_box(raw, index, rect_ref):
                continue
            # The loose box is the font's ascent to descent: about 1.15 times its size.
            top, bottom = height - rect.top, height - rect.bottom
            chars.append(
                _Char(chr(code), rect.left, rect.right, top, bottom, (bottom - top) / 1.15, index)
            )
        tables = _find_tables(page, height)
        items: list[_Line | _Table] = []
        body = chars
        if tables:
            body = []
            in_table: dict[int, list[_Char]] = {}
            boxes = [table.bbox for table in tables]
            for char in chars:
                x, y = (char.x0 + char.x1) / 2, (char.top + char.bottom) / 2
                for number, (x0, top, x1, bottom) in enumerate(boxes):
                    if x0 <= x <= x1 and top <= y <= bottom:
                        in_table.setdefault(number, []).append(char)
                        break
                else:
                    body.append(char)
            for number, table in enumerate(tables):
                rows = _table_rows(table, in_table.get(number, []))
                if rows:
                    items.append(_Table(rows, boxes[number][1], boxes[number][3], height))
        for group in _group_lines(body):
            text = _line_text(group)
            if not text:
                continue
            line = _Line(
                text,
                min(c.x0 for c in group),
                max(c.x1 for c in group),
                min(c.top for c in group),
                max(c.bottom for c in group),
                height,
            )
            if len(text) <= SHORT_LINE:
                line.bold, line.italic = _line_style(raw, group)
            items.append(line)
    finally:
        textpage.close()
    items.sort(key=lambda item: item.top)
    return items


def _group_lines(chars: list[_Char]) -> list[list[_Char]]:
    """Chars in lines, top to bottom, each line left to right (by position, not by
    the order of the content stream, which puts list bullets anywhere)."""
    lines: list[list[_Char]] = []
    centre = 0.0
    tolerance = 0.0
    for char in sorted(chars, key=lambda c: ((c.top + c.bottom) / 2, c.x0)):
        middle = (char.top + char.bottom) / 2
        if lines and abs(middle - centre) <= tolerance:
            lines[-1].append(char)
            continue
        lines.append([char])
        centre = middle
        tolerance = max((char.bottom - char.top) * 0.35, 1.5)
    for line in lines:
        line.sort(key=lambda c: c.x0)
    return lines


def _line_text(chars: list[_Char]) -> str:
    out: list[str] = []
    previous: _Char | None = None
    for char in chars:
        if char.text.isspace():
            out.append(" ")
            previous = None
            continue
        if previous is not None and char.x0 - previous.x1 > max(previous.size, 4) * 0.2:
            out.append(" ")
        out.append(char.text)
        previous = char
    return clean("".join(out))


_BOLD_FONT = re.compile(r"bold|black|heavy|semibold|demi", re.IGNORECASE)
_ITALIC_FONT = re.compile(r"italic|oblique", re.IGNORECASE)


def _line_style(raw, chars: list[_Char]) -> tuple[bool, bool]:
    """Whether every letter of the line is bold, and whether every letter is italic."""
    import ctypes

    import pypdfium2.raw as pdfium_c

    bold = italic = True
    seen = False
    buffer = ctypes.create_string_buffer(128)
    flags = ctypes.c_int()
    for char in chars:
        if not char.text.isalnum():
            continue
        seen = True
        weight = pdfium_c.FPDFText_GetFontWeight(raw, char.index)
        pdfium_c.FPDFText_GetFontInfo(raw, char.index, buffer, 128, ctypes.byref(flags))
        name = buffer.value.decode("latin-1", "replace").split("+")[-1]
        bold = bold and (weight >= 600 or bool(_BOLD_FONT.search(name)))
        italic = italic and (bool(flags.value & 64) or bool(_ITALIC_FONT.search(name)))
        if not bold and not italic:
            break
    return bold and seen, italic and seen


def _find_tables(page, height: float) -> list:
    """Ruled tables of the page: pdfplumber's table algorithm on PDFium's line segments."""
    from pdfplumber.table import (
        Table,
        cells_to_tables,
        edges_to_intersections,
        intersections_to_cells,
        merge_edges,
    )
    from pdfplumber.utils import filter_edges

    edges = _edges(page, height)
    if len(edges) < 4:
        return []
    edges = filter_edges(merge_edges(edges, 3, 3, 3, 3), min_length=3)
    cells = intersections_to_cells(edges_to_intersections(edges, 3, 3))
    return [Table(None, group) for group in cells_to_tables(cells) if len(group) >= 2]


def _edges(page, height: float) -> list[dict]:
    """Horizontal and vertical line segments of the page's paths, as pdfplumber edges."""
    import ctypes

    import pypdfium2.raw as pdfium_c

    edges: list[dict] = []

    def matrix_of(obj) -> tuple[float, ...]:
        m = pdfium_c.FS_MATRIX()
        if not pdfium_c.FPDFPageObj_GetMatrix(obj, ctypes.byref(m)):
            return (1, 0, 0, 1, 0, 0)
        return (m.a, m.b, m.c, m.d, m.e, m.f)

    def compose(inner, outer) -> tuple[float, ...]:
        a, b, c, d, e, f = inner
        A, B, C, D, E, F = outer  # noqa: N806
        return (
            a * A + b * C,
            a * B + b * D,
            c * A + d * C,
            c * B + d * D,
            e * A + f * C + E,
            e * B + f * D + F,
        )

    def add(x0, y0, x1, y1) -> None:
        top, bottom = height - max(y0, y1), height - min(y0, y1)
        left, right = min(x0, x1), max(x0, x1)
        if abs(y1 - y0) < 1 and right - left >= 1:
            edges.append(
                {
                    "object_type": "line",
                    "orientation": "h",
                    "x0": left,
                    "x1": right,
                    "top": top,
                    "bottom": top,
                    "width": right - left,
                    "height": 0,
                }
            )
        elif abs(x1 - x0) < 1 and bottom - top >= 1:
            edges.append(
                {
                    "object_type": "line",
                    "orientation": "v",
                    "x0": left,
                    "x1": left,
                    "top": top,
                    "bottom": bottom,
                    "width": 0,
                    "height": bottom - top,
                }
            )

    def path(obj, matrix) -> None:
        a, b, c, d, e, f = matrix
        x = ctypes.c_float()
        y = ctypes.c_float()
        start = current = None
        for index in range(pdfium_c.FPDFPath_CountSegments(obj)):
            segment = pdfium_c.FPDFPath_GetPathSegment(obj, index)
            pdfium_c.FPDFPathSegment_GetPoint(segment, ctypes.byref(x), ctypes.byref(y))
            point = (a * x.value + c * y.value + e, b * x.value + d * y.value + f)
            kind = pdfium_c.FPDFPathSegment_GetType(segment)
            if kind == pdfium_c.FPDF_SEGMENT_MOVETO:
                start = current = point
            else:
                if kind == pdfium_c.FPDF_SEGMENT_LINETO and current is not None:
                    add(*current, *point)
                current = point
            if pdfium_c.FPDFPathSegment_GetClose(segment) and start and current != start:
                add(*current, *start)
                current = start
            if len(edges) > 20_000:
                return

    def walk(objects, outer, depth: int) -> None:
        for obj in objects:
            kind = pdfium_c.FPDFPageObj_GetType(obj)
            if kind == pdfium_c.FPDF_PAGEOBJ_PATH:
                path(obj, compose(matrix_of(obj), outer))
            elif kind == pdfium_c.FPDF_PAGEOBJ_FORM and depth < 4:
                inner = compose(matrix_of(obj), outer)
                count = pdfium_c.FPDFFormObj_CountObjects(obj)
                walk(
                    (pdfium_c.FPDFFormObj_GetObject(obj, i) for i in range(count)),
                    inner,
                    depth + 1,
                )

    raw = page.raw
    count = pdfium_c.FPDFPage_CountObjects(raw)
    walk((pdfium_c.FPDFPage_GetObject(raw, i) for i in range(count)), (1, 0, 0, 1, 0, 0), 0)
    return edges


def _table_rows(table, chars: list[_Char]) -> list[list[str]]:
    """Cell texts of a table; wrapped lines joined, words split by the wrap mended."""
    grid = [list(row.cells) for row in table.rows]
    flat = [(r, k, cell) for r, row in enumerate(grid) for k, cell in enumerate(row) if cell]
    cell_chars: dict[tuple[int, int], list[_Char]] = {}
    for char in chars:
        x, y = (char.x0 + char.x1) / 2, (char.top + char.bottom) / 2
        for r, k, (x0, top, x1, bottom) in flat:
            if x0 <= x <= x1 and top <= y <= bottom:
                cell_chars.setdefault((r, k), []).append(char)
                break
    rows = []
    for r, row in enumerate(grid):
        texts = [
            _cell_text(cell_chars.get((r, k), []), cell) if cell else ""
            for k, cell in enumerate(row)
        ]
        if any(texts):
            rows.append(texts)
    if not rows:
        return []
    keep = [i for i in range(len(rows[0])) if any(row[i] for row in rows)]
    return [[row[i] for i in keep] for row in rows]


def _cell_text(chars: list[_Char], cell) -> str:
    lines = []
    for group in _group_lines(chars):
        text = _line_text(group)
        if text:
            size = max(c.size for c in group)
            lines.append((text, max(c.x1 for c in group), size))
    out = ""
    for index, (text, _right, _size) in enumerate(lines):
        if index == 0:
            out = text
            continue
        previous, right, size = lines[index - 1]
        if typed_item(text):
            out += "\n" + text
        elif _split_word(previous, text, right, cell[2], size):
            out += text
        elif previous.endswith("-") and text[:1].islower() and previous[-2:-1].isalpha():
            out = out[:-1] + text  # hyphenated at the line end
        elif previous.endswith(("-", "/")):
            out += text
        else:
            out += " " + text
    return out


def _split_word(previous: str, text: str, right: float, cell_right: float, size: float) -> bool:
    """A word broken without a hyphen because it did not fit the cell ("Septemb" "er").

    A program breaks a word inside only when it is longer than the cell is wide, so the
    line is that word alone, reaching the right edge of the cell, and the rest goes on
    in lower case.
    """
    return (
        " " not in previous
        and previous[-1:].isalpha()
        and text[:1].isalpha()
        and text[:1].islower()
        and cell_right - right < 1.5 * max(size, 4)
    )


_PAGE_NUMBER = re.compile(
    r"^[-–—(\[]?\s*(side|sida|sivu|page|s\.|p\.)?\s*\d{1,4}\s*"
    r"((/|av|af|of|ud af)\s*\d{1,4})?\s*[-–—)\]]?$",
    re.IGNORECASE,
)


def _drop_running_lines(pages: list[list]) -> None:
    """Drop bare page numbers and header/footer lines that repeat on most pages."""
    edge = 0.12

    def candidates(page):
        lines = [item for item in page if isinstance(item, _Line)]
        head = [line for line in lines[:3] if line.top < line.height * edge]
        foot = [line for line in lines[-3:] if line.bottom > line.height * (1 - edge)]
        return head + foot

    def key(line: _Line) -> str:
        return re.sub(r"\d+", "#", line.text.lower()).strip()

    counts: Counter[str] = Counter()
    for page in pages:
        counts.update({key(line) for line in candidates(page)})
    threshold = max(2, (len(pages) + 1) // 2)
    for page in pages:
        drop = {
            id(line)
            for line in candidates(page)
            if _PAGE_NUMBER.match(line.text) or (len(pages) >= 2 and counts[key(line)] >= threshold)
        }
        page[:] = [item for item in page if id(item) not in drop]


def _join_pages(pages: list[list]) -> list[str | Block]:
    out: list[str | Block] = []
    last_table: Block | None = None  # a table the previous page ended with
    for page in pages:
        gap = _line_gap([item for item in page if isinstance(item, _Line)])
        previous: _Line | _Table | None = None
        for index, item in enumerate(page):
            if isinstance(item, _Table):
                if index == 0 and last_table is not None and _continues(last_table, item.rows):
                    _merge_table(last_table, item.rows)
                else:
                    last_table = Block("table", rows=item.rows, source=_table_source(item.rows))
                    out.append(last_table)
                previous = item
                continue
            if isinstance(previous, _Table) or (
                isinstance(previous, _Line) and gap and item.top - previous.bottom > gap
            ):
                out.append("")
            out.append(_mark(item))
            previous = item
        if not page or not isinstance(page[-1], _Table):
            last_table = None
    while out and out[-1] == "":
        out.pop()
    return out


def _table_source(rows: list[list[str]]) -> str:
    return "\n".join("\t".join(row) for row in rows)


def _mark(line: _Line) -> str:
    text = line.text
    if PDF_EMPHASIS_MARKS and not (typed_item(text) and typed_item(text)[0] in "•-–—*"):
        if line.bold:
            return f"**{text}**"
        if line.italic:
            return f"*{text}*"
    return text


def _line_gap(lines: list[_Line]) -> float:
    """The space between two lines above which a new paragraph starts, on this page."""
    if not lines:
        return 0.0
    heights = sorted(line.bottom - line.top for line in lines)
    line_height = heights[len(heights) // 2]
    gaps = [
        round(b.top - a.bottom, 1)
        for a, b in zip(lines, lines[1:], strict=False)
        if b.top - a.bottom >= 0
    ]
    if len(gaps) < 4:
        return max(line_height * 0.45, 1.0)
    common = max(Counter(gaps).most_common(1)[0][0], 0.0)
    return max(common * 1.6, common + line_height * 0.25, 1.0)


def _continues(table: Block, rows: list[list[str]]) -> bool:
    return bool(rows) and len(rows[0]) == len(table.rows[0])


def _merge_table(table: Block, rows: list[list[str]]) -> None:
    rows = [list(row) for row in rows]
    if rows and [c.lower() for c in rows[0]] == [c.lower() for c in table.rows[0]]:
        rows = rows[1:]  # the header row repeated
    if rows and not rows[0][0] and any(rows[0][1:]) and len(table.rows) > 1:
        # A row that continues across the page break.
        last = table.rows[-1]
        for index, cell in enumerate(rows[0]):
            if cell:
                last[index] = _join_cell(last[index], cell)
        rows = rows[1:]
    table.rows.extend(rows)
    table.source = _table_source(table.rows)


def _join_cell(before: str, after: str) -> str:
    if not before:
        return after
    if before.endswith("-") and after[:1].islower():
        return before[:-1] + after
    return f"{before} {after}"
