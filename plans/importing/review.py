"""From an uploaded document to a draft plan, with a person in control.

`plan_import_read` stores the file and what was read (no plan yet);
`apply_edits` lays the person's corrections over what was read;
`plan_import_apply` writes the draft in one transaction.
"""

from __future__ import annotations

import copy
import hashlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from calendar_app.services import cycle_entry_create
from goals.due import DueParseError, parse_due
from goals.recurrence import RecurrenceParseError, parse_recurrence
from goals.services import goal_create, measure_create, target_create
from organisations.limits import SHORT_TEXT_MAX_LENGTH
from organisations.models import Body, BodyKind, Organisation
from organisations.services import body_create

from ..models import Plan, PlanImport
from ..services import plan_create, section_create
from .blocks import ReadError
from .readers import read_document
from .structure import read_plan, split_responsible

# Words plans use for a body, by the kind of body they mean.
BODY_ALIASES = {
    BodyKind.BOARD: {
        "styret",
        "styre",
        "styrelsen",
        "lagsstyret",
        "fylkesstyret",
        "distriktsstyret",
        "distriktsstyrelsen",
        "föreningsstyrelsen",
        "board",
    },
    BodyKind.EXECUTIVE: {"au", "arbeidsutvalget", "arbeidsutvalet", "arbetsutskottet", "au-et"},
}
OFFICE_WORDS = {
    "leder": ("leder", "leiar", "ordførende", "ordförande"),
    "leiar": ("leder", "leiar"),
    "ordförande": ("ordförande", "leder"),
    "sekretær": ("sekretær", "sekreterare"),
    "sekreterare": ("sekreterare", "sekretær"),
    "kasserer": ("kasserer", "kassör"),
    "kassör": ("kassör", "kasserer"),
}
UNCONFIRMED_KEPT = timedelta(days=7)


@dataclass
class Edited:
    """What was read, with the person's corrections, and what stands in the way."""

    plan: dict
    errors: list[str] = field(default_factory=list)


def with_keys(read: dict) -> dict:
    """Give every section, goal, measure, target and wheel entry a stable key for the form."""
    counter = Counter()

    def key(prefix: str) -> str:
        counter[prefix] += 1
        return f"{prefix}{counter[prefix]}"

    def goals(items):
        for goal in items:
            goal.update(key=key("g"), keep=True)
            for measure in goal["measures"]:
                measure.update(key=key("m"), keep=True, move_to="")
            for target in goal["targets"]:
                target.update(key=key("t"), keep=True)
            goals(goal["subgoals"])

    for section in read["sections"]:
        section.update(key=key("s"), keep=True)
        goals(section["goals"])
    for entry in read["wheel"]:
        entry.update(key=key("w"), keep=True)
    read.setdefault("decisions", {})
    read.setdefault("visibility", "members")
    return read


def all_goals(plan: dict):
    def walk(goals, depth):
        for goal in goals:
            yield goal, depth
            yield from walk(goal["subgoals"], depth + 1)

    for section in plan["sections"]:
        yield from ((goal, depth) for goal, depth in walk(section["goals"], 0))


def all_measures(plan: dict):
    for goal, _depth in all_goals(plan):
        yield from goal["measures"]


@transaction.atomic
def plan_import_read(*, organisation: Organisation, data: bytes, filename: str, by) -> PlanImport:
    """Read a document and keep it with what was read; raises ReadError for a bad file."""
    blocks = read_document(data, filename)
    # Documents read but never confirmed are not kept for long.
    PlanImport.objects.filter(
        plan__isnull=True, created_at__lt=timezone.now() - UNCONFIRMED_KEPT
    ).delete()
    with override(organisation.language):
        read = read_plan(blocks, filename=filename, today=timezone.localdate())
    if not any(True for _ in all_goals(read)):
        raise ReadError(read["warnings"][-1])  # "No goals or measures were recognised …"
    read["language"] = organisation.language
    read["sha256"] = hashlib.sha256(data).hexdigest()
    return PlanImport.objects.create(
        organisation=organisation,
        uploaded_by=by,
        filename=filename[:200],
        content_type=content_type_for(filename),
        data=data,
        read=with_keys(read),
    )


def content_type_for(filename: str) -> str:
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    return {
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "pdf": "application/pdf",
        "md": "text/markdown; charset=utf-8",
        "markdown": "text/markdown; charset=utf-8",
    }.get(suffix, "text/plain; charset=utf-8")


# -- bodies and organisations -------------------------------------------------


def resolve_body(name: str, bodies: list[Body]) -> Body | None:
    """The organisation's body a plan means by a name: exact, then the words plans use."""
    wanted = name.strip().casefold()
    for body in bodies:
        if body.name.casefold() == wanted:
            return body
    for kind, words in BODY_ALIASES.items():
        if wanted in words:
            matches = [body for body in bodies if body.kind == kind]
            if len(matches) == 1:
                return matches[0]
    for word, names in OFFICE_WORDS.items():
        if wanted == word or wanted.endswith(word):
            matches = [
                body
                for body in bodies
                if body.kind == BodyKind.OFFICE and body.name.casefold().endswith(names)
            ]
            if len(matches) == 1:
                return matches[0]
    return None


def resolve_organisation(name: str, organisations: list[Organisation]) -> Organisation | None:
    wanted = name.strip().casefold()
    for organisation in organisations:
        if organisation.name.casefold() == wanted or organisation.slug == wanted:
            return organisation
    return None


def body_names(plan: dict) -> list[str]:
    """Every responsible name of the kept measures, once, in the order first written."""
    seen: dict[str, str] = {}
    for measure in all_measures(plan):
        if measure.get("keep", True):
            for name in measure["responsible"]:
                seen.setdefault(name.casefold(), name)
    return list(seen.values())


def bodies_of(organisation: Organisation) -> list[Body]:
    return list(organisation.bodies.filter(dissolved_on__isnull=True).order_by("name"))


def below(organisation: Organisation) -> list[Organisation]:
    return list(organisation.descendants().filter(closed_on__isnull=True))


def resolution(plan: dict, organisation: Organisation) -> list[dict]:
    """Each responsible name with the body it resolves to, or None (the person decides)."""
    bodies = bodies_of(organisation)
    organisations = below(organisation)
    rows = []
    for name in body_names(plan):
        body = resolve_body(name, bodies)
        branch = None if body else resolve_organisation(name, organisations)
        rows.append({"name": name, "body": body, "organisation": branch})
    return rows


def summary(plan: dict, organisation: Organisation) -> dict:
    """Counts of what was read, for the command's --json and the review page's head."""
    measures = list(all_measures(plan))
    rows = resolution(plan, organisation)
    due = [m["due"] for m in measures if m["due"]]
    return {
        "title": plan["title"],
        "first_year": plan["first_year"],
        "last_year": plan["last_year"],
        "sections": len(plan["sections"]),
        "goals": sum(1 for _ in all_goals(plan)),
        "measures": len(measures),
        "responsible_mentions": sum(len(m["responsible"]) + len(m["delegate"]) for m in measures),
        "bodies": [
            {"name": row["name"], "resolved": row["body"] is not None or bool(row["organisation"])}
            for row in rows
        ],
        "due_phrases": len(due),
        "due_understood": sum(1 for d in due if d.get("understood")),
        "recurring": sum(1 for m in measures if m["recurrence"]),
        "targets": sum(len(goal["targets"]) for goal, _ in all_goals(plan)),
        "wheel_entries": len(plan["wheel"]),
        "warnings": warnings_of(plan, rows),
    }


def warnings_of(plan: dict, rows: list[dict] | None = None) -> list[str]:
    warnings = list(plan.get("warnings", []))
    for row in rows or []:
        if row["body"] is None and row["organisation"] is None:
            warnings.append(
                _(
                    'Unknown body "%(name)s": create it, choose an existing one or keep the name '
                    "as text."
                )
                % {"name": row["name"]}
            )
    for measure in all_measures(plan):
        warnings.extend(measure.get("warnings", []))
    return warnings


# -- the person's corrections ------------------------------------------------


def _checked(post, name: str) -> bool:
    return post.get(name) in ("on", "1", "true")


def apply_edits(read: dict, post) -> Edited:
    """Lay the review form over what was read: kept items, texts, dates, moves."""
    plan = copy.deepcopy(read)
    errors: list[str] = []
    plan["title"] = (post.get("title") or "").strip()[:200]
    if not plan["title"]:
        errors.append(_("Give the plan a title."))
    try:
        first, last = int(post.get("first_year", "")), int(post.get("last_year", ""))
    except ValueError:
        errors.append(_("Write the plan's first and last year as numbers, e.g. 2026."))
    else:
        if not (1900 <= first <= 2200 and 1900 <= last <= 2200) or first > last:
            errors.append(_("The first year must be on or before the last year (1900–2200)."))
        else:
            plan["first_year"], plan["last_year"] = first, last
    plan["visibility"] = "public" if post.get("visibility") == "public" else "members"
    period = (plan["first_year"], plan["last_year"])
    goal_keys = {goal["key"] for goal, _ in all_goals(plan)}
    for section in plan["sections"]:
        section["keep"] = _checked(post, f"keep-{section['key']}")
        section["title"] = (post.get(f"title-{section['key']}") or section["title"]).strip()[:200]
    for goal, _depth in all_goals(plan):
        goal["keep"] = _checked(post, f"keep-{goal['key']}")
        goal["title"] = (post.get(f"title-{goal['key']}") or goal["title"]).strip()[:500]
        goal["code"] = (post.get(f"code-{goal['key']}", goal["code"]) or "").strip()[:20]
        for target in goal["targets"]:
            target["keep"] = _checked(post, f"keep-{target['key']}")
        for measure in goal["measures"]:
            _edit_measure(measure, post, period, goal_keys, errors)
    for entry in plan["wheel"]:
        entry["keep"] = _checked(post, f"keep-{entry['key']}")
    plan["decisions"] = {
        name.casefold(): post.get(f"body-{index}", "text")
        for index, name in enumerate(body_names(plan))
    }
    if not any(m.get("keep") for m in all_measures(plan)) and not any(
        g.get("keep") for g, _ in all_goals(plan)
    ):
        errors.append(_("Keep at least one goal or measure."))
    return Edited(plan=plan, errors=errors)


def _edit_measure(measure: dict, post, period, goal_keys: set[str], errors: list[str]) -> None:
    key = measure["key"]
    measure["keep"] = _checked(post, f"keep-{key}")
    measure["text"] = (post.get(f"text-{key}") or "").strip()
    measure["move_to"] = post.get(f"goal-{key}") if post.get(f"goal-{key}") in goal_keys else ""
    if not measure["keep"]:
        return
    if not measure["text"]:
        errors.append(_("A kept measure has no text: write it or drop the measure."))
    elif len(measure["text"]) > SHORT_TEXT_MAX_LENGTH:
        errors.append(
            _("A measure is longer than %(limit)d characters.") % {"limit": SHORT_TEXT_MAX_LENGTH}
        )
    written = (post.get(f"due-{key}") or "").strip()[:100]
    if written and written != (measure["due"] or {}).get("text"):
        try:
            window = parse_due(written, period=period)
        except DueParseError:
            measure["due"] = {"text": written, "understood": False}
        else:
            measure["due"] = {
                "text": window.text,
                "understood": True,
                "start": window.start.isoformat(),
                "end": window.end.isoformat(),
                "precision": window.precision,
            }
    elif not written:
        measure["due"] = None
    words = (post.get(f"recurrence-{key}") or "").strip()[:200]
    if not words:
        measure["recurrence"] = None
    elif words != (measure["recurrence"] or {}).get("text"):
        try:
            found = parse_recurrence(words)
        except RecurrenceParseError as error:
            errors.append(str(error))
            measure["recurrence"] = {"text": words, "rule": "", "minimum": False}
        else:
            measure["recurrence"] = {
                "text": found.text,
                "rule": found.rule,
                "minimum": found.minimum,
            }
    who = post.get(f"responsible-{key}")
    if who is not None:
        names, cooperating = split_responsible(who)
        measure["responsible"], measure["cooperating"] = names, cooperating


# -- writing the draft --------------------------------------------------------


@transaction.atomic
def plan_import_apply(*, plan_import: PlanImport, plan: dict, by) -> Plan:
    """Write the reviewed plan as a draft; the document stays with it."""
    organisation = plan_import.organisation
    bodies = bodies_of(organisation)
    organisations = below(organisation)
    chosen: dict[str, Body | Organisation | None] = {}
    for name in body_names(plan):
        decision = plan["decisions"].get(name.casefold(), "text")
        body = resolve_body(name, bodies)
        branch = None if body else resolve_organisation(name, organisations)
        if decision == "create":
            body = body_create(
                organisation=organisation, name=name[:100], kind=_kind_for(name), by=by
            )
            bodies.append(body)
        elif decision.isdigit():
            body = next((b for b in bodies if b.pk == int(decision)), None)
        chosen[name.casefold()] = body or branch
    draft = plan_create(
        organisation=organisation,
        title=plan["title"],
        kind=plan.get("kind", "handlingsplan"),
        first_year=plan["first_year"],
        last_year=plan["last_year"],
        language=plan.get("language") or organisation.language,
        visibility=plan.get("visibility", "members"),
        preamble=plan.get("preamble", "")[:20000],
        by=by,
    )
    moved: dict[str, list[dict]] = {}
    for measure in all_measures(plan):
        if measure.get("keep") and measure.get("move_to"):
            moved.setdefault(measure["move_to"], []).append(measure)
    for order, section_data in enumerate(plan["sections"], start=1):
        if not section_data.get("keep"):
            continue
        section = section_create(
            plan=draft,
            title=section_data["title"] or plan["title"],
            intro=section_data["intro"][:20000],
            order=order,
            by=by,
        )
        _write_goals(section_data["goals"], draft, section, None, chosen, moved, by)
    for entry in plan["wheel"]:
        if entry.get("keep"):
            cycle_entry_create(
                organisation=organisation,
                by=by,
                plan=draft,
                title=entry["title"],
                month=entry["month"],
                end_month=entry["end_month"],
                day=entry["day"],
                when_text=entry["when_text"][:60],
                year_types=[],
                years=entry["years"],
            )
    plan_import.plan = draft
    plan_import.save(update_fields=["plan"])
    return draft


def _write_goals(goals, draft, section, parent, chosen, moved, by) -> None:
    for goal_data in goals:
        if not goal_data.get("keep"):
            continue
        goal = goal_create(
            plan=draft,
            section=section,
            parent=parent,
            code=goal_data["code"],
            title=goal_data["title"] or goal_data["code"] or "–",
            description=goal_data["description"][:20000],
            lead_in=goal_data["lead_in"][:300],
            by=by,
        )
        for target in goal_data["targets"]:
            if target.get("keep"):
                target_create(
                    goal=goal,
                    name=target["name"],
                    kind=target["kind"],
                    unit=target["unit"],
                    target_value=target["target_value"],
                    target_date=date.fromisoformat(target["target_date"]),
                    by=by,
                )
        stay = [m for m in goal_data["measures"] if m.get("keep") and not m.get("move_to")]
        for measure in [*stay, *moved.get(goal_data["key"], [])]:
            _write_measure(goal, measure, chosen, by)
        _write_goals(goal_data["subgoals"], draft, section, goal, chosen, moved, by)


def _write_measure(goal, measure: dict, chosen: dict, by) -> None:
    responsible, delegate_to, as_text = [], [], []
    for name in measure["responsible"]:
        target = chosen.get(name.casefold())
        if isinstance(target, Body):
            responsible.append(target)
        elif isinstance(target, Organisation):
            delegate_to.append(target)
        else:
            as_text.append(name)
    written = ", ".join(measure["responsible"])
    if measure.get("cooperating"):
        written = _("%(who)s in cooperation with %(with)s") % {
            "who": written,
            "with": ", ".join(measure["cooperating"]),
        }
    recurrence = measure.get("recurrence") or {}
    due = measure.get("due") or {}
    measure_create(
        goal=goal,
        text=measure["text"],
        responsible=list(dict.fromkeys(responsible)),
        responsible_text=written[:300],
        due=due.get("text", ""),
        due_unread_ok=True,
        recurrence=recurrence.get("rule", ""),
        recurrence_text=recurrence.get("text", ""),
        recurrence_minimum=recurrence.get("minimum", False),
        delegated=bool(measure["delegate"]) or bool(delegate_to),
        delegate_to=delegate_to,
        by=by,
    )


def _kind_for(name: str) -> str:
    lowered = name.casefold()
    if lowered.endswith(("styret", "styrelsen", "styre")):
        return BodyKind.BOARD
    if lowered.endswith(("leder", "leiar", "ordförande", "sekretær", "sekreterare", "kasserer")):
        return BodyKind.OFFICE
    if "gruppa" in lowered or "gruppen" in lowered:
        return BodyKind.ELECTED_GROUP
    return BodyKind.COMMITTEE
