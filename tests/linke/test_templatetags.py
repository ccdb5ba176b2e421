"""`day` and `minute` write a moment as every page does, in the site's time zone (Asia/Shanghai)."""

from datetime import UTC, date, datetime

from django.template import Context, Template


def render(source: str, **context) -> str:
    return Template("{% load linke %}" + source).render(Context(context))


def test_a_moment_is_written_in_shanghai_time():
    evening_in_utc = datetime(2026, 12, 1, 17, 30, tzinfo=UTC)
    assert render("{{ at|day }} / {{ at|minute }}", at=evening_in_utc) == "2026-12-02 / 2026-12-02 01:30"


def test_a_plain_date_and_nothing():
    assert render("{{ d|day }}|{{ none|minute }}|{{ missing|day }}", d=date(2026, 2, 3), none=None) == "2026-02-03||"
