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

from django.utils.translation import gettext as _

from plans.importing.blocks import Block, ReadError

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_DOCX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_DOCX_RATIO = 100
MAX_DOCX_ENTRIES = 5000

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
        from .docx import read_docx

        blocks = read_docx(data)
    elif kind == "pdf":
        from .pdf import read_pdf

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
    """Soft hyphens and zero-width characters out, all spaces one plain space.

    PDFium reports a hyphen at a line break as the control character \x02: a hyphen
    it is, for the joiners to keep or undo.
    """
    return _SPACES.sub(" ", text.replace("\x02", "-").translate(_INVISIBLE)).strip()


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


def pdf_lines(data: bytes) -> list[str | Block]:
    """The line stream a PDF hands to the text cleaner (see pdf.py)."""
    from .pdf import pdf_lines as lines

    return lines(data)
