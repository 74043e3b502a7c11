"""The meeting's papers (WeasyPrint): the numbered proposal and the amendment booklet."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext

from ..pdf import _render, nordic_date, status_mark
from .models import Proposal


def _context(proposal: Proposal, title: str) -> dict:
    plan = proposal.plan
    return {
        "plan": plan,
        "proposal": proposal,
        "draft": status_mark(plan),
        "document_title": f"{plan.organisation.name}: {title}",
        "meeting_date": nordic_date(proposal.meeting_on, plan.language),
        "deadline": nordic_date(proposal.deadline, plan.language),
    }


def lines_pdf(proposal: Proposal) -> bytes:
    """The proposal as sent out: every line with its number in the margin."""
    plan = proposal.plan
    with translation.override(plan.language):
        context = _context(proposal, plan.title)
        return _render("pdf/proposal_lines.html", context, plan)


def booklet_pdf(proposal: Proposal, *, show_people: bool) -> bytes:
    """The forslagshefte: every amendment in line order, with the recommendation."""
    from .views import in_line_order, sender_label

    plan = proposal.plan
    with translation.override(plan.language):
        amendments = in_line_order(
            proposal,
            proposal.amendments.select_related("submitter", "for_organisation", "for_body"),
        )
        for amendment in amendments:
            amendment.sender = sender_label(amendment, show_people)
        title = gettext("Amendments")
        context = {**_context(proposal, f"{title} – {plan.title}"), "amendments": amendments}
        context["title"] = title
        return _render("pdf/amendment_booklet.html", context, plan)
