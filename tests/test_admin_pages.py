"""Every admin list and change page renders for an operator, on the demo data (a 500 in the admin
stops the operators' work)."""

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils.html import escape

from linke.models import DomainEvent, EventDelivery, User
from linke.tenancy import all_providers

from .test_architecture import APPS

MODELS = [m for m in admin.site._registry if m._meta.app_label in APPS]
# Rows the demo data does not make (no subscriber exists yet, so no delivery): made here, so that every
# model's change page is rendered too.
EXTRA_ROWS = {
    EventDelivery: lambda: EventDelivery.objects.create(
        event=DomainEvent.objects.order_by("pk").first(),
        subscriber="webhooks.deliver",
        status="failed",
        attempts=9,
        last_error="ConnectionError: the receiver did not answer",
    ),
}


@pytest.fixture(scope="module")
def demo_data(django_db_setup, django_db_blocker):
    # Committed (module-wide) data, so it must go whatever happens, a failed seeding included.
    try:
        with django_db_blocker.unblock(), override_settings(DEBUG=True):
            call_command("load_reference_data", verbosity=0)
            call_command("seed_demo", verbosity=0)
            for make in EXTRA_ROWS.values():
                make()
        yield
    finally:
        with django_db_blocker.unblock():
            call_command("flush", interactive=False, verbosity=0)


@pytest.mark.django_db
@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_list_and_change_pages_render(model, demo_data, client):
    client.force_login(User.objects.get(email="operator@linke.test"))
    opts = model._meta
    listing = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    assert listing.status_code == 200
    with all_providers():
        obj = model._default_manager.order_by("pk").first()
    assert obj is not None, f"neither the demo data nor EXTRA_ROWS has a {opts.label} row"
    assert listing.context["cl"].result_count >= 1
    page = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]))
    assert page.status_code == 200
    assert escape(str(obj)) in page.content.decode()
