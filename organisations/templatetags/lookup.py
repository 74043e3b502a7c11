from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """mapping[key] in a template (dictionaries keyed by ids)."""
    return mapping[key]
