"""Parts of other apps' pages that show measures, so those apps need not import this one."""

from django import template
from django.template import engines
from django.utils.safestring import SafeString, mark_safe

from goals.selectors import measures_responsible_for

register = template.Library()


@register.inclusion_tag("goals/_my_measures_panel.html", takes_context=True)
def my_measures_panel(context, limit: int = 20) -> dict:
    """Open measures that name a body the person sits in."""
    return {"measures": measures_responsible_for(context["request"].user)[:limit]}


# The partials the plan page draws once per measure are Jinja2 templates
# (config/jinja2.py); other pages draw them with these tags.


def _partial(context, name: str, values: dict) -> SafeString:
    template = engines["jinja2"].get_template(name)
    return mark_safe(template.render(values, context.get("request")))  # noqa: S308 - autoescaped


@register.simple_tag(takes_context=True)
def measure_meta(context, measure) -> SafeString:
    """Who is responsible, when it is due, how often, for whom: the line under a measure."""
    return _partial(context, "goals/_measure_meta.html", {"measure": measure})


@register.simple_tag(takes_context=True)
def measure_progress(context, measure, state) -> SafeString:
    """A measure's progress, with tick controls for those who may tick."""
    values = {"measure": measure, "state": state, "next_url": context.get("next_url")}
    return _partial(context, "goals/_progress.html", {**values, "error": None})


@register.simple_tag(takes_context=True)
def measure_notes(context, notes, show_people: bool) -> SafeString:
    """A measure's written notes, newest first."""
    values = {"notes": notes, "show_people": show_people}
    return _partial(context, "goals/_notes.html", values)
