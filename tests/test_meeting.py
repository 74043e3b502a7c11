"""The annual meeting: a proposal with fixed line numbers, amendments, recommendations, votes,
and the merge of what was adopted into the text that is adopted."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from calendar_app.models import Event
from goals.models import Goal, Measure
from organisations.models import Body, Organisation, User
from plans.meeting.lines import cited_span, plan_lines, wrap_spans
from plans.meeting.merge import merge_of, proposal_adopt
from plans.meeting.services import (
    amendment_recommend,
    amendment_submit,
    amendment_update,
    amendment_vote,
    amendment_withdraw,
    plan_propose_to_meeting,
)
from plans.models import Amendment, Outcome, Plan, PlanStatus, Proposal
from plans.services import plan_copy
from tests.conftest import missing_service

TODAY = timezone.localdate


@pytest.fixture
def admin(db):
    return User.objects.get(email="admin@example.org")


@pytest.fixture
def member(db):
    return User.objects.get(email="medlem@example.org")


@pytest.fixture
def akershus(db):
    return Organisation.objects.get(slug="rodt-akershus")


@pytest.fixture
def draft(admin, akershus):
    """Version 2 of the demo Akershus plan, as the board hands it to the meeting."""
    adopted = Plan.objects.get(organisation=akershus, status=PlanStatus.ADOPTED)
    return plan_copy(plan=adopted, by=admin, new_version=True)


@pytest.fixture
def proposal(draft, admin, akershus):
    return plan_propose_to_meeting(
        plan=draft,
        meeting=Body.objects.get(organisation=akershus, name="Fylkesårsmøtet"),
        meeting_on=TODAY() + timedelta(days=30),
        deadline=TODAY() + timedelta(days=14),
        by=admin,
    )


def lines_of(proposal, kind):
    return [line for line in proposal.lines if line["kind"] == kind]


def measure_lines(proposal, measure):
    return [
        line["n"]
        for line in proposal.lines
        if line["kind"] == "measure" and line["id"] == measure.pk
    ]


# Line numbers.


def test_wrapping_keeps_every_word_and_each_line_within_the_width():
    text = "Rødt Akershus skal " * 30 + "\nNy linje etter et linjeskift.\n\nAvsnitt to."
    spans = wrap_spans(text, 40)
    assert all(end - start <= 40 for start, end in spans)
    assert " ".join(text[s:e] for s, e in spans).split() == text.split()
    assert text[spans[-1][0] : spans[-1][1]] == "Avsnitt to."


def test_a_word_longer_than_a_line_gets_a_line_of_its_own():
    assert wrap_spans("kort " + "x" * 100 + " kort", 20) == [(0, 4), (5, 105), (106, 110)]


def test_proposing_fixes_numbered_lines_that_cover_the_whole_text(proposal, draft):
    numbers = [line["n"] for line in proposal.lines]
    assert numbers == list(range(1, len(numbers) + 1))
    measures = Measure.objects.filter(goal__plan=draft)
    assert {line["id"] for line in lines_of(proposal, "measure")} == set(
        measures.values_list("pk", flat=True)
    )
    measure = measures.order_by("goal__order", "order").first()
    cited = [
        line["text"]
        for line in proposal.lines
        if line["kind"] == "measure" and line["id"] == measure.pk
    ]
    assert " ".join(cited).split() == measure.text.split()


def test_the_numbers_stay_when_the_plan_text_later_changes(proposal):
    before = list(proposal.lines)
    Measure.objects.filter(pk=lines_of(proposal, "measure")[0]["id"]).update(text="Kort")
    proposal.refresh_from_db()
    assert proposal.lines == before
    assert plan_lines(proposal.plan) != before


def test_a_range_over_two_items_is_refused_with_what_to_do(proposal):
    first_measure, second = lines_of(proposal, "measure")[0], None
    second = next(
        line
        for line in proposal.lines
        if line["n"] > first_measure["n"] and line["id"] != first_measure["id"]
    )
    with pytest.raises(ValidationError, match="mer enn ett"):
        cited_span(proposal.lines, first_measure["n"], second["n"])
    with pytest.raises(ValidationError, match="linje 1 til"):
        cited_span(proposal.lines, len(proposal.lines) + 1, len(proposal.lines) + 1)


# The proposal and its meeting.


def test_the_meeting_and_deadline_show_on_the_plan_and_the_calendar(proposal, client_for):
    event = Event.objects.get(pk=proposal.event_id)
    assert event.is_annual_meeting and event.organisation == proposal.plan.organisation
    assert timezone.localtime(event.starts_at, event.organisation.zoneinfo).date() == (
        proposal.meeting_on
    )
    page = client_for("member").get(proposal.plan.get_absolute_url()).content.decode()
    assert "Fylkesårsmøtet" in page
    assert reverse("plans:amendments", args=[proposal.plan.pk]) in page
    agenda = client_for("member").get(reverse("calendar_app:agenda", args=["rodt-akershus"]))
    assert f"Fylkesårsmøtet: {proposal.plan.title}" in agenda.content.decode()


def test_a_proposal_needs_a_meeting_of_the_organisation_and_a_deadline_before_it(draft, admin):
    ap_meeting = Body.objects.get(organisation__slug="arbeiderpartiet-akershus", name="Årsmøtet")
    own = Body.objects.get(organisation=draft.organisation, name="Fylkesårsmøtet")
    with pytest.raises(ValidationError) as error:
        plan_propose_to_meeting(
            plan=draft, meeting=ap_meeting, meeting_on=TODAY(), deadline=TODAY(), by=admin
        )
    assert "meeting" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        plan_propose_to_meeting(
            plan=draft,
            meeting=own,
            meeting_on=TODAY() + timedelta(days=3),
            deadline=TODAY() + timedelta(days=4),
            by=admin,
        )
    assert "deadline" in error.value.message_dict
    draft.refresh_from_db()
    assert draft.status == PlanStatus.DRAFT


def test_the_propose_page_names_the_meeting(draft, client_for):
    client = client_for("admin")
    url = reverse("plans:propose", args=[draft.pk])
    meeting = Body.objects.get(organisation=draft.organisation, name="Fylkesårsmøtet")
    empty = client.post(url, {})
    assert empty.status_code == 200
    assert {"meeting_on", "deadline"} <= set(empty.context["form"].errors)
    response = client.post(
        url,
        {
            "meeting": meeting.pk,
            "meeting_on": (TODAY() + timedelta(days=20)).isoformat(),
            "deadline": (TODAY() + timedelta(days=10)).isoformat(),
            "from_members": "on",
        },
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == PlanStatus.PROPOSED and draft.proposal.meeting == meeting


# Amendments.


def first_measure(proposal):
    return Measure.objects.get(pk=lines_of(proposal, "measure")[0]["id"])


def test_a_member_cites_lines_and_the_cited_text_is_what_the_lines_say(proposal, member):
    measure = first_measure(proposal)
    numbers = measure_lines(proposal, measure)
    amendment = amendment_submit(
        proposal=proposal,
        by=member,
        values={
            "action": "replace",
            "first_line": numbers[0],
            "last_line": numbers[-1],
            "text": "Ny tekst",
        },
    )
    assert amendment.number == 1
    assert amendment.cited_text.split() == measure.text.split()
    second = amendment_submit(
        proposal=proposal, by=member, values={"action": "delete", "measure": measure}
    )
    assert second.number == 2


def test_an_amendment_after_the_deadline_is_refused(proposal, member):
    proposal.deadline = TODAY() - timedelta(days=1)
    proposal.save()
    with pytest.raises(ValidationError, match="Fristen"):
        amendment_submit(proposal=proposal, by=member, values={"action": "delete", "first_line": 1})


def test_an_outsider_cannot_amend(proposal):
    outsider = User.objects.get(email="ap@example.org")
    with pytest.raises(ValidationError, match="Bare medlemmer"):
        amendment_submit(
            proposal=proposal, by=outsider, values={"action": "delete", "first_line": 1}
        )


def test_a_plan_that_is_not_proposed_takes_no_amendments(proposal, member, admin):
    from plans.meeting.services import proposal_withdraw

    proposal_withdraw(plan=proposal.plan, by=admin)
    proposal.refresh_from_db()
    with pytest.raises(ValidationError, match="ikke sendt til et møte"):
        amendment_submit(proposal=proposal, by=member, values={"action": "delete", "first_line": 1})
    assert Event.objects.get(pk=proposal.event_id).status == "cancelled"


def test_a_member_sends_for_their_branch_but_not_for_another(proposal, member):
    asker = Organisation.objects.get(slug="rodt-asker")
    baerum = Organisation.objects.get(slug="rodt-baerum")
    amendment = amendment_submit(
        proposal=proposal,
        by=member,
        values={"action": "delete", "first_line": 1},
        for_organisation=asker,
    )
    assert amendment.for_organisation == asker
    with pytest.raises(ValidationError, match="lokallag du er med i"):
        amendment_submit(
            proposal=proposal,
            by=member,
            values={"action": "delete", "first_line": 1},
            for_organisation=baerum,
        )


def test_the_submitter_edits_and_withdraws_until_the_deadline_and_nobody_else_can(
    proposal, member, admin
):
    amendment = amendment_submit(
        proposal=proposal, by=member, values={"action": "replace", "first_line": 1, "text": "A"}
    )
    amendment = amendment_update(
        amendment=amendment,
        expected_revision=amendment.revision,
        values={"action": "replace", "first_line": 2, "text": "B"},
        by=member,
    )
    assert amendment.first_line == 2 and amendment.text == "B"
    with pytest.raises(ValidationError, match="Bare den som sendte"):
        amendment_withdraw(amendment=amendment, by=admin)
    amendment_withdraw(amendment=amendment, by=member)
    proposal.deadline = TODAY() - timedelta(days=1)
    proposal.save()
    with pytest.raises(ValidationError, match="Fristen"):
        amendment_update(
            amendment=amendment,
            expected_revision=amendment.revision + 1,
            values={"action": "replace", "first_line": 3, "text": "C"},
            by=member,
        )


# Recommendation, votes and the merge.


def vote_all(proposal, admin, outcomes):
    for number, outcome in outcomes.items():
        amendment_vote(amendment=proposal.amendments.get(number=number), outcome=outcome, by=admin)


def test_the_merge_applies_adopted_amendments_and_leaves_fallen_ones(proposal, member, admin):
    measures = [
        Measure.objects.get(pk=pk)
        for pk in dict.fromkeys(line["id"] for line in lines_of(proposal, "measure"))
    ]
    kept, dropped, reworded = measures[0], measures[1], measures[2]
    numbers = measure_lines(proposal, kept)
    amendment_submit(
        proposal=proposal,
        by=member,
        values={
            "action": "replace",
            "first_line": numbers[0],
            "last_line": numbers[-1],
            "text": "Vedtatt ny tekst",
        },
    )
    amendment_submit(proposal=proposal, by=member, values={"action": "delete", "measure": dropped})
    amendment_submit(
        proposal=proposal,
        by=member,
        values={"action": "new_measure", "measure": reworded, "text": "Falt forslag"},
    )
    fourth = amendment_submit(
        proposal=proposal,
        by=member,
        values={"action": "new_measure", "measure": reworded, "text": "Opprinnelig"},
    )
    amendment_recommend(
        amendment=fourth,
        expected_revision=fourth.revision,
        recommendation="reworded",
        reworded_text="Omformulert tiltak",
        by=admin,
    )
    vote_all(proposal, admin, {1: "adopted", 2: "adopted", 3: "fell", 4: "adopted_reworded"})
    plan = proposal_adopt(proposal=proposal, on=TODAY(), by=admin)
    assert plan.status == PlanStatus.ADOPTED
    texts = list(Measure.objects.filter(goal__plan=plan).values_list("text", flat=True))
    assert "Vedtatt ny tekst" in texts
    assert "Omformulert tiltak" in texts
    assert "Falt forslag" not in texts and "Opprinnelig" not in texts
    assert not Measure.objects.filter(pk=dropped.pk).exists()
    assert Measure.objects.get(pk=kept.pk).key == kept.key
    applied = {a.number: a for a in Amendment.objects.filter(proposal=proposal)}
    assert applied[1].applied and applied[1].result_key == kept.key
    assert not applied[3].applied
    assert (
        Measure.objects.get(goal__plan=plan, text="Omformulert tiltak").key == applied[4].result_key
    )


def test_two_adopted_amendments_to_the_same_words_are_a_conflict_to_resolve(
    proposal, member, admin
):
    measure = first_measure(proposal)
    for text in ("Første versjon", "Andre versjon"):
        amendment_submit(
            proposal=proposal,
            by=member,
            values={"action": "replace", "measure": measure, "text": text},
        )
    vote_all(proposal, admin, {1: "adopted", 2: "adopted"})
    merge = merge_of(proposal)
    assert len(merge.conflicts) == 1 and [a.number for a in merge.conflicts[0].amendments] == [1, 2]
    with pytest.raises(ValidationError, match="motstridende"):
        proposal_adopt(proposal=proposal, on=TODAY(), by=admin)
    assert Plan.objects.get(pk=proposal.plan_id).status == PlanStatus.PROPOSED
    ref = merge.conflicts[0].ref
    proposal_adopt(proposal=proposal, on=TODAY(), by=admin, choices={ref: 2})
    assert Measure.objects.get(pk=measure.pk).text == "Andre versjon"


def test_edits_to_different_lines_of_one_text_both_apply(proposal, member, admin):
    refs = [(line["kind"], line["id"], line["field"]) for line in proposal.lines]
    long_item = next(ref for ref in refs if refs.count(ref) >= 3)
    numbers = [n for n, ref in enumerate(refs, start=1) if ref == long_item]
    field = long_item[2]
    first = amendment_submit(
        proposal=proposal,
        by=member,
        values={"action": "replace", "first_line": numbers[0], "text": "FØRST"},
    )
    last = amendment_submit(
        proposal=proposal,
        by=member,
        values={"action": "add_after", "first_line": numbers[-1], "text": "SIST"},
    )
    assert first.item_field == field
    vote_all(proposal, admin, {1: "adopted", 2: "adopted"})
    assert merge_of(proposal).conflicts == []
    proposal_adopt(proposal=proposal, on=TODAY(), by=admin)
    from plans.meeting.merge import _current_texts

    text = _current_texts({long_item})[long_item]
    assert text.startswith("FØRST") and text.endswith("SIST")
    assert last.cited_text in text


def test_every_amendment_needs_a_vote_before_adoption(proposal, member, admin):
    amendment_submit(proposal=proposal, by=member, values={"action": "delete", "first_line": 1})
    with pytest.raises(ValidationError, match="uten votering: 1"):
        proposal_adopt(proposal=proposal, on=TODAY(), by=admin)


def test_a_withdrawn_amendment_is_not_voted_on(proposal, member, admin):
    amendment = amendment_submit(
        proposal=proposal, by=member, values={"action": "delete", "first_line": 1}
    )
    amendment_withdraw(amendment=amendment, by=member)
    with pytest.raises(ValidationError, match="trukket"):
        amendment_vote(amendment=amendment, outcome="adopted", by=admin)
    plan = proposal_adopt(proposal=proposal, on=TODAY(), by=admin)
    assert plan.status == PlanStatus.ADOPTED


# The printed papers.


def pdf_text(body: bytes, tmp_path) -> str:
    if not shutil.which("pdftotext"):
        missing_service("pdftotext (poppler-utils) is not installed")
    path = tmp_path / "paper.pdf"
    path.write_bytes(body)
    result = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    )
    return result.stdout


def numbered(text: str) -> dict[int, str]:
    """The printed lines by their margin number."""
    found = {}
    for row in text.splitlines():
        match = re.match(r"\s*(\d+)\s{2,}(\S.*)$", row)
        if match:
            found[int(match.group(1))] = " ".join(match.group(2).split())
    return found


def test_the_printed_proposal_shows_the_numbers_and_a_cited_line_reads_as_printed(
    proposal, member, client_for, tmp_path
):
    response = client_for("member").get(reverse("plans:lines_pdf", args=[proposal.plan.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    printed = numbered(pdf_text(response.content, tmp_path))
    stored = {line["n"]: line for line in proposal.lines}
    assert set(printed) == set(stored), pdf_text(response.content, tmp_path)
    measure = first_measure(proposal)
    numbers = measure_lines(proposal, measure)
    amendment = amendment_submit(
        proposal=proposal,
        by=member,
        values={
            "action": "replace",
            "first_line": numbers[0],
            "last_line": numbers[-1],
            "text": "Ny",
        },
    )
    cited = " ".join(printed[n] for n in numbers)
    label = stored[numbers[0]]["label"]
    assert cited.removeprefix(label).split() == amendment.cited_text.split()


def test_the_booklet_lists_amendments_in_line_order_with_the_recommendation(
    proposal, member, admin, client_for, tmp_path
):
    last_line = len(proposal.lines)
    late = amendment_submit(
        proposal=proposal,
        by=member,
        values={"action": "add_after", "first_line": last_line, "text": "Til slutt"},
    )
    early = amendment_submit(
        proposal=proposal,
        by=member,
        values={"action": "replace", "first_line": 1, "text": "Først", "justification": "Fordi"},
    )
    amendment_recommend(
        amendment=early,
        expected_revision=early.revision,
        recommendation="reject",
        reason="Dekket andre steder",
        by=admin,
    )
    response = client_for("admin").get(reverse("plans:booklet_pdf", args=[proposal.plan.pk]))
    text = " ".join(pdf_text(response.content, tmp_path).split())
    assert text.index(f"Endringsforslag {early.number}") < text.index(
        f"Endringsforslag {late.number}"
    )
    assert "Fordi" in text and "Dekket andre steder" in text and "Til slutt" in text
    assert member.name in text  # the admin reads the members' content


# Pages.


def test_amendments_are_numbered_per_plan_and_names_are_for_members(proposal, member, client_for):
    proposal.plan.visibility = "public"
    proposal.plan.proposal_public = True
    proposal.plan.save()
    amendment_submit(proposal=proposal, by=member, values={"action": "delete", "first_line": 1})
    url = reverse("plans:amendments", args=[proposal.plan.pk])
    members_page = client_for("board").get(url).content.decode()
    assert "Endringsforslag 1" in members_page and member.name in members_page
    visitor_page = client_for(None).get(url).content.decode()
    assert "Endringsforslag 1" in visitor_page and member.name not in visitor_page
    outsider = client_for("outsider").get(url).content.decode()
    assert member.name not in outsider


def test_after_the_deadline_the_form_says_so_and_refuses(proposal, client_for):
    proposal.deadline = TODAY() - timedelta(days=1)
    proposal.save()
    url = reverse("plans:amendment_new", args=[proposal.plan.pk])
    response = client_for("member").post(
        url, {"sender": "self", "action": "delete", "first_line": "1"}
    )
    assert response.status_code == 200
    assert "fristen" in response.content.decode().lower()
    assert not Amendment.objects.filter(proposal=proposal).exists()


def test_a_member_sends_an_amendment_through_the_form(proposal, client_for):
    url = reverse("plans:amendment_new", args=[proposal.plan.pk])
    response = client_for("member").post(
        url,
        {
            "sender": "self",
            "action": "replace",
            "first_line": "2",
            "last_line": "1",
            "text": "Ny",
        },
    )
    assert response.status_code == 200 and "last_line" in response.context["form"].errors
    response = client_for("member").post(
        url, {"sender": "self", "action": "replace", "first_line": "2", "text": "Ny"}
    )
    assert response.status_code == 302
    assert Amendment.objects.get(proposal=proposal).first_line == 2


def test_the_vote_page_records_and_undoes(proposal, member, client_for):
    for line in (1, 2):
        amendment_submit(
            proposal=proposal, by=member, values={"action": "delete", "first_line": line}
        )
    client = client_for("admin")
    url = reverse("plans:votes", args=[proposal.plan.pk])
    page = client.get(url).content.decode()
    assert "autofocus" in page and "data-vote-current" in page
    client.post(url, {"amendment": "1", "outcome": "adopted"})
    client.post(url, {"amendment": "2", "outcome": "fell"})
    assert dict(proposal.amendments.values_list("number", "outcome")) == {1: "adopted", 2: "fell"}
    client.post(url, {"undo": "1"})
    assert dict(proposal.amendments.values_list("number", "outcome")) == {1: "adopted", 2: ""}
    forged = client.post(url, {"amendment": "99999999999", "outcome": "adopted"})
    assert forged.status_code == 302


def test_the_merge_page_marks_insertions_and_deletions(proposal, member, admin, client_for):
    measure = first_measure(proposal)
    amendment_submit(
        proposal=proposal,
        by=member,
        values={"action": "replace", "measure": measure, "text": measure.text + " og mer"},
    )
    vote_all(proposal, admin, {1: "adopted"})
    page = client_for("admin").get(reverse("plans:adopt", args=[proposal.plan.pk]))
    assert b"<ins>" in page.content
    changes = page.context["merge"].changes
    assert [("equal" if op == "equal" else op) for op, _ in changes[0].diff][-1] == "insert"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_people_adopting_at_once_apply_the_plan_once():
    if connection.vendor != "postgresql":
        missing_service("concurrent adoption needs PostgreSQL (DATABASE_URL)")
    from plans.demo import load_demo
    from tests.test_follow_up_concurrency import _run_in_threads

    load_demo()
    admin = User.objects.get(email="admin@example.org")
    member = User.objects.get(email="medlem@example.org")
    akershus = Organisation.objects.get(slug="rodt-akershus")
    adopted = Plan.objects.get(organisation=akershus, status=PlanStatus.ADOPTED)
    draft = plan_copy(plan=adopted, by=admin, new_version=True)
    proposal = plan_propose_to_meeting(
        plan=draft,
        meeting=Body.objects.get(organisation=akershus, name="Fylkesårsmøtet"),
        meeting_on=TODAY() + timedelta(days=30),
        deadline=TODAY() + timedelta(days=14),
        by=admin,
    )
    goal = Goal.objects.filter(plan=draft).order_by("order").first()
    amendment = amendment_submit(
        proposal=proposal,
        by=member,
        values={"action": "new_measure", "goal": goal, "text": "Nytt tiltak fra møtet"},
    )
    amendment_vote(amendment=amendment, outcome=Outcome.ADOPTED, by=admin)
    results: list[str] = []

    def adopt():
        try:
            proposal_adopt(proposal=Proposal.objects.get(pk=proposal.pk), on=TODAY(), by=admin)
            results.append("adopted")
        except ValidationError as error:
            results.append(" ".join(error.messages))

    assert _run_in_threads([adopt, adopt]) == []
    assert results.count("adopted") == 1
    assert any("vedtatt" in result for result in results)
    assert Measure.objects.filter(goal__plan=draft, text="Nytt tiltak fra møtet").count() == 1
    assert Plan.objects.get(pk=draft.pk).status == PlanStatus.ADOPTED


def test_the_meeting_pages_have_no_html_errors(proposal, member, admin, client_for, tmp_path):
    import json

    from tests.test_html_valid import _vnu

    command = _vnu()
    measure = first_measure(proposal)
    for text in ("Første", "Andre"):
        amendment_submit(
            proposal=proposal,
            by=member,
            values={"action": "replace", "measure": measure, "text": text},
        )
    vote_all(proposal, admin, {1: "adopted", 2: "adopted"})
    first = proposal.amendments.get(number=1)
    pk = proposal.plan.pk
    draft = Plan.objects.filter(organisation__slug="rodt-akershus", status="draft").first()
    pages = [
        ("member", reverse("plans:detail", args=[pk])),
        ("member", reverse("plans:lines", args=[pk])),
        ("member", reverse("plans:amendments", args=[pk])),
        ("member", reverse("plans:amendment_new", args=[pk])),
        ("member", reverse("plans:amendment_edit", args=[first.pk])),
        ("member", reverse("plans:amendment_withdraw", args=[first.pk])),
        ("board", reverse("plans:amendment_recommend", args=[first.pk])),
        ("admin", reverse("plans:votes", args=[pk])),
        ("admin", reverse("plans:adopt", args=[pk])),
        ("admin", reverse("plans:propose", args=[draft.pk])),
    ]
    files = []
    for index, (persona, url) in enumerate(pages):
        response = client_for(persona).get(url)
        assert response.status_code == 200, url
        path = tmp_path / f"page-{index}.html"
        path.write_bytes(response.content)
        files.append(path)
    result = subprocess.run(
        [*command, "--errors-only", "--format", "json", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(result.stderr or result.stdout or '{"messages": []}')["messages"]
    errors = [
        f"{pages[int(m['url'].rsplit('-', 1)[-1].split('.')[0])][1]}: {m['message']}"
        for m in messages
        if m.get("type") == "error"
    ]
    assert errors == []


def test_a_members_amendments_are_in_their_data_download(proposal, member, client_for):
    amendment_submit(
        proposal=proposal,
        by=member,
        values={"action": "replace", "first_line": 1, "text": "Min tekst", "justification": "Mitt"},
    )
    data = client_for("member").get(reverse("personal_data:download")).json()
    sent = data["plans"]["amendments"]
    assert [(a["number"], a["text"], a["justification"]) for a in sent] == [
        (1, "Min tekst", "Mitt")
    ]
    assert (
        client_for("board").get(reverse("personal_data:download")).json()["plans"]["amendments"]
        == []
    )


def test_a_new_measure_after_a_deleted_one_and_a_goal_after_the_preamble(proposal, member, admin):
    measure = first_measure(proposal)
    amendment_submit(proposal=proposal, by=member, values={"action": "delete", "measure": measure})
    amendment_submit(
        proposal=proposal,
        by=member,
        values={"action": "new_measure", "measure": measure, "text": "Erstatter det slettede"},
    )
    amendment_submit(
        proposal=proposal,
        by=member,
        values={"action": "new_goal", "first_line": 1, "text": "Nytt mål\nMed en beskrivelse"},
    )
    vote_all(proposal, admin, {1: "adopted", 2: "adopted", 3: "adopted"})
    plan = proposal_adopt(proposal=proposal, on=TODAY(), by=admin)
    assert not Measure.objects.filter(pk=measure.pk).exists()
    assert Measure.objects.get(goal=measure.goal, text="Erstatter det slettede")
    goal = Goal.objects.get(plan=plan, title="Nytt mål")
    assert goal.description == "Med en beskrivelse"
    assert goal.section == plan.sections.order_by("order", "pk").first()


def test_an_amendment_whose_cited_words_changed_is_not_merged_blindly(proposal, member, admin):
    from plans.meeting.services import proposal_withdraw

    measure = first_measure(proposal)
    amendment = amendment_submit(
        proposal=proposal, by=member, values={"action": "replace", "measure": measure, "text": "Ny"}
    )
    amendment_vote(amendment=amendment, outcome="adopted", by=admin)
    Measure.objects.filter(pk=measure.pk).update(text="Skrevet om i mellomtiden")
    assert [a.number for a in merge_of(proposal).stale] == [1]
    with pytest.raises(ValidationError, match="endret"):
        proposal_adopt(proposal=proposal, on=TODAY(), by=admin)
    assert Measure.objects.get(pk=measure.pk).text == "Skrevet om i mellomtiden"
    proposal_withdraw(plan=proposal.plan, by=admin)
