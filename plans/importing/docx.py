"""Word documents (.docx) into blocks: styles, numbering, tables, links, in document order."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .blocks import Block, ReadError
from .readers import SHORT_LINE, clean, typed_item

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
