"""Shared rules for editing plan content: drafts only, and no silent overwrites."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from .models import Plan, PlanStatus


class PlanNotEditable(ValidationError):
    """Only a draft can be edited; a proposed or adopted text is frozen."""


class EditConflict(Exception):
    """Someone else saved the object since this person opened it."""

    def __init__(self, current: models.Model):
        super().__init__("edit conflict")
        self.current = current


def ensure_editable(plan: Plan) -> None:
    if plan.status != PlanStatus.DRAFT:
        raise PlanNotEditable(
            _("This plan is %(status)s and can no longer be edited; make a new version.")
            % {"status": plan.get_status_display().lower()}
        )


def save_revision(
    instance: models.Model, *, expected_revision: int, values: dict[str, Any]
) -> tuple[models.Model, dict[str, list]]:
    """Apply values if nobody saved in between; returns the fresh object and the changes.

    The row is locked while it is compared and written, so two saves of the
    same revision cannot both succeed.
    """
    model = type(instance)
    current = model.objects.select_for_update().get(pk=instance.pk)
    if current.revision != expected_revision:
        raise EditConflict(current)
    changes = {
        name: [_jsonable(getattr(current, name)), _jsonable(value)]
        for name, value in values.items()
        if getattr(current, name) != value
    }
    for name, value in values.items():
        setattr(current, name, value)
    current.revision += 1
    update_fields = [*values, "revision"]
    if any(f.name == "updated_at" for f in model._meta.fields):
        update_fields.append("updated_at")
    current.save(update_fields=update_fields)
    return current, changes


def _jsonable(value: Any) -> Any:
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


def move_in_order(instance: models.Model, siblings: models.QuerySet, direction: str) -> bool:
    """Swap an item with its neighbour above ("up") or below ("down"); False at the edge."""
    items = list(siblings.select_for_update(of=("self",)).order_by("order", "pk"))
    index = next(i for i, item in enumerate(items) if item.pk == instance.pk)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(items):
        return False
    items[index], items[other] = items[other], items[index]
    _renumber(items)
    return True


def reorder(siblings: models.QuerySet, ids: list[int]) -> None:
    """Put the siblings in the order of ids; ids must be exactly the siblings."""
    items = {
        item.pk: item for item in siblings.select_for_update(of=("self",)).order_by("order", "pk")
    }
    if sorted(items) != sorted(ids):
        raise ValidationError(_("The list changed while you were moving things; reload."))
    _renumber([items[pk] for pk in ids])


def _renumber(items: list[models.Model]) -> None:
    changed = []
    for number, item in enumerate(items, start=1):
        if item.order != number:
            item.order = number
            changed.append(item)
    if changed:
        type(changed[0]).objects.bulk_update(changed, ["order"])


def revise(
    instance: models.Model, *, plan: Plan, expected_revision: int, values: dict, by, action: str
) -> models.Model:
    """Edit part of a draft: refuse a frozen plan, detect conflicts, log what changed."""
    from .activity import plan_activity

    ensure_editable(plan)
    saved, changes = save_revision(instance, expected_revision=expected_revision, values=values)
    if changes:
        plan_activity(
            plan=plan, by=by, action=action, target=saved, summary=str(saved), changes=changes
        )
    return saved
