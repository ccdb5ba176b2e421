"""Filters for contract terms, the same in every language (the site writes money as ¥1,234.00 everywhere, where
Chinese number formats would group by ten thousands without separators): `{% load contract_terms %}`.

`{{ amount|yuan }}` → ¥1,234.00 (empty for None); `{{ basis_points|percent_bp }}` → 5.50 (550 bp)."""

from django import template

from ..selectors.contracts import percent
from ..selectors.contracts import yuan as format_yuan

register = template.Library()


@register.filter
def yuan(amount) -> str:
    return "" if amount is None or amount == "" else format_yuan(amount)


@register.filter
def percent_bp(basis_points) -> str:
    return "" if basis_points is None or basis_points == "" else percent(basis_points)
