"""Filters for list pages, where a value is rendered once per row: `{% load linke %}`.

`{{ value|day }}` and `{{ value|minute }}` give a moment in the site's time zone as the pages write it
everywhere (2026-12-01, 2026-12-01 09:30), the same in every language. Django's `date` filter does the
same through its format machinery at several times the cost, which a 50-row page pays 50 times."""

from datetime import datetime

from django import template
from django.utils import timezone

register = template.Library()


def _local(value):
    return timezone.localtime(value) if isinstance(value, datetime) and timezone.is_aware(value) else value


@register.filter(expects_localtime=False)
def day(value) -> str:
    return _local(value).strftime("%Y-%m-%d") if value else ""


@register.filter(expects_localtime=False)
def minute(value) -> str:
    return _local(value).strftime("%Y-%m-%d %H:%M") if value else ""
