"""Parts of other apps' pages that show plans, so those apps need not import this one."""

from django import template

from plans.models import Plan

register = template.Library()


@register.inclusion_tag("plans/_organisation_plans.html", takes_context=True)
def organisation_plans(context, organisation) -> dict:
    """The organisation's plans that the person may read, newest period first."""
    plans = (
        Plan.objects.visible_to(context["request"].user)
        .filter(organisation=organisation)
        .order_by("-last_year", "title")
    )
    return {"plans": plans}
