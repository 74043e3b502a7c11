"""The membership register: upload a party's export, choose columns, preview, apply."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from organisations.models import (
    Membership,
    MembershipSource,
    Organisation,
    RegisterImport,
    User,
)
from organisations.register.plan import BranchIndex
from organisations.register.readers import (
    MAX_BYTES,
    ReadError,
    guess_mapping,
    read_table,
)
from organisations.register.services import (
    register_import_apply,
    register_import_map,
    register_import_start,
)
from plans.models import Activity

pytestmark = pytest.mark.django_db

AKERSHUS = "rodt-akershus"
HEADER = [
    "Medlemsnummer",
    "Fornavn",
    "Etternavn",
    "Fødselsdato",
    "Adresse",
    "Postnummer",
    "Telefon",
    "E-post",
    "Lokallag",
]
# Data the app must never store: every birth date and address in the files below.
BIRTH_DATE = re.compile(r"\d\d\.\d\d\.19\d\d")
ADDRESS = "Registergata"
PHONE = "+47 4"
BRANCHES = ["Asker", "Rødt Bærum", "", "rodt-asker", "BÆRUM"]
BAD_EMAIL_ROW, DUPLICATE_EMAIL_ROW, UNKNOWN_BRANCH_ROW = 12, 22, 32  # spreadsheet rows


def member_row(i: int) -> list[str]:
    return [
        str(100_000 + i),
        f"Fornavn{i}",
        "Nordmann",
        f"{1 + i % 28:02d}.{1 + i % 12:02d}.19{50 + i % 50}",
        f"{ADDRESS} {i}",
        "1384",
        f"{PHONE}{i:07d}",
        f"medlem{i}@eksempel.no",
        BRANCHES[i % len(BRANCHES)],
    ]


def register_rows(count: int = 500) -> list[list[str]]:
    """``count`` members of Rødt Akershus, exactly three of them with a fault."""
    rows = [member_row(i) for i in range(count)]
    rows[BAD_EMAIL_ROW - 2][7] = "medlem10(at)eksempel.no"
    rows[DUPLICATE_EMAIL_ROW - 2][7] = rows[3][7]
    rows[UNKNOWN_BRANCH_ROW - 2][8] = "Lillestrøm"
    return rows


def to_csv(rows, *, header=HEADER, delimiter=",", encoding="utf-8") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def url(name: str, register_import: RegisterImport | None = None, slug: str = AKERSHUS) -> str:
    kwargs = {"slug": slug}
    if register_import is not None:
        kwargs["pk"] = register_import.pk
    return reverse(f"organisations:register_{name}", kwargs=kwargs)


def upload(client, data: bytes, filename: str = "medlemmer.csv", slug: str = AKERSHUS):
    return client.post(url("upload", slug=slug), {"file": SimpleUploadedFile(filename, data)})


def start(client, data: bytes, filename: str = "medlemmer.csv") -> RegisterImport:
    response = upload(client, data, filename)
    assert response.status_code == 302, response.context["form"].errors
    register_import = RegisterImport.objects.latest("pk")
    assert response.url == url("mapping", register_import)
    return register_import


def choose_guessed_columns(client, register_import: RegisterImport):
    guess = register_import.mapping["guess"]
    data = {name: "" if index is None else str(index) for name, index in guess.items()}
    response = client.post(url("mapping", register_import), data)
    assert response.status_code == 302
    assert response.url == url("preview", register_import)


def preview(client, data: bytes, filename: str = "medlemmer.csv"):
    """Upload the file, take the guessed columns, and return (import, plan, preview page)."""
    register_import = start(client, data, filename)
    choose_guessed_columns(client, register_import)
    register_import.refresh_from_db()
    response = client.get(url("preview", register_import))
    assert response.status_code == 200
    return register_import, response.context["plan"], response


def apply(client, register_import, plan, *, end_missing: bool = False):
    data = {"digest": plan.digest}
    if end_missing:
        data["end_missing"] = "1"
    response = client.post(url("apply", register_import), data)
    assert response.status_code == 302
    assert response.url == url("result", register_import)
    register_import.refresh_from_db()
    return register_import.summary


def subtree_register_members(**filters):
    subtree = Organisation.objects.descendants(
        Organisation.objects.get(slug=AKERSHUS), include_self=True
    )
    return Membership.objects.filter(
        organisation__in=list(subtree.values_list("pk", flat=True)),
        source=MembershipSource.REGISTER,
        **filters,
    )


def database_text() -> str:
    """Every value of every table, as text: to look for what must never be stored."""
    parts = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - our own table names
            parts.extend(str(row) for row in cursor.fetchall())
    return "\n".join(parts)


def assert_nothing_sensitive_stored():
    for register_import in RegisterImport.objects.all():
        stored = f"{register_import.rows}{register_import.mapping}{register_import.summary}"
        assert ADDRESS not in stored
        assert not BIRTH_DATE.search(stored)
    everything = database_text()
    assert ADDRESS not in everything
    assert not BIRTH_DATE.search(everything)
    assert PHONE not in everything


@pytest.fixture
def admin(client_for):
    """The national admin of Rødt, reading the pages in English (the msgids)."""
    client = client_for("admin")
    client.cookies["django_language"] = "en"  # chosen in the menu; the browser's is ignored
    return client


def test_500_rows_with_3_bad_import_497_and_a_second_import_changes_nothing(admin):
    rows = register_rows()
    data = to_csv(rows)

    register_import, plan, page = preview(admin, data)
    assert register_import.mapping["ignored"] == ["Fødselsdato", "Adresse", "Postnummer", "Telefon"]
    assert_nothing_sensitive_stored()  # not even between the steps
    errors = {error.row: " ".join(error.reasons) for error in plan.errors}
    assert sorted(errors) == [BAD_EMAIL_ROW, DUPLICATE_EMAIL_ROW, UNKNOWN_BRANCH_ROW]
    assert "“medlem10(at)eksempel.no” is not an email address." in errors[BAD_EMAIL_ROW]
    assert "The email address is also on row 5." in errors[DUPLICATE_EMAIL_ROW]
    assert (
        "There is no organisation called “Lillestrøm” in Rødt Akershus."
        in (errors[UNKNOWN_BRANCH_ROW])
    )
    assert plan.counts() == {
        "rows": 500,
        "new": 497,
        "changed": 0,
        "unchanged": 0,
        "ended": 0,
        "errors": 3,
        "warnings": 0,
    }
    text = page.content.decode()
    assert "medlem10(at)eksempel.no" in text
    assert "Birth dates, addresses" in text  # the page says what is (not) stored

    log_before = Activity.objects.count()
    summary = apply(admin, register_import, plan)
    assert summary["new"] == 497 and summary["errors"] == 3
    assert subtree_register_members().count() == 497
    assert not RegisterImport.objects.get(pk=register_import.pk).rows
    entries = Activity.objects.filter(action="register.apply")
    assert Activity.objects.count() == log_before + 1
    entry = entries.get()
    assert "497" in entry.summary and "Fornavn" not in entry.summary
    assert entry.changes == {"members": [0, 497]}

    asker = Organisation.objects.get(slug="rodt-asker")
    member = Membership.objects.select_related("person").get(member_number="100000")
    assert member.organisation == asker and member.since == timezone.localdate()
    assert member.person.name == "Fornavn0 Nordmann"
    assert member.person.email == "medlem0@eksempel.no"
    assert not member.person.has_usable_password()
    assert Membership.objects.get(member_number="100001").organisation.slug == "rodt-baerum"
    assert Membership.objects.get(member_number="100002").organisation.slug == AKERSHUS
    assert Membership.objects.get(member_number="100004").organisation.slug == "rodt-baerum"
    assert not Membership.objects.filter(member_number="100030").exists()
    assert_nothing_sensitive_stored()

    # The same file again: nothing to do, nothing written, nothing logged.
    users, memberships = User.objects.count(), list(subtree_register_members().values())
    again, plan, _page = preview(admin, data)
    assert plan.counts()["unchanged"] == 497
    assert (plan.counts()["new"], plan.counts()["changed"], plan.counts()["ended"]) == (0, 0, 0)
    summary = apply(admin, again, plan)
    assert (summary["new"], summary["changed"], summary["ended"]) == (0, 0, 0)
    assert User.objects.count() == users
    assert list(subtree_register_members().values()) == memberships
    assert Activity.objects.count() == log_before + 1

    # A later file without ten of them: they end only when the admin says so.
    missing = {str(100_000 + i) for i in range(400, 410)}
    later = to_csv([row for row in rows if row[0] not in missing])
    second, plan, page = preview(admin, later)
    assert {membership.member_number for membership in plan.ended} == missing
    assert "10 members missing from the file" in page.content.decode()
    summary = apply(admin, second, plan)  # the box is not ticked
    assert summary["ended"] == 0 and summary["not_ended"] == 10
    assert subtree_register_members(ends_on__isnull=True).count() == 497
    assert Activity.objects.count() == log_before + 1

    third, plan, _page = preview(admin, later)
    assert len(plan.ended) == 10
    summary = apply(admin, third, plan, end_missing=True)
    assert summary["ended"] == 10
    ended = subtree_register_members(ends_on=timezone.localdate())
    assert set(ended.values_list("member_number", flat=True)) == missing
    assert Activity.objects.filter(action="register.apply").count() == 2

    # Ended once is ended: the same file again ends nobody more.
    fourth, plan, _page = preview(admin, later)
    assert plan.counts()["ended"] == 0 and not plan.has_changes
    assert_nothing_sensitive_stored()


def test_applying_500_rows_takes_a_fixed_number_of_queries(persona):
    admin = persona("admin")
    organisation = Organisation.objects.get(slug=AKERSHUS)
    register_import = register_import_start(
        organisation=organisation, by=admin, filename="m.csv", data=to_csv(register_rows())
    )
    register_import_map(register_import=register_import, mapping=register_import.mapping["guess"])
    with CaptureQueriesContext(connection) as queries:
        register_import_apply(register_import=register_import, by=admin)
    assert len(queries) <= 30
    assert subtree_register_members().count() == 497


def test_changes_in_the_register_are_previewed_and_applied(admin):
    rows = [member_row(i) for i in range(20)]
    register_import, plan, _page = preview(admin, to_csv(rows))
    apply(admin, register_import, plan)

    rows[0][8] = "Bærum"  # moved from Asker
    rows[1][1] = "Kari"  # a new first name
    rows[2][7] = "ny.adresse@eksempel.no"
    register_import, plan, page = preview(admin, to_csv(rows))
    assert plan.counts()["changed"] == 3 and plan.counts()["unchanged"] == 17
    shown = {change.number: change.shown for change in plan.changed}
    assert shown["100000"] == [("Organisation", "Rødt Asker", "Rødt Bærum")]
    assert shown["100001"] == [("Name", "Fornavn1 Nordmann", "Kari Nordmann")]
    assert shown["100002"] == [("Email", "medlem2@eksempel.no", "ny.adresse@eksempel.no")]
    apply(admin, register_import, plan)
    assert Membership.objects.get(member_number="100000").organisation.slug == "rodt-baerum"
    assert Membership.objects.get(member_number="100001").person.name == "Kari Nordmann"
    assert Membership.objects.get(member_number="100002").person.email == "ny.adresse@eksempel.no"

    register_import, plan, _page = preview(admin, to_csv(rows))
    assert not plan.has_changes and plan.unchanged == 20


def test_a_member_the_app_knows_gets_the_member_number_and_keeps_their_own_account(admin):
    header = ["Medlemsnr.", "Navn", "E-post", "Lokallag"]
    rows = [["777", "Mona M. Medlem", "medlem@example.org", "Asker"]]
    register_import, plan, _page = preview(admin, to_csv(rows, header=header))
    assert plan.counts()["new"] == 0 and plan.counts()["changed"] == 1
    assert plan.changed[0].shown == [("Member number", "", "777")]
    assert "The name in the app is kept" in plan.warnings[0].message
    apply(admin, register_import, plan)
    membership = Membership.objects.get(person__email="medlem@example.org")
    assert (membership.member_number, membership.source) == ("777", MembershipSource.REGISTER)
    assert membership.person.name == "Mona Medlem"
    assert membership.person.has_usable_password()


def test_an_xlsx_export_is_read_from_its_first_sheet(admin):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Medlemsnr.", "Navn", "Fødselsdato", "E-postadresse", "Kommune", "Adresse"])
    sheet.append([5001, "Åse Ødegård", datetime(1961, 12, 31), "ase@eksempel.no", "Asker", "X 1"])
    sheet.append([5002.0, "Per Ås", datetime(1970, 1, 2), "per@eksempel.no", "Bærum", "Y 2"])
    workbook.create_sheet("Notater").append(["not read"])
    out = io.BytesIO()
    workbook.save(out)

    register_import, plan, _page = preview(admin, out.getvalue(), "register.xlsx")
    assert register_import.mapping["fields"] == {
        "member_number": "Medlemsnr.",
        "name": "Navn",
        "email": "E-postadresse",
        "branch": "Kommune",
    }
    assert [(m.number, m.name, m.organisation.slug) for m in plan.new] == [
        ("5001", "Åse Ødegård", "rodt-asker"),
        ("5002", "Per Ås", "rodt-baerum"),
    ]
    apply(admin, register_import, plan)
    assert "1961" not in str(RegisterImport.objects.get(pk=register_import.pk).summary)
    assert "1961-12-31" not in database_text()


def test_a_semicolon_csv_in_windows_1252_from_norwegian_excel(admin):
    header = ["Medlemsnummer", "Etternavn", "Fornavn", "Epost", "Lag", "Adresse"]
    rows = [
        ["9001", "Ærø", "Øystein", "oystein@eksempel.no", "Rødt Bærum", f"{ADDRESS} 1"],
        ["9002", "Strøm", "Åshild", "ASHILD@Eksempel.no", "asker", f"{ADDRESS} 2"],
    ]
    data = to_csv(rows, header=header, delimiter=";", encoding="cp1252")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    register_import, plan, _page = preview(admin, data)
    assert [(m.name, m.email, m.organisation.slug) for m in plan.new] == [
        ("Øystein Ærø", "oystein@eksempel.no", "rodt-baerum"),
        ("Åshild Strøm", "ashild@eksempel.no", "rodt-asker"),
    ]
    apply(admin, register_import, plan)
    assert User.objects.get(email="oystein@eksempel.no").name == "Øystein Ærø"
    assert_nothing_sensitive_stored()


def test_tab_separated_and_utf8_with_bom_are_read():
    table = read_table("x.txt", "\ufeffMedlemsnr\tNavn\tE-mail\n1\tÅ B\ta@b.no\n".encode())
    assert table.header == ["Medlemsnr", "Navn", "E-mail"]
    assert table.rows == [["1", "Å B", "a@b.no"]]
    assert table.numbers == [2]


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (["Medlemsnummer", "Navn", "E-post", "Lokallag"], (0, 1, None, None, 2, 3)),
        (["Member number", "Name", "E-mail", "Branch"], (0, 1, None, None, 2, 3)),
        (["Medlemsnr.", "Fornavn", "Etternavn", "Epost", "Kommune"], (0, None, 1, 2, 3, 4)),
        (["Medlemsnummer", "Namn", "E-postadress", "Partiförening"], (0, 1, None, None, 2, 3)),
        (
            ["Medlemsnr", "Fødselsdato", "Adresse", "Telefon", "E-postadresse", "Krets"],
            (0, None, None, None, 4, 5),
        ),
        (["Kommune", "Lokallag", "Medlemsnr", "E-post"], (2, None, None, None, 3, 1)),
    ],
)
def test_the_columns_are_guessed_from_their_names(header, expected):
    guess = guess_mapping(header)
    fields = ("member_number", "name", "first_name", "last_name", "email", "branch")
    assert tuple(guess[name] for name in fields) == expected


def test_a_branch_is_found_by_what_the_register_calls_it():
    county = Organisation.objects.get(slug=AKERSHUS)
    subtree = list(Organisation.objects.descendants(county, include_self=True))
    index = BranchIndex(subtree, Organisation.objects.get(slug="rodt"))
    for text in ("Rødt Asker", "asker", "ASKER", "rodt-asker", " Asker "):
        assert index.find(text)[0].slug == "rodt-asker", text
    for text in ("Bærum", "baerum", "Rødt  Bærum"):
        assert index.find(text)[0].slug == "rodt-baerum", text
    assert index.find("Akershus")[0] == county
    assert index.find("Oslo") == (None, False)  # another county of the party

    ap = Organisation.objects.get(slug="arbeiderpartiet")
    ap_tree = list(Organisation.objects.descendants(ap, include_self=True))
    assert BranchIndex(ap_tree, ap).find("Asker")[0].slug == "ap-asker"


def test_bad_rows_get_a_reason_and_change_nothing(admin):
    baerum = Organisation.objects.get(slug="rodt-baerum")
    baerum.closed_on = date(2026, 1, 1)
    baerum.save()
    header = ["Medlemsnummer", "Navn", "E-post", "Lokallag"]
    rows = [
        ["", "Uten Nummer", "uten@eksempel.no", "Asker"],
        ["1", "En", "en@eksempel.no", "Asker"],
        ["1", "Samme Nummer", "samme@eksempel.no", "Asker"],
        ["2", "Uten Epost", "", "Asker"],
        ["3", "Stengt Lag", "stengt@eksempel.no", "Bærum"],
        ["4", "Feil Form", "feil@", "Asker"],
        ["5", "Annet Parti", "annet@eksempel.no", "Asker Arbeiderparti"],
        ["6", "Kontroll\x07tegn", "kontroll@eksempel.no", "Asker"],
    ]
    members, users = Membership.objects.count(), User.objects.count()
    register_import, plan, page = preview(admin, to_csv(rows, header=header))
    reasons = {error.row: " ".join(error.reasons) for error in plan.errors}
    assert reasons == {
        2: "The member number is missing.",
        4: "The member number 1 is also on row 3.",
        5: "The email address is missing: the app keeps a member by their email.",
        6: reasons[6],
        7: "“feil@” is not an email address.",
        8: "There is no organisation called “Asker Arbeiderparti” in Rødt Akershus.",
        9: "The text contains control characters that cannot be stored; remove them.",
    }
    assert "Rødt Bærum was closed on" in reasons[6]
    assert [member.number for member in plan.new] == ["1"]
    for reason in reasons.values():
        assert reason.split("“")[0] in page.content.decode()
    apply(admin, register_import, plan)
    assert Membership.objects.count() == members + 1
    assert User.objects.count() == users + 1


@pytest.mark.parametrize(
    ("filename", "data", "message"),
    [
        ("plan.pdf", b"%PDF-1.7 ...", "Only CSV and XLSX files can be read."),
        ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "Old Excel files (.xls)"),
        ("broken.xlsx", b"PK\x03\x04 not really a zip", "cannot be read as an XLSX workbook"),
        ("empty.csv", b"", "The submitted file is empty."),
        ("blank.csv", b"\r\n  \r\n", "The file is empty."),
        ("header.csv", b"Medlemsnummer;Navn;E-post\r\n", "a header row but no members"),
        ("binary.csv", b"Medlemsnummer\x00\x01\x02", "This is not a text file."),
        ("big.csv", b"Medlemsnummer\n" + b"1\n" * (MAX_BYTES // 2), "larger than 5 MB"),
        ("many.csv", b"Medlemsnummer\n" + b"1\n" * 20_001, "more than 20000 rows"),
        ("only-private.csv", b"Adresse;Telefon\nX;Y\n", "no columns the app can use"),
    ],
)
def test_a_file_that_cannot_be_used_gets_a_message_and_is_not_kept(admin, filename, data, message):
    imports = RegisterImport.objects.count()
    response = upload(admin, data, filename)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["file"])
    assert RegisterImport.objects.count() == imports


def test_the_reader_refuses_files_over_the_limit_without_the_form():
    with translation.override("en"), pytest.raises(ReadError, match="larger than 5 MB"):
        read_table("x.csv", b"x" * (MAX_BYTES + 1))


def test_a_column_chosen_twice_or_a_missing_email_column_is_refused(admin):
    register_import = start(admin, to_csv([member_row(1)]))
    response = admin.post(
        url("mapping", register_import),
        {"member_number": "0", "name": "0", "email": "7", "branch": ""},
    )
    assert response.status_code == 200
    assert "Each column can hold only one thing" in response.content.decode()
    response = admin.post(url("mapping", register_import), {"member_number": "0", "email": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["email"]
    response = admin.post(url("mapping", register_import), {"member_number": "0", "email": "99"})
    assert response.context["form"].errors["email"]
    register_import.refresh_from_db()
    assert "fields" not in register_import.mapping


def test_a_preview_that_went_stale_is_not_applied(admin, persona):
    register_import, plan, _page = preview(admin, to_csv([member_row(1)]))
    # Meanwhile Rødt Asker's admin imports a member the county's file does not have.
    other = register_import_start(
        organisation=Organisation.objects.get(slug="rodt-asker"),
        by=persona("admin"),
        filename="asker.csv",
        data=to_csv([member_row(2)]),
    )
    register_import_map(register_import=other, mapping=other.mapping["guess"])
    register_import_apply(register_import=other, by=None)
    members = Membership.objects.count()
    response = admin.post(url("apply", register_import), {"digest": plan.digest})
    assert response.status_code == 302 and response.url == url("preview", register_import)
    assert Membership.objects.count() == members
    page = admin.get(url("preview", register_import))
    assert "The members changed since you saw the preview" in page.content.decode()
    assert page.context["plan"].counts()["ended"] == 1


def test_a_discarded_file_leaves_nothing_behind(admin):
    register_import = start(admin, to_csv([member_row(1)]))
    response = admin.post(url("discard", register_import))
    assert response.status_code == 302
    assert not RegisterImport.objects.filter(pk=register_import.pk).exists()


def test_steps_that_are_over_lead_to_the_result(admin):
    register_import, plan, _page = preview(admin, to_csv([member_row(1)]))
    assert admin.get(url("result", register_import)).url == url("preview", register_import)
    apply(admin, register_import, plan)
    for step in ("mapping", "preview"):
        assert admin.get(url(step, register_import)).url == url("result", register_import)
    assert admin.post(url("apply", register_import)).url == url("result", register_import)
    page = admin.get(url("result", register_import))
    assert page.status_code == 200
    assert "Only these counts are kept" in page.content.decode()


@pytest.mark.parametrize(
    ("persona_name", "status"),
    [("other_admin", 404), ("outsider", 404), ("board", 403), ("secretary", 403)],
)
def test_only_admins_of_the_organisation_import_its_register(
    client_for, persona, persona_name, status
):
    client = client_for(persona_name)
    assert client.get(url("upload")).status_code == status
    assert upload(client, to_csv([member_row(1)])).status_code == status
    register_import = register_import_start(
        organisation=Organisation.objects.get(slug=AKERSHUS),
        by=persona("admin"),
        filename="m.csv",
        data=to_csv([member_row(1)]),
    )
    assert client.get(url("mapping", register_import)).status_code == status
    register_import_map(register_import=register_import, mapping=register_import.mapping["guess"])
    for step in ("preview", "result"):
        assert client.get(url(step, register_import)).status_code == status
    for step in ("apply", "discard"):
        assert client.post(url(step, register_import)).status_code == status
    assert RegisterImport.objects.get(pk=register_import.pk).applied_at is None
    assert not Membership.objects.filter(member_number="100001").exists()


def test_an_admin_of_another_party_cannot_reach_an_import_through_their_own_organisation(
    client_for, persona
):
    register_import = register_import_start(
        organisation=Organisation.objects.get(slug=AKERSHUS),
        by=persona("admin"),
        filename="m.csv",
        data=to_csv([member_row(1)]),
    )
    client = client_for("other_admin")
    assert client.get(url("upload", slug="arbeiderpartiet")).status_code == 200
    for step in ("mapping", "preview", "result"):
        assert client.get(url(step, register_import, "arbeiderpartiet")).status_code == 404
    assert client.post(url("apply", register_import, "arbeiderpartiet")).status_code == 404
