"""Model fields of values the whole platform shares."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .forms import CreditCodeFormField
from .validators import normalize_credit_code, validate_credit_code


class CreditCodeIsValid(models.Func):
    """The database's own check of a unified social credit code: format and GB 32100-2015 check
    character (`linke_credit_code_is_valid`, created by migration linke 0008)."""

    function = "linke_credit_code_is_valid"
    arity = 1
    output_field = models.BooleanField()


class CreditCodeField(models.CharField):
    """统一社会信用代码, stored in its canonical form (18 characters, upper case, half-width). Forms, the
    API and `full_clean()` normalise what was typed (full-width, spaced, hyphenated) and explain what is
    wrong; the model's `credit_code_constraint()` makes the database refuse anything else."""

    description = _("unified social credit code")
    default_validators = [validate_credit_code]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 18)
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return normalize_credit_code(value) if value else value

    def formfield(self, **kwargs):
        # No maxlength in the page: "9135 0100 M000 100Y43" is longer than the code it types.
        return super().formfield(**{"form_class": CreditCodeFormField, "max_length": None, **kwargs})


def credit_code_constraint(name: str, *, allow_blank: bool = False) -> models.CheckConstraint:
    """The database refuses a credit code that is not valid, whatever wrote it (`allow_blank`: a draft's)."""
    valid = models.Q(CreditCodeIsValid("credit_code"))
    return models.CheckConstraint(
        condition=(models.Q(credit_code="") | valid) if allow_blank else valid,
        name=name,
        violation_error_message=_("This is not a valid unified social credit code."),
    )
