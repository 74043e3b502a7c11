"""The meeting's result: every adopted amendment merged into the text, then adopted.

``merge_of`` works out the merged text without writing anything, so the person
can check it with its insertions and deletions marked; two adopted amendments
that touch the same words are a conflict the person resolves by choosing one.
``proposal_adopt`` writes the merge and records the adoption in one transaction.
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from ..activity import plan_activity
from ..models import Plan, PlanStatus, Section
from .models import ADOPTED_OUTCOMES, Amendment, AmendmentAction, Proposal

NEW_ITEM_ACTIONS = (AmendmentAction.NEW_GOAL, AmendmentAction.NEW_MEASURE)


@dataclass
class Edit:
    amendment: Amendment
    start: int
    end: int
    removes_item: bool = False

    def overlaps(self, other: Edit) -> bool:
        if self.removes_item or other.removes_item:
            return True
        if self.start == self.end or other.start == other.end:  # insertions at a point
            return self.start <= other.end and other.start <= self.end
        return self.start < other.end and other.start < self.end


@dataclass
class ItemChange:
    """One goal, measure or paragraph as the merge changes it."""

    kind: str
    pk: int
    key: str
    field: str
    old: str
    new: str = ""
    removed: bool = False
    amendments: list[Amendment] = field(default_factory=list)

    @property
    def diff(self) -> list[tuple[str, str]]:
        return word_diff(self.old, "" if self.removed else self.new)


@dataclass
class Conflict:
    """Adopted amendments that change the same words: only one of them can apply."""

    ref: str
    old: str
    amendments: list[Amendment]
    chosen: Amendment | None = None

    @property
    def numbers(self) -> str:
        return ", ".join(str(amendment.number) for amendment in self.amendments)


@dataclass
class Merge:
    changes: list[ItemChange] = field(default_factory=list)
    additions: list[Amendment] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    pending: list[Amendment] = field(default_factory=list)
    # Adopted amendments whose cited words are no longer where they were (the plan
    # went back to draft and was edited after they were sent).
    stale: list[Amendment] = field(default_factory=list)

    @property
    def unresolved(self) -> list[Conflict]:
        return [conflict for conflict in self.conflicts if conflict.chosen is None]

    @property
    def applied(self) -> list[Amendment]:
        return [a for change in self.changes for a in change.amendments] + self.additions


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """("equal" | "insert" | "delete", text) runs between two texts, word by word."""
    a, b = re.findall(r"\S+|\s+", old), re.findall(r"\S+|\s+", new)
    runs = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op in ("equal", "delete"):
            runs.append((op, "".join(a[i1:i2])))
        elif op == "insert":
            runs.append((op, "".join(b[j1:j2])))
        else:
            runs += [("delete", "".join(a[i1:i2])), ("insert", "".join(b[j1:j2]))]
    return runs


def _models() -> dict:
    from goals.models import Goal, Measure

    return {"plan": Plan, "section": Section, "goal": Goal, "measure": Measure}


def _current_texts(refs: set[tuple[str, int, str]]) -> dict[tuple[str, int, str], str]:
    """The present text of each cited field, one query per kind of item."""
    by_kind = defaultdict(set)
    for kind, pk, name in refs:
        by_kind[kind].add((pk, name))
    texts = {}
    for kind, wanted in by_kind.items():
        names = sorted({name for _pk, name in wanted})
        rows = _models()[kind].objects.filter(pk__in={pk for pk, _n in wanted})
        for row in rows.values("pk", *names):
            for name in names:
                texts[(kind, row["pk"], name)] = row[name] or ""
    return texts


def _still_cited(amendment: Amendment, text: str) -> bool:
    start, end = amendment.span_start or 0, amendment.span_end or 0
    return " ".join(text[start:end].split()) == " ".join(amendment.cited_text.split())


def _edit(amendment: Amendment, text: str) -> Edit:
    start, end = amendment.span_start or 0, amendment.span_end or 0
    if amendment.action == AmendmentAction.ADD_AFTER:
        return Edit(amendment, end, end)
    whole = text[:start].strip() == "" and text[end:].strip() == ""
    removes = (
        amendment.action == AmendmentAction.DELETE
        and whole
        and (amendment.item_kind, amendment.item_field) in (("measure", "text"), ("goal", "title"))
    )
    return Edit(amendment, start, end, removes_item=removes)


def _groups(edits: list[Edit]) -> list[list[Edit]]:
    """Edits joined when they overlap, directly or through another edit."""
    groups: list[list[Edit]] = []
    for edit in sorted(edits, key=lambda e: (e.start, e.end, e.amendment.number)):
        touching = [g for g in groups if any(edit.overlaps(other) for other in g)]
        merged = [edit]
        for group in touching:
            groups.remove(group)
            merged += group
        groups.append(sorted(merged, key=lambda e: e.amendment.number))
    return groups


def _apply(text: str, edits: list[Edit]) -> str:
    for edit in sorted(edits, key=lambda e: (e.start, e.end), reverse=True):
        new = edit.amendment.adopted_text
        action = edit.amendment.action
        if action == AmendmentAction.ADD_AFTER:
            text = f"{text[: edit.end]} {new}{text[edit.end :]}"
        elif action == AmendmentAction.DELETE:
            text = text[: edit.start] + text[edit.end :]
        else:
            text = text[: edit.start] + new + text[edit.end :]
    return re.sub(r"[ \t]{2,}", " ", text).strip()


def merge_of(proposal: Proposal, choices: dict[str, int] | None = None) -> Merge:
    """The merged text, worked out and not written; ``choices`` maps a conflict to a number."""
    choices = choices or {}
    amendments = [a for a in proposal.amendments.order_by("number") if a.withdrawn_at is None]
    merge = Merge(pending=[a for a in amendments if not a.outcome])
    adopted = [a for a in amendments if a.outcome in ADOPTED_OUTCOMES]
    merge.additions = [a for a in adopted if a.action in NEW_ITEM_ACTIONS]
    edited = [a for a in adopted if a.action not in NEW_ITEM_ACTIONS]
    refs = {(a.item_kind, a.item_id, a.item_field) for a in edited}
    texts = _current_texts(refs)
    by_item = defaultdict(list)
    for amendment in edited:
        ref = (amendment.item_kind, amendment.item_id, amendment.item_field)
        text = texts.get(ref)
        if text is None or not _still_cited(amendment, text):
            merge.stale.append(amendment)
            continue
        by_item[ref].append(_edit(amendment, text))
    for ref, edits in sorted(by_item.items(), key=lambda item: min(e.start for e in item[1])):
        kind, pk, name = ref
        old = texts.get(ref, "")
        applying = []
        for group in _groups(edits):
            if len(group) == 1:
                applying += group
                continue
            conflict_ref = f"{kind}-{pk}-{name}-{group[0].start}"
            conflict = Conflict(conflict_ref, old, [e.amendment for e in group])
            chosen = choices.get(conflict_ref)
            conflict.chosen = next((a for a in conflict.amendments if a.number == chosen), None)
            merge.conflicts.append(conflict)
            if conflict.chosen is not None:
                applying += [e for e in group if e.amendment == conflict.chosen]
        if not applying:
            continue
        change = ItemChange(
            kind,
            pk,
            applying[0].amendment.item_key and str(applying[0].amendment.item_key) or "",
            name,
            old,
            amendments=[e.amendment for e in applying],
        )
        change.removed = any(e.removes_item for e in applying)
        change.new = "" if change.removed else _apply(old, applying)
        merge.changes.append(change)
    return merge


def _write_change(change: ItemChange) -> None:
    model = _models()[change.kind]
    rows = model.objects.filter(pk=change.pk)
    if change.removed:
        rows.delete()
    elif hasattr(model, "revision"):
        rows.update(**{change.field: change.new}, revision=F("revision") + 1)


def _anchor_goal(amendment: Amendment):
    from goals.models import Goal, Measure

    if amendment.item_kind == "goal":
        return Goal.objects.filter(pk=amendment.item_id).first()
    if amendment.item_kind == "measure":
        measure = Measure.objects.select_related("goal").filter(pk=amendment.item_id).first()
        return measure.goal if measure else None
    return None


def _add_goal(plan: Plan, amendment: Amendment, after) -> object:
    from goals.models import Goal

    title, _sep, description = amendment.adopted_text.partition("\n")
    if after is None:  # cited a section or the preamble: the goal ends its section
        section = None
        if amendment.item_kind == "section":
            section = Section.objects.filter(pk=amendment.item_id, plan=plan).first()
        section = section or plan.sections.order_by("order", "pk").first()
        siblings = Goal.objects.filter(plan=plan, section=section, parent=None)
        order = (max(siblings.values_list("order", flat=True), default=0)) + 1
        parent = None
    else:
        section, parent, order = after.section, after.parent, after.order + 1
        Goal.objects.filter(plan=plan, section=section, parent=parent, order__gte=order).update(
            order=F("order") + 1
        )
    return Goal.objects.create(
        plan=plan,
        section=section,
        parent=parent,
        title=title.strip()[:500],
        description=description.strip(),
        order=order,
    )


def _add_measure(amendment: Amendment, after_measure, goal) -> object:
    from goals.models import Measure

    if after_measure is not None:
        order = after_measure.order + 1
        Measure.objects.filter(goal=goal, order__gte=order).update(order=F("order") + 1)
    else:
        order = (max(goal.measures.values_list("order", flat=True), default=0)) + 1
    return Measure.objects.create(goal=goal, text=amendment.adopted_text, order=order)


def _write_addition(plan: Plan, amendment: Amendment, placed: dict) -> object:
    """A new goal or measure after the cited one, and after those added there before it."""
    from goals.models import Measure

    anchor = (amendment.item_kind, amendment.item_id)
    if amendment.action == AmendmentAction.NEW_GOAL:
        after = placed.get(("goal", anchor)) or _anchor_goal(amendment)
        item = _add_goal(plan, amendment, after)
        placed[("goal", anchor)] = item
        return item
    goal = _anchor_goal(amendment)
    if goal is None:
        raise ValidationError(
            _("Amendment %(number)s adds a measure but cites no goal or measure.")
            % {"number": amendment.number}
        )
    after = placed.get(("measure", anchor))
    if after is None and amendment.item_kind == "measure":
        after = Measure.objects.filter(pk=amendment.item_id).first()
    item = _add_measure(amendment, after, goal)
    placed[("measure", anchor)] = item
    return item


def _check_ready(merge: Merge) -> None:
    if merge.stale:
        numbers = ", ".join(str(a.number) for a in merge.stale)
        raise ValidationError(
            _(
                "The text that amendments %(numbers)s cite has changed since they were sent. "
                "Take the plan back to draft and work them in by hand."
            )
            % {"numbers": numbers}
        )
    if merge.pending:
        numbers = ", ".join(str(a.number) for a in merge.pending)
        raise ValidationError(
            _("Record the vote on every amendment first; without a vote: %(numbers)s.")
            % {"numbers": numbers}
        )
    if merge.unresolved:
        numbers = "; ".join(
            " / ".join(str(a.number) for a in conflict.amendments) for conflict in merge.unresolved
        )
        raise ValidationError(
            _("Choose which amendment applies where adopted amendments conflict: %(numbers)s.")
            % {"numbers": numbers}
        )


@transaction.atomic
def proposal_adopt(
    *, proposal: Proposal, on: date, by, choices: dict[str, int] | None = None
) -> Plan:
    """Merge the adopted amendments into the text and record the adoption, all or nothing.

    The plan row is locked first: of two people adopting at once, the second
    finds the plan adopted and is refused.
    """
    from ..services import plan_adopt

    plan = Plan.objects.select_for_update().get(pk=proposal.plan_id)
    if plan.status != PlanStatus.PROPOSED:
        raise ValidationError(_("The plan is no longer proposed: someone has adopted it already."))
    merge = merge_of(proposal, choices)
    _check_ready(merge)
    # New goals and measures first: one may follow an item another amendment deletes.
    placed: dict = {}
    for amendment in sorted(merge.additions, key=lambda a: a.number):
        amendment.result_key = _write_addition(plan, amendment, placed).key
    for change in merge.changes:
        _write_change(change)
        for amendment in change.amendments:
            amendment.result_key = change.key or None
    for amendment in merge.applied:
        amendment.applied = True
        amendment.save(update_fields=["applied", "result_key", "updated_at"])
        plan_activity(
            plan=plan,
            by=by,
            action="amendment.apply",
            target=amendment,
            summary=_("Amendment %(number)s") % {"number": amendment.number},
        )
    return plan_adopt(plan=plan, meeting=proposal.meeting, on=on, by=by)
