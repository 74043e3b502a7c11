"""Parts of other apps' pages that show events, so those apps need not import this one."""

from django import template

from calendar_app.selectors import upcoming_events
from organisations.models import Organisation

register = template.Library()


@register.inclusion_tag("calendar_app/_event_list.html", takes_context=True)
def upcoming_events_panel(context, organisations, limit: int = 10) -> dict:
    """The next events the person may see of one organisation or of several."""
    if isinstance(organisations, Organisation):
        organisations = [organisations]
    return {"events": upcoming_events(context["request"].user, organisations)[:limit]}
