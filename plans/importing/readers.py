"""Turn an uploaded file (DOCX, PDF, Markdown, text) into blocks, or refuse it.

`read_document(data, filename)` looks at the content first (magic bytes) and only
then at the name. Every file that cannot be read raises `ReadError` with a message
for the person who uploaded it.

DOCX is read with python-docx, walking the body in document order (paragraphs and
tables interleaved). PDF is read with pdfplumber: text lines per page, running
headers/footers and page numbers dropped, ruled tables as table blocks; the lines
are then cleaned into blocks by `text.blocks_from_lines`, the same as pasted text.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from collections import Counter
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from plans.importing.blocks import Block, ReadError

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_DOCX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_DOCX_RATIO = 100
MAX_DOCX_ENTRIES = 5000
MAX_PDF_PAGES = 500

# A whole-bold (whole-italic) short PDF line is handed to blocks_from_lines as
# "**line**" ("*line*"), the way the seeds copied out of PDFs write emphasis.
PDF_EMPHASIS_MARKS = True
SHORT_LINE = 160

_MB = 1024 * 1024


def _formats() -> str:
    return _(
        "Upload a Word document (.docx), a PDF, a Markdown file (.md) or a plain text file (.txt)."
    )


def read_document(data: bytes, filename: str) -> list[Block]:
    """The blocks of an uploaded file; ReadError with a message if it cannot be read."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise ReadError(
            _("The file is larger than %(limit)s MB.") % {"limit": MAX_UPLOAD_BYTES // _MB}
        )
    if not data.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise ReadError(_("The file is empty."))
    name = (filename or "").lower()
    kind = _sniff(data, name)
    if kind == "docx":
        blocks = read_docx(data)
    elif kind == "pdf":
        blocks = read_pdf(data)
    else:
        text = decode_text(data)
        from plans.importing.text import read_markdown, read_text

        blocks = read_markdown(text) if kind == "markdown" else read_text(text)
    if not blocks:
        raise ReadError(_("No text was found in the file."))
    return blocks


# --- what kind of file ------------------------------------------------------------

_OTHER_FORMATS = [
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole"),
    (b"{\\rtf", "rtf"),
    (b"\x89PNG", "image"),
    (b"\xff\xd8\xff", "image"),
    (b"GIF8", "image"),
    (b"II*\x00", "image"),
    (b"MM\x00*", "image"),
    (b"\x1f\x8b", "archive"),
    (b"Rar!", "archive"),
    (b"7z\xbc\xaf", "archive"),
    (b"\x7fELF", "binary"),
    (b"MZ", "binary"),
]


def _sniff(data: bytes, name: str) -> str:
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        return _zip_kind(data, name)
    if b"%PDF-" in data[:1024]:
        return "pdf"
    for magic, kind in _OTHER_FORMATS:
        if data.startswith(magic):
            if kind == "ole":
                raise ReadError(
                    _(
                        "Old Word documents (.doc) and other old Office files cannot be read. "
                        "Open the file in Word and save it as .docx, or save it as PDF."
                    )
                )
            if kind == "rtf":
                raise ReadError(
                    _("RTF files cannot be read. Save the file as .docx or PDF.") + " " + _formats()
                )
            if kind == "image":
                raise ReadError(
                    _("The file is an image, not a document with text.") + " " + _formats()
                )
            raise ReadError(_("This type of file cannot be read.") + " " + _formats())
    if name.endswith(".pdf"):
        raise ReadError(_("The file is named .pdf but is not a PDF file."))
    if name.endswith((".docx", ".docm", ".dotx")):
        raise ReadError(_("The Word document is damaged and cannot be opened."))
    if name.endswith(".doc"):
        raise ReadError(
            _(
                "Old Word documents (.doc) and other old Office files cannot be read. "
                "Open the file in Word and save it as .docx, or save it as PDF."
            )
        )
    if name.endswith((".md", ".markdown")):
        return "markdown"
    return "text"


def _zip_kind(data: bytes, name: str) -> str:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        raise ReadError(
            _("The Word document is damaged and cannot be opened.")
            + " "
            + _("Open it in Word and save it again.")
        ) from None
    if "word/document.xml" in names:
        _check_zip_sizes(archive)
        return "docx"
    if "mimetype" in names and "content.xml" in names:
        raise ReadError(
            _("OpenDocument files (.odt) cannot be read. Save the file as .docx or PDF.")
        )
    if "xl/workbook.xml" in names or "ppt/presentation.xml" in names:
        raise ReadError(_("Spreadsheets and presentations cannot be read.") + " " + _formats())
    if name.endswith((".docx", ".docm", ".dotx")):
        raise ReadError(
            _("The file is named .docx but is not a Word document.")
            + " "
            + _("Open it in Word and save it again.")
        )
    raise ReadError(_("The zip file is not a Word document.") + " " + _formats())


def _check_zip_sizes(archive: zipfile.ZipFile) -> None:
    """Refuse a zip bomb by what the archive declares, before anything is unpacked.

    zipfile never unpacks more than an entry's declared size, so the declared sizes
    bound what python-docx can read.
    """
    infos = archive.infolist()
    if len(infos) > MAX_DOCX_ENTRIES:
        raise ReadError(_("The Word document has too many parts to be read."))
    unpacked = sum(info.file_size for info in infos)
    packed = sum(info.compress_size for info in infos)
    if unpacked > MAX_DOCX_UNPACKED_BYTES:
        raise ReadError(
            _("The Word document unpacks to more than %(limit)s MB and is not read.")
            % {"limit": MAX_DOCX_UNPACKED_BYTES // _MB}
        )
    # A real document is packed 3–20 times; a high ratio over a lot of data is a bomb.
    if unpacked > _MB and unpacked > MAX_DOCX_RATIO * max(packed, 1):
        raise ReadError(
            _(
                "The Word document unpacks to more than %(ratio)s times its size, "
                "which no real document does; it is not read."
            )
            % {"ratio": MAX_DOCX_RATIO}
        )


# --- text -------------------------------------------------------------------------


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, then cp1252; refuse binary data."""
    if data.startswith(b"\xef\xbb\xbf"):
        text = _decode(data, "utf-8-sig")
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = _decode(data, "utf-16")
    elif b"\x00" in data:
        raise ReadError(_binary_message())
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = _decode(data, "cp1252")
    controls = sum(
        1 for char in text if unicodedata.category(char) == "Cc" and char not in "\t\n\r\f\v"
    )
    if controls > max(2, len(text) // 100):
        raise ReadError(_binary_message())
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _decode(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        raise ReadError(_binary_message()) from None


def _binary_message() -> str:
    return _("The file is not a text file: it holds binary data.") + " " + _formats()


_SPACES = re.compile(r"[ \t\u00a0\u2007\u202f\u2000-\u200a\u3000]+")
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"), None)


def clean(text: str) -> str:
    """Soft hyphens and zero-width characters out, all spaces one plain space."""
    return _SPACES.sub(" ", text.translate(_INVISIBLE)).strip()


# A list marker typed by hand: bullets, dashes, "a)", "(a)", "1.", "1)", "iv)".
_TYPED_ITEM = re.compile(
    r"^\s*(?P<marker>[•·▪‣◦○●■□➢►✓✔\-–—*]|\(?[a-zæøå]\)|\(?\d{1,2}[.)]|\(?[ivx]{1,4}\))"
    r"\s+(?P<text>\S.*)$",
    re.DOTALL,
)


def typed_item(text: str) -> tuple[str, str] | None:
    """(marker, rest) when the text starts with a list marker typed by hand."""
    match = _TYPED_ITEM.match(text)
    if not match:
        return None
    marker = match["marker"]
    if marker in "·▪‣●■➢►✓✔":
        marker = "•"
    return marker, match["text"].strip()


# --- DOCX -------------------------------------------------------------------------

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"

_HEADING_STYLE = re.compile(
    r"^(heading|overskrift|rubrik|otsikko|fyrirs[öo]gn|[üu]berschrift|titre|kop|"
    r"encabezado|titolo|nag[łl][óo]wek)\s*(?P<level>[1-9])$",
    re.IGNORECASE,
)
_TITLE_STYLE = re.compile(r"^(title|tittel|titel|titill|otsikko|rubrik)$", re.IGNORECASE)
_LIST_STYLE = re.compile(
    r"^(list (bullet|number|paragraph|continue)|listeavsnitt|liststycke|listeafsnit|"
    r"luettelon kappale|punktliste|punktlista|nummerert liste|numrerad lista)\s*(?P<level>\d?)$",
    re.IGNORECASE,
)
_BULLET_STYLE = re.compile(r"bullet|punkt", re.IGNORECASE)


def read_docx(data: bytes) -> list[Block]:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
        reader = _DocxReader(document)
        return reader.read()
    except ReadError:
        raise
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, OSError, EOFError):
        raise ReadError(
            _("The Word document is damaged and cannot be opened.")
            + " "
            + _("Open it in Word and save it again.")
        ) from None
    except Exception as error:  # lxml syntax errors and python-docx surprises
        if type(error).__module__.startswith(("lxml", "docx", "zipfile", "zlib")):
            raise ReadError(
                _("The Word document is damaged and cannot be opened.")
                + " "
                + _("Open it in Word and save it again.")
            ) from None
        raise


@dataclass
class _Style:
    name: str = ""
    heading: int = 0  # 1–6, 0 if not a heading
    num_id: str = ""
    ilvl: int | None = None
    list_style: bool = False
    list_level: int = 0
    bullet: bool = False
    bold: bool | None = None
    italic: bool | None = None
    outline: int | None = None


@dataclass
class _Numbering:
    formats: dict[tuple[str, int], tuple[str, str, int]] = field(default_factory=dict)
    counters: dict[str, list[int]] = field(default_factory=dict)


class _DocxReader:
    def __init__(self, document):
        self.document = document
        self.styles: dict[str, _Style] = {}
        self.default_style = _Style()
        self._load_styles()
        self.numbering = _Numbering()
        self._load_numbering()

    # styles and numbering, resolved once
    def _load_styles(self) -> None:
        try:
            root = self.document.styles.element
        except (KeyError, ValueError, AttributeError):
            return
        raw = {}
        for style in root.iterchildren(f"{W}style"):
            style_id = style.get(f"{W}styleId") or ""
            raw[style_id] = style
            if style.get(f"{W}default") in ("1", "true") and style.get(f"{W}type") == "paragraph":
                self.default_id = style_id

        def resolve(style_id: str, depth: int = 0) -> _Style:
            if style_id in self.styles:
                return self.styles[style_id]
            element = raw.get(style_id)
            if element is None or depth > 20:
                return _Style()
            based = element.find(f"{W}basedOn")
            parent = resolve(based.get(f"{W}val"), depth + 1) if based is not None else _Style()
            name_el = element.find(f"{W}name")
            name = name_el.get(f"{W}val") if name_el is not None else style_id
            result = _Style(
                name=name,
                num_id=parent.num_id,
                ilvl=parent.ilvl,
                bold=parent.bold,
                italic=parent.italic,
                outline=parent.outline,
            )
            ppr = element.find(f"{W}pPr")
            if ppr is not None:
                num_pr = ppr.find(f"{W}numPr")
                if num_pr is not None:
                    num_id = num_pr.find(f"{W}numId")
                    ilvl = num_pr.find(f"{W}ilvl")
                    if num_id is not None:
                        result.num_id = num_id.get(f"{W}val") or ""
                    if ilvl is not None:
                        result.ilvl = _int(ilvl.get(f"{W}val"))
                outline = ppr.find(f"{W}outlineLvl")
                if outline is not None:
                    result.outline = _int(outline.get(f"{W}val"))
            rpr = element.find(f"{W}rPr")
            if rpr is not None:
                result.bold = _toggle(rpr, "b", result.bold)
                result.italic = _toggle(rpr, "i", result.italic)
            match = _HEADING_STYLE.match(name.strip()) or _HEADING_STYLE.match(style_id)
            if match:
                result.heading = min(int(match["level"]), 6)
            elif _TITLE_STYLE.match(name.strip()) or style_id.lower() == "title":
                result.heading = 1
            elif result.outline is not None and 0 <= result.outline < 6:
                result.heading = result.outline + 1
            list_match = _LIST_STYLE.match(name.strip())
            if list_match:
                result.list_style = "paragraph" not in name.lower() and "avsnitt" not in (
                    name.lower()
                )
                result.list_level = max(int(list_match["level"] or 1) - 1, 0)
                result.bullet = bool(_BULLET_STYLE.search(name))
            self.styles[style_id] = result
            return result

        for style_id in raw:
            resolve(style_id)
        default_id = getattr(self, "default_id", None)
        if default_id:
            self.default_style = self.styles.get(default_id, _Style())

    def _load_numbering(self) -> None:
        try:
            part = self.document.part.numbering_part
        except (KeyError, NotImplementedError, AttributeError):
            return
        root = part.element
        abstract: dict[str, dict[int, tuple[str, str, int]]] = {}
        for element in root.iterchildren(f"{W}abstractNum"):
            levels = {}
            for lvl in element.iterchildren(f"{W}lvl"):
                levels[_int(lvl.get(f"{W}ilvl")) or 0] = _level_format(lvl)
            abstract[element.get(f"{W}abstractNumId")] = levels
        for num in root.iterchildren(f"{W}num"):
            num_id = num.get(f"{W}numId")
            ref = num.find(f"{W}abstractNumId")
            levels = dict(abstract.get(ref.get(f"{W}val") if ref is not None else "", {}))
            for override in num.iterchildren(f"{W}lvlOverride"):
                ilvl = _int(override.get(f"{W}ilvl")) or 0
                lvl = override.find(f"{W}lvl")
                if lvl is not None:
                    levels[ilvl] = _level_format(lvl)
                start = override.find(f"{W}startOverride")
                if start is not None and ilvl in levels:
                    fmt, text, _start = levels[ilvl]
                    levels[ilvl] = (fmt, text, _int(start.get(f"{W}val")) or 1)
            for ilvl, value in levels.items():
                self.numbering.formats[(num_id, ilvl)] = value

    # the body, in document order
    def read(self) -> list[Block]:
        blocks: list[Block] = []
        self._walk(self.document.element.body, blocks)
        return blocks

    def _walk(self, container, blocks: list[Block]) -> None:
        for child in container.iterchildren():
            tag = child.tag
            if tag == f"{W}p":
                self._paragraph(child, blocks)
            elif tag == f"{W}tbl":
                self._table(child, blocks)
            elif tag in (f"{W}sdt", f"{W}customXml", f"{W}ins", f"{W}smartTag"):
                content = child.find(f"{W}sdtContent") if tag == f"{W}sdt" else child
                if content is not None:
                    self._walk(content, blocks)

    def _paragraph(self, p, blocks: list[Block]) -> None:
        raw, bold, italic, boxes = self._paragraph_text(p)
        ppr = p.find(f"{W}pPr")
        style = self.default_style
        num_id, ilvl = "", None
        if ppr is not None:
            pstyle = ppr.find(f"{W}pStyle")
            if pstyle is not None:
                style = self.styles.get(pstyle.get(f"{W}val"), self.default_style)
            num_pr = ppr.find(f"{W}numPr")
            if num_pr is not None:
                num_el = num_pr.find(f"{W}numId")
                ilvl_el = num_pr.find(f"{W}ilvl")
                num_id = num_el.get(f"{W}val") if num_el is not None else ""
                ilvl = _int(ilvl_el.get(f"{W}val")) if ilvl_el is not None else None
        num_id = num_id or style.num_id
        if ilvl is None:
            ilvl = style.ilvl if style.ilvl is not None else style.list_level
        lines = [line for line in raw.split("\n") if clean(line)]
        # Shift-Enter lines that are each a typed item are items of their own.
        if len(lines) > 1 and sum(1 for line in lines if typed_item(clean(line))) >= 2:
            for line in lines:
                self._emit(line, line, style, "", 0, bold, italic, blocks)
        else:
            self._emit(" ".join(lines), raw, style, num_id, ilvl, bold, italic, blocks)
        for box in boxes:
            self._walk(box, blocks)

    def _emit(self, raw_text, source, style, num_id, ilvl, bold, italic, blocks) -> None:
        text = clean(raw_text)
        if not text:
            return
        emphasis = len(text) <= SHORT_LINE and (bold or italic)
        if style.heading:
            blocks.append(Block("heading", text, level=style.heading, source=source))
            return
        marker = ""
        if num_id and num_id != "0":
            marker = self._marker(num_id, ilvl or 0)
        if marker:
            typed = typed_item(text)
            if typed and typed[0] == marker:  # numbering and the same label typed
                text = typed[1]
            blocks.append(Block("item", text, ilvl or 0, marker, emphasis=emphasis, source=source))
            return
        typed = typed_item(text)
        if typed:
            level = style.list_level if style.list_style else _indent_level(raw_text)
            blocks.append(
                Block("item", typed[1], level, typed[0], emphasis=emphasis, source=source)
            )
            return
        if style.list_style:
            blocks.append(
                Block(
                    "item",
                    text,
                    style.list_level,
                    "•" if style.bullet else "",
                    emphasis=emphasis,
                    source=source,
                )
            )
            return
        if emphasis and not text.endswith((".", ",", ";")):
            # A short bold or italic paragraph is a heading in disguise: bold over italic.
            mark = "**" if bold else "*"
            blocks.append(Block("heading", text, marker=mark, emphasis=True, source=source))
            return
        blocks.append(Block("paragraph", text, emphasis=emphasis, source=source))

    def _marker(self, num_id: str, ilvl: int) -> str:
        fmt = self.numbering.formats.get((num_id, ilvl))
        if fmt is None:
            return "•" if (num_id, 0) not in self.numbering.formats else ""
        kind, _text, _start = fmt
        if kind in ("none",):
            return ""
        counters = self.numbering.counters.setdefault(num_id, [0] * 9)
        ilvl = min(max(ilvl, 0), 8)
        for deeper in range(ilvl + 1, 9):
            counters[deeper] = 0
        counters[ilvl] += 1
        if kind == "bullet":
            return "•"

        def value(level: int) -> str:
            lvl_fmt = self.numbering.formats.get((num_id, level), ("decimal", "", 1))
            count = counters[level] or 1
            return _format_number(count + lvl_fmt[2] - 1, lvl_fmt[0])

        label = re.sub(r"%([1-9])", lambda m: value(int(m[1]) - 1), fmt[1]).strip()
        return label or f"{value(ilvl)}."

    def _paragraph_text(self, p) -> tuple[str, bool, bool, list]:
        """Text with hyperlinks, fields and tracked insertions; whole-bold/italic; text boxes."""
        parts: list[str] = []
        boxes: list = []
        runs_bold: list[bool] = []
        runs_italic: list[bool] = []
        pstyle = self.default_style
        ppr = p.find(f"{W}pPr")
        if ppr is not None and ppr.find(f"{W}pStyle") is not None:
            pstyle = self.styles.get(ppr.find(f"{W}pStyle").get(f"{W}val"), self.default_style)

        def visit(element) -> None:
            for child in element.iterchildren():
                tag = child.tag
                if not isinstance(tag, str):
                    continue
                if tag in (f"{W}del", f"{W}moveFrom", f"{W}pPr", f"{MC}Fallback"):
                    continue
                if tag == f"{W}txbxContent":
                    boxes.append(child)
                    continue
                if tag == f"{W}r":
                    run_text = _run_text(child)
                    if run_text:
                        parts.append(run_text)
                        if run_text.strip():
                            bold, italic = self._run_format(child, pstyle)
                            runs_bold.append(bold)
                            runs_italic.append(italic)
                    visit(child)  # drawings holding text boxes
                    continue
                visit(child)

        visit(p)
        text = "".join(parts)
        bold = bool(runs_bold) and all(runs_bold)
        italic = bool(runs_italic) and all(runs_italic)
        return text, bold, italic, boxes

    def _run_format(self, run, pstyle: _Style) -> tuple[bool, bool]:
        rpr = run.find(f"{W}rPr")
        bold, italic = pstyle.bold, pstyle.italic
        if rpr is not None:
            rstyle = rpr.find(f"{W}rStyle")
            if rstyle is not None:
                char = self.styles.get(rstyle.get(f"{W}val"))
                if char is not None:
                    bold = char.bold if char.bold is not None else bold
                    italic = char.italic if char.italic is not None else italic
            bold = _toggle(rpr, "b", bold)
            italic = _toggle(rpr, "i", italic)
        return bool(bold), bool(italic)

    def _table(self, tbl, blocks: list[Block]) -> None:
        rows: list[list[str]] = []
        cells_xml = []
        for tr in tbl.iterchildren(f"{W}tr"):
            row: list[str] = []
            for tc in _row_cells(tr):
                tcpr = tc.find(f"{W}tcPr")
                span = 1
                continued = False
                if tcpr is not None:
                    grid = tcpr.find(f"{W}gridSpan")
                    if grid is not None:
                        span = max(_int(grid.get(f"{W}val")) or 1, 1)
                    vmerge = tcpr.find(f"{W}vMerge")
                    if vmerge is not None and vmerge.get(f"{W}val") in (None, "continue"):
                        continued = True
                cells_xml.append(tc)
                text = "" if continued else self._cell_text(tc)
                row.append(text)
                row.extend([""] * (span - 1))
            if any(row):
                rows.append(row)
        if not rows:
            return
        if len(cells_xml) == 1:  # a one-cell table is a box around ordinary text
            self._walk(cells_xml[0], blocks)
            return
        width = max(len(row) for row in rows)
        rows = [row + [""] * (width - len(row)) for row in rows]
        # Columns left empty by merged cells are dropped.
        keep = [i for i in range(width) if any(row[i] for row in rows)]
        rows = [[row[i] for i in keep] for row in rows]
        source = "\n".join("\t".join(row) for row in rows)
        blocks.append(Block("table", rows=rows, source=source))

    def _cell_text(self, tc) -> str:
        inner: list[Block] = []
        self._walk(tc, inner)
        lines = []
        for block in inner:
            if block.kind == "table":
                lines.extend(" ".join(cell for cell in row if cell) for row in block.rows)
            elif block.kind == "item":
                lines.append(f"{block.marker} {block.text}".strip())
            else:
                lines.append(block.text)
        return "\n".join(line for line in lines if line)


def _row_cells(tr):
    for child in tr.iterchildren():
        if child.tag == f"{W}tc":
            yield child
        elif child.tag in (f"{W}sdt", f"{W}customXml"):
            content = child.find(f"{W}sdtContent") if child.tag == f"{W}sdt" else child
            if content is not None:
                yield from _row_cells(content)


def _run_text(run) -> str:
    parts = []
    for child in run.iterchildren():
        tag = child.tag
        if tag == f"{W}t":
            parts.append(child.text or "")
        elif tag == f"{W}tab" or tag == f"{W}ptab":
            parts.append("\t")
        elif tag in (f"{W}br", f"{W}cr"):
            parts.append("\n")
        elif tag == f"{W}noBreakHyphen":
            parts.append("-")
        elif tag == f"{W}sym":
            char = child.get(f"{W}char") or ""
            parts.append("•" if char.upper() in ("F0B7", "F0A7", "F0D8", "F076") else "")
    return "".join(parts)


def _toggle(rpr, name: str, inherited: bool | None) -> bool | None:
    element = rpr.find(f"{W}{name}")
    if element is None:
        return inherited
    return element.get(f"{W}val") not in ("0", "false", "off")


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _indent_level(text: str) -> int:
    indent = len(text) - len(text.lstrip(" \t"))
    return min(indent // 2, 5) if "\t" not in text[:indent] else min(text[:indent].count("\t"), 5)


def _level_format(lvl) -> tuple[str, str, int]:
    fmt = lvl.find(f"{W}numFmt")
    text = lvl.find(f"{W}lvlText")
    start = lvl.find(f"{W}start")
    return (
        (fmt.get(f"{W}val") if fmt is not None else "decimal") or "decimal",
        (text.get(f"{W}val") if text is not None else "") or "",
        (_int(start.get(f"{W}val")) if start is not None else 1) or 1,
    )


def _format_number(number: int, kind: str) -> str:
    if kind in ("lowerLetter", "upperLetter"):
        letters = ""
        n = max(number, 1)
        while n:
            n, rest = divmod(n - 1, 26)
            letters = chr(ord("a") + rest) + letters
        return letters.upper() if kind == "upperLetter" else letters
    if kind in ("lowerRoman", "upperRoman"):
        roman = _roman(max(number, 1))
        return roman.upper() if kind == "upperRoman" else roman
    return str(number)


def _roman(number: int) -> str:
    values = [(1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc")]
    values += [(50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]
    out = ""
    for value, letters in values:
        while number >= value:
            out += letters
            number -= value
    return out


# --- PDF --------------------------------------------------------------------------
#
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
