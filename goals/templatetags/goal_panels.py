"""Parts of other apps' pages that show measures, so those apps need not import this one."""

from django import template

from goals.selectors import measures_responsible_for

register = template.Library()


@register.inclusion_tag("goals/_my_measures_panel.html", takes_context=True)
def my_measures_panel(context, limit: int = 20) -> dict:
    """Open measures that name a body the person sits in."""
    return {"measures": measures_responsible_for(context["request"].user)[:limit]}
