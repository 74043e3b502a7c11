"""Read a membership register export (CSV or XLSX) into a header and rows of text.

Nothing here knows of models: the readers return strings, and the mapping
guess works from the header names that Norwegian and Swedish registers use.
"""

from __future__ import annotations

import csv
import io
import re
import warnings
from dataclasses import dataclass, field
from datetime import date, datetime

from django.utils.translation import gettext as _

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
MAX_COLUMNS = 100
MAX_CELL = 1_000  # longer cells are cut; no field we keep is near this long

# What the app keeps of a member. first_name/last_name are read only to make a name.
FIELDS = ("member_number", "name", "first_name", "last_name", "email", "branch")
REQUIRED_FIELDS = ("member_number", "email")

# Normalised header names (see _normalise) per field, best first: where a file
# has both "Lokallag" and "Kommune", the branch comes from "Lokallag".
_SYNONYMS: dict[str, tuple[str, ...]] = {
    "member_number": (
        "medlemsnummer",
        "medlemsnr",
        "medlnr",
        "medlemsid",
        "medlemsnumer",
        "membernumber",
        "memberno",
        "membershipnumber",
        "memberid",
    ),
    "name": (
        "navn",
        "namn",
        "name",
        "fulltnavn",
        "fulltnamn",
        "fullnavn",
        "fullname",
        "medlemsnavn",
        "medlemsnamn",
    ),
    "first_name": ("fornavn", "fornamn", "förnamn", "førenamn", "firstname", "givenname"),
    "last_name": (
        "etternavn",
        "etternamn",
        "efternamn",
        "lastname",
        "surname",
        "familyname",
    ),
    "email": (
        "epost",
        "epostadresse",
        "epostadress",
        "email",
        "emailadresse",
        "emailadress",
        "emailaddress",
        "mail",
        "mejl",
        "mejladress",
    ),
    "branch": (
        "lokallag",
        "lag",
        "partiforening",
        "partiförening",
        "forening",
        "förening",
        "lokalforening",
        "lokalförening",
        "lokalavdeling",
        "lokalavdelning",
        "avdeling",
        "avdelning",
        "branch",
        "localbranch",
        "krets",
        "kommune",
        "kommun",
        "municipality",
    ),
}

# Columns a register has that the app never stores: they are dropped as the
# file is read and cannot be chosen in the mapping.
SENSITIVE_HEADERS = frozenset(
    {
        "fødselsdato",
        "fodselsdato",
        "fødselsdag",
        "fødd",
        "født",
        "födelsedatum",
        "fodelsedatum",
        "födelsedag",
        "född",
        "birthdate",
        "dateofbirth",
        "birthday",
        "dob",
        "fødselsnummer",
        "fødselsnr",
        "personnummer",
        "personnr",
        "alder",
        "ålder",
        "age",
        "kjønn",
        "kjonn",
        "kön",
        "kon",
        "gender",
        "sex",
        "adresse",
        "adress",
        "address",
        "gateadresse",
        "gatuadress",
        "postadresse",
        "postadress",
        "streetaddress",
        "adresselinje1",
        "adresselinje2",
        "postnummer",
        "postnr",
        "postkode",
        "postcode",
        "zipcode",
        "zip",
        "poststed",
        "postort",
        "postalcode",
        "city",
        "telefon",
        "telefonnummer",
        "tlf",
        "mobil",
        "mobilnummer",
        "mobiltelefon",
        "phone",
        "phonenumber",
        "mobile",
        "kontonummer",
        "bankkonto",
    }
)


class ReadError(Exception):
    """The file cannot be read as a register; the message says why, for the person."""


@dataclass
class Table:
    """The file's header and its rows; ``numbers`` are the rows' numbers as a spreadsheet shows."""

    header: list[str]
    rows: list[list[str]] = field(default_factory=list)
    numbers: list[int] = field(default_factory=list)


def _normalise(header: str) -> str:
    return re.sub(r"[\s._:\-/()]+", "", header.casefold())


def is_sensitive(header: str) -> bool:
    return _normalise(header) in SENSITIVE_HEADERS


def guess_mapping(header: list[str]) -> dict[str, int | None]:
    """The column index for each field, guessed from the header names (None: not found)."""
    names = [_normalise(name) for name in header]
    mapping: dict[str, int | None] = {}
    for field_name, synonyms in _SYNONYMS.items():
        mapping[field_name] = next(
            (names.index(synonym) for synonym in synonyms if synonym in names), None
        )
    if mapping["name"] is not None:
        mapping["first_name"] = mapping["last_name"] = None
    return mapping


def read_table(filename: str, data: bytes) -> Table:
    """Read a CSV or XLSX file; refuse anything else, and anything too large, with a ReadError."""
    if len(data) > MAX_BYTES:
        raise ReadError(
            _("The file is larger than %(size)d MB. Split it, or export only the columns needed.")
            % {"size": MAX_BYTES // (1024 * 1024)}
        )
    if not data.strip():
        raise ReadError(_("The file is empty."))
    lower = filename.lower()
    if data.startswith(b"PK\x03\x04"):
        table = _read_xlsx(data)
    elif data.startswith(b"\xd0\xcf\x11\xe0") or lower.endswith(".xls"):
        raise ReadError(
            _(
                "Old Excel files (.xls) cannot be read. "
                "Save the file as .xlsx or .csv and try again."
            )
        )
    elif lower.endswith((".csv", ".txt", ".tsv")) or not lower.rpartition(".")[1]:
        table = _read_csv(data)
    else:
        raise ReadError(
            _("Only CSV and XLSX files can be read. Export the register as one of them.")
        )
    if not table.header:
        raise ReadError(_("The file has no header row."))
    if not table.rows:
        raise ReadError(_("The file has a header row but no members."))
    return table


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text"
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise ReadError(_("The file's text cannot be read.")) from None
    if b"\x00" in data:
        raise ReadError(_("This is not a text file. Export the register as CSV or XLSX."))
    # Norwegian and Swedish Excel saves CSV in Windows-1252; latin-1 reads anything.
    for encoding in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise AssertionError("latin-1 decodes every byte")  # pragma: no cover


def _delimiter(first_line: str) -> str:
    counts = {delimiter: first_line.count(delimiter) for delimiter in (";", ",", "\t")}
    best = max(counts, key=lambda delimiter: counts[delimiter])
    return best if counts[best] else ","


def _clean(value: str) -> str:
    return value.strip()[:MAX_CELL]


def _collect(records, source_error: type[Exception] | tuple = ()) -> Table:
    header: list[str] | None = None
    table = Table(header=[])
    try:
        for number, record in enumerate(records, start=1):
            cells = [_clean(cell) for cell in record[:MAX_COLUMNS]]
            if not any(cells):
                continue
            if header is None:
                header = cells
                table.header = header
                continue
            if len(table.rows) >= MAX_ROWS:
                raise ReadError(
                    _("The file has more than %(count)d rows. Import one part of it at a time.")
                    % {"count": MAX_ROWS}
                )
            cells += [""] * (len(header) - len(cells))
            table.rows.append(cells[: len(header)])
            table.numbers.append(number)
    except source_error as error:
        raise ReadError(
            _("The file cannot be read: %(error)s") % {"error": str(error)[:200]}
        ) from None
    return table


def _read_csv(data: bytes) -> Table:
    text = _decode(data)
    first_line = text.lstrip("\r\n").split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first_line))
    return _collect(reader, csv.Error)


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # member numbers typed as numbers: 10023.0 → "10023"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _read_xlsx(data: bytes) -> Table:
    import zipfile

    from openpyxl import load_workbook

    with warnings.catch_warnings():
        # openpyxl warns about styles and extensions other programs write; they do not matter.
        warnings.simplefilter("ignore")
        try:
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as error:
            raise ReadError(
                _("The file cannot be read as an XLSX workbook (%(error)s).")
                % {"error": str(error)[:200]}
            ) from None
        try:
            if not workbook.worksheets:
                raise ReadError(_("The workbook has no sheets."))
            sheet = workbook.worksheets[0]
            records = (
                [_cell_text(value) for value in row]
                for row in sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True)
            )
            return _collect(records, (zipfile.BadZipFile, KeyError, ValueError, TypeError))
        finally:
            workbook.close()


def mapped_rows(table: Table, mapping: dict[str, int | None]) -> list[dict[str, str | int]]:
    """Only what the app keeps: row number, member number, name, email, branch."""

    def cell(row: list[str], field_name: str) -> str:
        index = mapping.get(field_name)
        return row[index] if index is not None and 0 <= index < len(row) else ""

    result = []
    for number, row in zip(table.numbers, table.rows, strict=True):
        name = cell(row, "name")
        if not name:
            name = " ".join(
                part for part in (cell(row, "first_name"), cell(row, "last_name")) if part
            )
        result.append(
            {
                "row": number,
                "number": cell(row, "member_number"),
                "name": " ".join(name.split()),
                "email": cell(row, "email").strip().lower(),
                "branch": " ".join(cell(row, "branch").split()),
            }
        )
    return result


def without_sensitive_columns(table: Table) -> Table:
    """The table with the columns the app never stores (birth date, address, phone …) dropped."""
    keep = [index for index, name in enumerate(table.header) if name and not is_sensitive(name)]
    return Table(
        header=[table.header[index] for index in keep],
        rows=[[row[index] for index in keep] for row in table.rows],
        numbers=list(table.numbers),
    )
