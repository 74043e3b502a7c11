"""Plain text and Markdown into blocks, cleaning what PDFs and Word leave behind.

Text copied out of a PDF has line numbers in the margin, page numbers and
running headers, words hyphenated across lines, paragraphs broken by blank
lines in the middle of a sentence and every kind of bullet. The PDF reader
hands its lines here too, so this cleaning lives in one place.
"""

from __future__ import annotations

import re
import unicodedata

from markdown_it import MarkdownIt

from .blocks import Block

BULLET = re.compile(
    r"^\s*(?P<marker>[•●○◦▪▫■□‣⁃∙·\-–—*+►➢✓]|\(?[a-zæøå]\)|\d{1,2}[.)]|[ivx]{1,4}\))\s+(?P<text>\S.*)$"
)
# A bullet character alone on its line, its text on the next line (PDF copies).
BARE_BULLET = re.compile(r"^\s*[•●○◦▪■‣⁃∙·–*]\s*$")
LETTERED = re.compile(r"^\s*(?P<code>[A-ZÆØÅ]|\d{1,2}(?:\.\d{1,2})*)[.)]\s+(?P<text>\S.*)$")
PAGE_NUMBER = re.compile(
    r"^\s*(?:(?:side|sida|page|s\.)\s*)?\d{1,4}(?:\s*(?:av|of|/)\s*\d{1,4})?\s*$", re.IGNORECASE
)
RUNNING_HEADER = re.compile(
    # "2 HANDLINGSPLAN", "HANDLINGSPLAN 2026   3": a page number beside capitals.
    r"^\s*(?:\d{1,3}\s+[A-ZÆØÅÄÖ][A-ZÆØÅÄÖ0-9 \-–]{3,}"
    r"|[A-ZÆØÅÄÖ][A-ZÆØÅÄÖ0-9 \-–]{3,}\s+\d{1,3})\s*$"
)
MARGIN_NUMBER = re.compile(r"^(?P<number>\d{1,5})(?:\s+(?P<text>.*))?$")
EMPHASIS = re.compile(r"^(\*\*|__)(?P<text>[^*_].*?)\1[:.]?$|^([*_])(?P<italic>[^*_].*?)\3[:.]?$")
LINK = re.compile(
    r"\[(?P<text>[^\]]+)\]\((?:https?://|mailto:)[^)\s]*\)|<(?P<url>https?://[^>\s]+)>"
)
INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"), None)
SPACES = re.compile(r"[ \u00a0\u2007\u202f\u2009\u2002\u2003]+")
TERMINAL = (".", "!", "?", ":", ";", "»", '"', "”")
# Words that follow a hyphen that is kept: "kommune- og fylkestingsvalg".
KEEP_HYPHEN_BEFORE = {"og", "eller", "och", "samt", "and", "or", "til", "till"}


def normalise(line: str) -> str:
    line = unicodedata.normalize("NFC", line.translate(INVISIBLE))
    line = line.replace("\t", "\x00")  # tabs mark table cells: keep them through the spaces
    indent = len(line) - len(line.lstrip(" "))  # kept: it tells a nested list item
    line = " " * indent + SPACES.sub(" ", line[indent:]).replace("\x00", "\t")
    line = LINK.sub(lambda m: m["text"] or m["url"], line)
    return line.rstrip(" ")


def _strip_margin_numbers(lines: list[str]) -> list[str]:
    """Drop line numbers in the margin when most lines carry a rising number."""
    numbered = [MARGIN_NUMBER.match(line.strip()) for line in lines if line.strip()]
    numbers = [int(m["number"]) for m in numbered if m]
    if len(numbers) < 10 or len(numbers) < 0.6 * len(numbered):
        return lines
    rising = sum(1 for a, b in zip(numbers, numbers[1:], strict=False) if 0 < b - a <= 3)
    if rising < 0.7 * (len(numbers) - 1):
        return lines
    cleaned = []
    for line in lines:
        match = MARGIN_NUMBER.match(line.strip())
        cleaned.append((match["text"] or "") if match else line)
    return cleaned


def _is_noise(line: str) -> bool:
    return bool(PAGE_NUMBER.match(line) or RUNNING_HEADER.match(line))


def _join(left: str, right: str) -> str:
    """Join two pieces of one paragraph, undoing a hyphenation at the break."""
    right = right.strip()
    if left.endswith("-") and len(left) > 1 and left[-2].isalpha() and right:
        first_word = right.split(" ", 1)[0].lower().strip(",.")
        if first_word in KEEP_HYPHEN_BEFORE:
            return f"{left} {right}"
        if right[0].islower():
            return left[:-1] + right
        return left + right  # "Forskjells-" + "Norge!"
    return f"{left} {right}" if left else right


def _unwrap_emphasis(text: str) -> tuple[str, str]:
    """A line that is bold or italic as a whole: its text and "**" or "*"."""
    match = EMPHASIS.match(text.strip())
    if not match:
        return text, ""
    if match["text"]:
        return match["text"].strip(), "**"
    return match["italic"].strip(), "*"


def _looks_like_heading(text: str, *, alone: bool) -> bool:
    words = text.split()
    if not words or len(text) > 160:
        return False
    if LETTERED.match(text):
        return len(text) <= 160
    return alone and len(text) <= 90 and not text.endswith((".", ",", ";")) and len(words) <= 12


def blocks_from_lines(lines: list[str]) -> list[Block]:
    """Lines of a text or PDF (pages already joined) into cleaned blocks in order."""
    lines = _strip_margin_numbers([normalise(line) for line in lines])
    blocks: list[Block] = []
    current: Block | None = None  # a paragraph, item or heading still taking lines
    blank_before = True
    pending_bullet = False
    index = 0
    while index < len(lines):
        raw = lines[index]
        index += 1
        line = raw.strip()
        if not line:
            blank_before = True
            continue
        if _is_noise(line):
            continue
        if BARE_BULLET.match(line):
            pending_bullet = True
            blank_before = True
            continue
        if "\t" in raw and not BULLET.match(line):
            rows = [[cell.strip() for cell in raw.split("\t")]]
            while index < len(lines) and "\t" in lines[index]:
                rows.append([cell.strip() for cell in lines[index].split("\t")])
                index += 1
            if len(rows) >= 2:
                blocks.append(
                    Block("table", rows=rows, source="\n".join("\t".join(r) for r in rows))
                )
                current = None
                blank_before = True
                continue
            line = " ".join(cell for cell in rows[0] if cell)
        next_blank = index >= len(lines) or not lines[index].strip()
        text, emphasised = _unwrap_emphasis(line)
        bullet = BULLET.match(line)
        numbered_list = (
            bullet is not None
            and current is not None
            and (
                (current.kind == "item" and _next_number(current.marker, bullet["marker"]))
                or current.text.endswith(":")
            )
        )
        if pending_bullet or (bullet and not LETTERED.match(line)) or numbered_list:
            marker = "•" if pending_bullet else bullet["marker"]
            item_text = line if pending_bullet else bullet["text"]
            pending_bullet = False
            indent = len(raw) - len(raw.lstrip(" \t"))
            level = 1 if indent >= 2 and not pending_bullet else 0
            current = Block("item", text=item_text.strip(), level=level, marker=marker, source=line)
            blocks.append(current)
            blank_before = False
            continue
        continues = current is not None and _continues(current, text, blank_before)
        if emphasised and current is not None and current.kind == "heading":
            # A bold heading wrapped over two bold lines (PDF) is one heading.
            continues = (
                current.marker == emphasised
                and not blank_before
                and not current.text.endswith(TERMINAL)
                and not LETTERED.match(text)  # "A. …" under "2. …" is a heading of its own
            )
        if continues:
            current.text = _join(current.text, text)
            current.source = f"{current.source}\n{line}"
            blank_before = False
            continue
        if (
            emphasised
            or _looks_like_heading(text, alone=blank_before and next_blank)
            or (LETTERED.match(text) and len(text) <= 160)
        ):
            current = Block(
                "heading", text=text, emphasis=bool(emphasised), marker=emphasised, source=line
            )
        else:
            current = Block("paragraph", text=text, source=line)
        blocks.append(current)
        blank_before = False
    for block in blocks:
        block.text = block.text.strip()
    return [block for block in blocks if block.text or block.rows]


def _next_number(previous: str, marker: str) -> bool:
    """ "3." after "2.": the list goes on; "2." after "5." starts something else."""
    before, after = previous.rstrip(".)"), marker.rstrip(".)")
    return before.isdigit() and after.isdigit() and int(after) == int(before) + 1


def _continues(current: Block, text: str, blank_before: bool) -> bool:
    """Whether a line carries on the block before it rather than starting a new one."""
    if current.emphasis:
        return False
    ended = current.text.rstrip().endswith(TERMINAL)
    starts_low = text[:1].islower() or text[:1].isdigit() and not LETTERED.match(text)
    if current.kind == "heading":
        # "F. Rødt er et parti ... i" / "arbeidsfolks interesse"; "Forskjells-" / "Norge!"
        hyphenated = current.text.endswith("-") and current.text[-2:-1].isalpha()
        # A heading long enough to have wrapped carries on in the next short line.
        wrapped = (
            len(current.source.splitlines()[-1]) >= 60
            and len(text) < 60
            and not text.endswith(":")
            and not LETTERED.match(text)
        )
        return not blank_before and not ended and (starts_low or hyphenated or wrapped)
    if not blank_before:
        return not LETTERED.match(text) or current.kind == "paragraph" and not ended
    # A blank line in the middle of a sentence (PDF copies): carry on.
    return not ended and starts_low


def join_cell(old: str, new: str) -> str:
    """Two pieces of one table cell (a row continued on the next line or page)."""
    old, new = old.strip(), new.strip()
    if not new:
        return old
    if not old:
        return new
    if old.endswith("-") and new[:1].islower():
        return old[:-1] + new
    return f"{old} {new}"


def read_text(text: str) -> list[Block]:
    return blocks_from_lines(text.splitlines())


def read_markdown(text: str) -> list[Block]:
    """Markdown through markdown-it-py's tokens: headings, list items, tables, paragraphs."""
    tokens = MarkdownIt("commonmark", {"html": False}).enable("table").parse(text)
    blocks: list[Block] = []
    list_depth = 0
    markers: list[str] = []
    row: list[str] | None = None
    table: Block | None = None
    for position, token in enumerate(tokens):
        if token.type in ("bullet_list_open", "ordered_list_open"):
            list_depth += 1
            markers.append("•" if token.type == "bullet_list_open" else "1.")
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            list_depth -= 1
            markers.pop()
        elif token.type == "table_open":
            table = Block("table")
        elif token.type == "table_close" and table is not None:
            table.source = "\n".join("\t".join(r) for r in table.rows)
            blocks.append(table)
            table = None
        elif token.type == "tr_open":
            row = []
        elif token.type == "tr_close" and table is not None and row is not None:
            table.rows.append(row)
            row = None
        elif token.type == "inline":
            content = _inline_text(token)
            opener = tokens[position - 1]
            if row is not None:
                row.append(content)
            elif opener.type == "heading_open":
                level = int(opener.tag[1])
                blocks.append(Block("heading", text=content, level=level, source=token.content))
            elif list_depth:
                marker = token.map and opener.map and markers[-1]
                blocks.append(
                    Block(
                        "item",
                        text=content,
                        level=list_depth - 1,
                        marker=marker or "•",
                        source=token.content,
                    )
                )
            else:
                emphasised = _whole_emphasis(token)
                kind = "heading" if emphasised and len(content) <= 120 else "paragraph"
                blocks.append(Block(kind, text=content, emphasis=emphasised, source=token.content))
    return [block for block in blocks if block.text or block.rows]


def _inline_text(token) -> str:
    parts = []
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return normalise("".join(parts)).strip()


def _whole_emphasis(token) -> bool:
    children = [c for c in token.children or [] if c.type != "softbreak"]
    return (
        len(children) >= 3
        and children[0].type in ("strong_open", "em_open")
        and children[-1].type in ("strong_close", "em_close")
    )
