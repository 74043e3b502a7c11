"""The proposal's numbered lines, the way a plan is sent out to an annual meeting.

Every text of the plan is cut into lines of at most ``WIDTH`` characters at
word boundaries; each line remembers the item and field it was cut from and
the characters it covers there. The lines are stored when the plan is
proposed, so "linje 80–82" means the same words until the meeting is over,
and an amendment to those lines changes exactly those characters.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from ..models import Plan
from ..selectors import plan_document

WIDTH = 76
_SOURCE_LINE = re.compile(r"[^\n]+")
_WORD = re.compile(r"\S+")


def wrap_spans(text: str, width: int = WIDTH) -> list[tuple[int, int]]:
    """The (start, end) of each line ``text`` wraps into; a newline always breaks.

    A word longer than the width gets a line of its own rather than being cut.
    """
    spans = []
    for source in _SOURCE_LINE.finditer(text):
        start = end = None
        for word in _WORD.finditer(source.group()):
            word_start, word_end = source.start() + word.start(), source.start() + word.end()
            if start is None:
                start, end = word_start, word_end
            elif word_end - start > width:
                spans.append((start, end))
                start, end = word_start, word_end
            else:
                end = word_end
        if start is not None:
            spans.append((start, end))
    return spans


def _item(kind: str, obj, field: str, style: str, label: str = "") -> Iterator[dict]:
    text = getattr(obj, field) or ""
    for index, (start, end) in enumerate(wrap_spans(text)):
        yield {
            "text": text[start:end],
            "kind": kind,
            "id": obj.pk,
            "key": str(getattr(obj, "key", "") or ""),
            "field": field,
            "start": start,
            "end": end,
            "style": style,
            "label": label if index == 0 else "",
        }


def _goal_lines(node, depth: int) -> Iterator[dict]:
    goal = node.goal
    label = f"{goal.code}." if goal.code else ""
    yield from _item("goal", goal, "title", "goal" if depth == 0 else "subgoal", label)
    yield from _item("goal", goal, "description", "text")
    yield from _item("goal", goal, "lead_in", "text")
    for measure in goal.measures.all():
        yield from _item("measure", measure, "text", "measure", "–")
    for sub in node.subgoals:
        yield from _goal_lines(sub, depth + 1)


def plan_lines(plan: Plan) -> list[dict]:
    """The plan's text as numbered lines, in reading order (numbers from 1)."""
    lines = list(_item("plan", plan, "preamble", "text"))
    for node in plan_document(plan):
        if node.section is not None:
            lines += _item("section", node.section, "title", "section")
            lines += _item("section", node.section, "intro", "text")
        for goal_node in node.goals:
            lines += _goal_lines(goal_node, 0)
    for number, line in enumerate(lines, start=1):
        line["n"] = number
    return lines


def cited_span(lines: list[dict], first: int, last: int) -> dict:
    """What lines ``first``–``last`` cover: one item's field and the characters in it.

    Refuses numbers outside the document and ranges over more than one item,
    with a message that says what to do instead.
    """
    if last < first:
        raise ValidationError(_("The last line cannot come before the first."))
    if first < 1 or last > len(lines):
        raise ValidationError(
            _("The proposal has lines 1 to %(count)s; line %(line)s is not one of them.")
            % {"count": len(lines), "line": first if first < 1 or first > len(lines) else last}
        )
    cited = lines[first - 1 : last]
    items = {(line["kind"], line["id"], line["field"]) for line in cited}
    if len(items) > 1:
        raise ValidationError(
            _(
                "Lines %(first)s–%(last)s belong to more than one goal, measure or "
                "paragraph. Cite the lines of one of them, or send one amendment for each."
            )
            % {"first": first, "last": last}
        )
    head = cited[0]
    return {
        "kind": head["kind"],
        "id": head["id"],
        "key": head["key"],
        "field": head["field"],
        "start": head["start"],
        "end": cited[-1]["end"],
    }


def first_line_of(lines: list[dict], kind: str, pk: int) -> int | None:
    """The number of the first line of an item, to sort amendments in line order."""
    return next((line["n"] for line in lines if line["kind"] == kind and line["id"] == pk), None)
