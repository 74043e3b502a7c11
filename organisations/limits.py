"""How much free text a person may write: one place for models, forms and services."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, ProhibitNullCharactersValidator
from django.utils.translation import gettext_lazy as _

# Preambles, section introductions, goal and event descriptions (Markdown).
LONG_TEXT_MAX_LENGTH = 20_000
# Measures, progress notes and other short texts without Markdown.
SHORT_TEXT_MAX_LENGTH = 2_000

# C0 and C1 control characters except tab, newline and carriage return. NUL is
# left to Django's own validator, which every forms.CharField already runs.
_CONTROL_CHARACTERS = re.compile(r"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def validate_no_control_characters(value: str) -> None:
    if _CONTROL_CHARACTERS.search(value):
        raise ValidationError(
            _("The text contains control characters that cannot be stored; remove them."),
            code="control_characters",
        )


def validate_free_text(value: str, *, max_length: int) -> None:
    """What a form checks, for services that can be called without one."""
    ProhibitNullCharactersValidator()(value)
    validate_no_control_characters(value)
    MaxLengthValidator(max_length)(value)


class FreeTextField(forms.CharField):
    """A CharField for what a person types: besides NUL, no other control characters."""

    default_validators = [validate_no_control_characters]
