"""No 500s: every URL of our apps, fed random and malformed input, answers without crashing.

The URL patterns and the objects they point at come from the permission matrix
(which fails when a pattern is missing from it). Each pattern is read once as
the admin to learn its form's field names, then posted to and queried with
garbage (empty, huge, NUL and control characters, unicode, impossible numbers
and dates, lists for scalars, unknown fields) as the admin and as a visitor.
The random generator has a fixed seed per pattern, so a failure repeats.
"""

from __future__ import annotations

import random
import re
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from organisations.models import User
from tests.conftest import PERSONAS
from tests.test_permission_matrix import MATRIX

pytestmark = pytest.mark.django_db

SEED = 20261204
POSTS_PER_PERSONA = 6
GETS_PER_PERSONA = 3

NASTY = [
    "",
    " ",
    "x" * 20_000,
    "Æ" * 5_000,
    "\x00",
    "a\x00b",
    "\x01\x02\x1b[31m\x7f",
    "\u202eØÅ\u200b\ufeff",
    "💥🏳️‍🌈",
    "\ud800".encode("utf-8", "surrogatepass").decode("utf-8", "replace"),
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "../../etc/passwd",
    "%00",
    "0",
    "-1",
    "-0",
    "1e308",
    "-1e309",
    "NaN",
    "inf",
    "9" * 40,
    "-" + "9" * 40,
    str(2**63),
    "3.14",
    "1,5",
    "0000-00-00",
    "2026-02-30",
    "2026-13-01",
    "9999-12-31",
    "0001-01-01",
    "31.02.2026",
    "99.99.9999",
    "2026-02-30T25:61",
    "våren 0",
    "høsten 99999",
    "true",
    "on",
    "null",
    "[]",
    "{}",
]
COMMON_FIELDS = [
    "title",
    "text",
    "name",
    "note",
    "reason",
    "status",
    "date",
    "due",
    "value",
    "year",
    "month",
    "day",
    "start",
    "end",
    "language",
    "next",
    "order",
    "position",
    "pk",
    "id",
    "revision",
    "organisation",
    "body",
    "q",
    "page",
    "kind",
]
FIELD = re.compile(r"<(?:input|select|textarea)\b[^>]*\bname=\"([^\"]+)\"", re.IGNORECASE)
FILE_FIELD = re.compile(r"<input\b[^>]*\btype=\"file\"[^>]*\bname=\"([^\"]+)\"", re.IGNORECASE)


def _targets() -> list[tuple[str, object]]:
    """Each URL name with each distinct kwargs factory the matrix gives it."""
    seen, targets = set(), []
    for name, kwargs, _method, _data, _expected in MATRIX:
        key = (name, getattr(kwargs, "__qualname__", repr(kwargs)), id(kwargs))
        if key not in seen:
            seen.add(key)
            targets.append((name, kwargs))
    return targets


def _value(rng: random.Random):
    roll = rng.random()
    if roll < 0.15:  # a list where a scalar is expected
        return [rng.choice(NASTY) for _ in range(rng.randint(2, 4))]
    if roll < 0.2:
        return rng.choice(["a", "1", "2026-06-01"])  # something almost valid
    return rng.choice(NASTY)


def _payload(rng: random.Random, fields: list[str], files: list[str]) -> dict:
    payload = {}
    chosen = [f for f in fields if rng.random() < 0.8]
    chosen += [rng.choice(NASTY)[:30] or "empty" for _ in range(rng.randint(0, 2))]  # unknown
    for field in chosen:
        payload[field] = _value(rng)
    for field in files:
        if rng.random() < 0.7:
            data = rng.choice([b"", b"\x00" * 100, rng.randbytes(2_000), "Æ;Ø\n1;2".encode()])
            payload[field] = SimpleUploadedFile(
                rng.choice(["x.docx", "x.pdf", "x.csv", "x.xlsx", "x.md", "x", "\x00.txt"]),
                data,
            )
    return payload


def _client(persona: str | None) -> Client:
    client = Client(raise_request_exception=False)
    if persona:
        client.force_login(User.objects.get(email=PERSONAS[persona]))
    return client


def _form_fields(client: Client, url: str) -> tuple[list[str], list[str]]:
    response = client.get(url)
    if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
        return [], []
    html = response.content.decode(errors="replace")
    names = [n for n in dict.fromkeys(FIELD.findall(html)) if n != "csrfmiddlewaretoken"]
    return names, list(dict.fromkeys(FILE_FIELD.findall(html)))


@pytest.mark.parametrize(("name", "kwargs"), _targets(), ids=[t[0] for t in _targets()])
def test_no_url_answers_500_to_garbage(name, kwargs):
    rng = random.Random(SEED + zlib.crc32(name.encode()))
    url = reverse(name, kwargs=kwargs())
    admin = _client("admin")
    fields, files = _form_fields(admin, url)
    matrix_fields = [
        key for row in MATRIX if row[0] == name and isinstance(row[3], dict) for key in row[3]
    ]
    fields = list(dict.fromkeys(fields + matrix_fields + rng.sample(COMMON_FIELDS, 6)))
    failures = []
    for persona in ("admin", None):
        client = admin if persona else _client(None)
        for i in range(POSTS_PER_PERSONA):
            headers = {"HTTP_HX_REQUEST": "true"} if i % 2 else {}
            payload = _payload(rng, fields, files)
            response = client.post(url, payload, **headers)
            if response.status_code >= 500:
                failures.append(("POST", persona, {k: repr(v)[:80] for k, v in payload.items()}))
        for _ in range(GETS_PER_PERSONA):
            params = {field: _value(rng) for field in rng.sample(fields, min(len(fields), 5))}
            response = client.get(url, params)
            if response.status_code >= 500:
                failures.append(("GET", persona, {k: repr(v)[:80] for k, v in params.items()}))
    assert failures == [], f"{url}: {failures}"


def test_the_fuzzer_covers_every_pattern_of_the_matrix():
    assert {name for name, _ in _targets()} == {row[0] for row in MATRIX}
    assert len(_targets()) >= len({row[0] for row in MATRIX})
