"""Each channel resolves its owner where it authenticates, enters that scope and leaves it, whatever
happens; the URL decides the channel; no channel ever opens a dimension as "unfiltered"."""

import pytest
from django.db import connection, models
from django.test.utils import isolate_apps
from django.urls import reverse
from django_scopes import scope as raw_scope
from rest_framework.test import APIClient

from linke.celery import Queue
from linke.tenancy import ScopeError, all_providers, current_scope, scoped_manager, tenant_scope
from merchants.models import Merchant
from merchants.tenancy import merchant_scope
from providers.api.base import ProviderAPIView, ProviderScopedViewSet
from providers.choices import Role
from providers.models import Membership
from providers.tenancy import provider_scope, provider_task
from providers.views.base import ProviderView

from ..conftest import client_for, client_for_user
from ..factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(member):
    return member(Role.OWNER)


@pytest.fixture
def both(owner):
    """A user who is the owner of a provider and also owns a merchant."""
    return owner, Merchant.objects.create(name="老码头火锅", owner=owner.user)


def probe(client, path):
    response = client.get(path)
    assert response.status_code == 200, response.content
    return response.json()


# --- Every channel enters its scope and leaves it -------------------------------------------------
@pytest.mark.urls("tests.tenancy.channel_urls")
def test_a_portal_page_runs_in_its_providers_scope_and_leaves_it(owner, member, other_provider):
    colleague = member(Role.VIEWER)
    member(Role.VIEWER, provider=other_provider)
    seen = probe(client_for(owner), "/portal/probe/")
    assert seen == {
        "scope": {"_enabled": True, "provider": owner.provider_id},
        "members": sorted([owner.pk, colleague.pk]),
        "actor": "member",
    }
    assert current_scope() == {}


@pytest.mark.urls("tests.tenancy.channel_urls")
def test_an_api_request_runs_in_its_providers_scope_and_leaves_it(owner):
    api = APIClient()
    api.force_login(owner.user)
    assert probe(api, "/api/v1/probe/") == {
        "scope": {"_enabled": True, "provider": owner.provider_id},
        "members": [owner.pk],
        "actor": "member",
    }
    assert current_scope() == {}


@pytest.mark.urls("tests.tenancy.channel_urls")
@pytest.mark.parametrize("path", ["/portal/failing/", "/merchant/failing/", "/api/v1/failing/"])
def test_a_failing_page_leaves_no_scope_behind(path, both):
    owner, _merchant = both
    client = APIClient()
    client.force_login(owner.user)
    with pytest.raises(RuntimeError, match="failed inside"):
        client.get(path)
    assert current_scope() == {}
    with pytest.raises(ScopeError):
        list(Membership.objects.all())  # the next code on this thread is outside every tenant


@pytest.mark.urls("tests.tenancy.channel_urls")
def test_a_response_rendered_after_the_view_returns_is_still_rendered_inside_the_scope(owner, member):
    colleague = member(Role.VIEWER)
    page = client_for(owner).get("/portal/late/")
    assert (page.status_code, page.content.decode()) == (200, f"{owner.pk};{colleague.pk};")
    api = APIClient()
    api.force_login(owner.user)
    assert api.get("/api/v1/late/").json() == {"members": [owner.pk, colleague.pk]}
    assert current_scope() == {}


# --- The URL decides the channel -------------------------------------------------------------------
@pytest.mark.urls("tests.tenancy.channel_urls")
def test_a_member_who_is_also_a_merchant_sees_each_side_only_in_its_channel(both):
    owner, merchant = both
    client = client_for(owner)
    as_provider = probe(client, "/portal/probe/")
    as_merchant = probe(client, "/merchant/probe/")
    assert (as_provider["scope"], as_provider["members"], as_provider["actor"]) == (
        {"_enabled": True, "provider": owner.provider_id},
        [owner.pk],
        "member",
    )
    assert (as_merchant["scope"], as_merchant["members"], as_merchant["actor"]) == (
        {"_enabled": True, "merchant": merchant.pk},
        "closed",  # provider rows are not readable under /merchant/
        "merchant",
    )


def test_the_real_pages_show_each_side_in_its_own_shell(both):
    owner, merchant = both
    client = client_for(owner)
    team = client.get(reverse("portal:team")).content.decode()
    home = client.get(reverse("merchant:home")).content.decode()
    assert owner.provider.name in team and merchant.name not in team
    assert merchant.name in home and owner.provider.name not in home


# --- No channel opens a dimension with None --------------------------------------------------------
@pytest.mark.urls("tests.tenancy.channel_urls")
def test_a_user_without_an_owner_gets_no_scope_in_any_channel(user):
    client = client_for_user(user)
    api = APIClient()
    api.force_login(user)
    for seen in (probe(client, "/portal/probe/"), probe(client, "/merchant/probe/"), probe(api, "/api/v1/probe/")):
        assert (seen["scope"], seen["members"], seen["actor"]) == ({}, "closed", "user")


@pytest.mark.parametrize("value", [None, 0, "", "7", [1, 2], True])
def test_a_scope_is_only_ever_opened_with_an_id(value):
    with pytest.raises(ScopeError):
        tenant_scope(provider=value)
    with pytest.raises(ScopeError):
        provider_scope(value)
    with pytest.raises(ScopeError):
        merchant_scope(value)


def test_a_dimension_opened_with_none_fails_instead_of_showing_everything(owner, member, other_provider):
    member(Role.BD, provider=other_provider)
    with raw_scope(provider=None), pytest.raises(ScopeError, match="not an id"):
        list(Membership.objects.all())  # django-scopes itself would read None as "unfiltered"


# --- Tasks -----------------------------------------------------------------------------------------
@provider_task(queue=Queue.DEFAULT)
def count_members_task(provider_id):
    return {"scope": current_scope(), "members": Membership.objects.count()}


def test_a_provider_task_runs_in_its_providers_scope_and_leaves_it(owner, member, other_provider):
    member(Role.BD)
    member(Role.BD, provider=other_provider)
    assert count_members_task.delay(provider_id=owner.provider_id).get() == {
        "scope": {"_enabled": True, "provider": owner.provider_id},
        "members": 2,
    }
    assert count_members_task.delay(owner.provider_id).get()["members"] == 2  # positionally too
    assert current_scope() == {}


def test_a_provider_task_without_its_provider_raises(owner):
    with pytest.raises(TypeError):
        count_members_task.delay()
    with pytest.raises(ScopeError):
        count_members_task.delay(provider_id=None)
    assert current_scope() == {}


def test_a_provider_task_without_its_provider_is_refused_when_it_is_queued(monkeypatch):
    from linke.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", False)  # as in production: sent to a worker
    with pytest.raises(TypeError, match="provider_id"):
        count_members_task.delay()


def test_a_provider_task_must_take_provider_id():
    with pytest.raises(TypeError, match="must take provider_id"):

        @provider_task(queue=Queue.DEFAULT)
        def count_everything_task():
            return Membership.objects.count()


# --- Rows two owners share -------------------------------------------------------------------------
@pytest.fixture
def shared_rows():
    """A model with the manager of shared rows (leads, contracts): owned by a provider and a merchant."""
    with isolate_apps("linke"):

        class SharedRow(models.Model):
            provider = models.BigIntegerField()
            merchant = models.BigIntegerField()
            name = models.CharField(max_length=20)

            objects = scoped_manager(provider="provider", merchant="merchant")

            class Meta:
                app_label = "linke"

            def __str__(self):
                return self.name

        with connection.schema_editor() as editor:
            editor.create_model(SharedRow)
        for provider, merchant, name in [(1, 10, "p1-m10"), (1, 20, "p1-m20"), (2, 10, "p2-m10")]:
            SharedRow.objects.create(provider=provider, merchant=merchant, name=name)
        yield SharedRow
        with connection.schema_editor() as editor:
            editor.delete_model(SharedRow)


def names(model):
    return sorted(model.objects.values_list("name", flat=True))


def test_each_owner_of_a_shared_row_sees_it_in_its_own_scope(shared_rows):
    with tenant_scope(provider=1):
        assert names(shared_rows) == ["p1-m10", "p1-m20"]
    with tenant_scope(merchant=10):
        assert names(shared_rows) == ["p1-m10", "p2-m10"]
    with tenant_scope(provider=1, merchant=10):
        assert names(shared_rows) == ["p1-m10"]
    with all_providers():
        assert names(shared_rows) == ["p1-m10", "p1-m20", "p2-m10"]
    with pytest.raises(ScopeError):
        names(shared_rows)


def test_a_provider_only_row_stays_closed_in_a_merchant_scope(owner):
    with tenant_scope(merchant=10), pytest.raises(ScopeError):
        Membership.objects.count()


def test_closed_querysets_keep_their_named_filters_and_an_empty_result(owner):
    assert list(Membership.objects.active().none()) == []
    with pytest.raises(ScopeError):
        list(Membership.objects.active().managers())


# --- The base classes cannot be bypassed -----------------------------------------------------------
@pytest.mark.parametrize("name", ["get_queryset", "queryset", "get_object", "dispatch", "enter_channel"])
def test_a_portal_page_cannot_replace_what_keeps_the_tenant_in(name):
    with pytest.raises(TypeError, match=f"must not override {name}"):
        type("LeakyPage", (ProviderView,), {name: lambda self, *args: None})


def test_a_mixin_placed_before_the_base_cannot_replace_it_either():
    class Leak:
        def get_queryset(self):
            return Membership._default_manager.none()

    with pytest.raises(TypeError, match=r"must not override get_queryset \(in Leak\)"):
        type("LeakyPage", (Leak, ProviderView), {})
    with pytest.raises(TypeError, match=r"must not override get_queryset \(in Leak\)"):
        type("LeakyEndpoint", (Leak, ProviderScopedViewSet), {})


@pytest.mark.parametrize(
    "name", ["get_queryset", "get_object", "permission_classes", "authentication_classes", "get_permissions"]
)
@pytest.mark.parametrize("base", [ProviderAPIView, ProviderScopedViewSet])
def test_an_api_view_cannot_replace_what_keeps_the_tenant_in(base, name):
    with pytest.raises(TypeError, match=f"must not override {name}"):
        type("LeakyEndpoint", (base,), {name: []})


def test_an_unknown_client_is_refused_by_the_api_channel():
    response = APIClient().get(reverse("api:team-list"))
    assert (response.status_code, response.json()["code"]) == (403, "not_authenticated")


def test_a_user_in_no_provider_is_told_so_by_the_api(user):
    api = APIClient()
    api.force_login(UserFactory())
    response = api.get(reverse("api:team-list"))
    assert (response.status_code, response.json()["code"]) == (403, "no_provider")


def test_a_closed_queryset_cannot_run_hidden_inside_another_query(owner, member, other_provider):
    from django.db.models import Exists, OuterRef

    from providers.models import Provider

    member(Role.BD, provider=other_provider)
    hidden = [
        lambda: list(Provider.objects.filter(pk__in=Membership.objects.values("provider"))),
        lambda: list(Provider.objects.filter(Exists(Membership.objects.filter(provider=OuterRef("pk"))))),
        lambda: list(Membership.objects.all()[:1] | Membership.objects.all()),
    ]
    for run in hidden:
        with pytest.raises(ScopeError):
            run()
        with tenant_scope(merchant=10), pytest.raises(ScopeError):
            run()
    with provider_scope(owner.provider):
        assert list(Provider.objects.filter(pk__in=Membership.objects.values("provider"))) == [owner.provider]


# --- After logging in, each person lands in their channel ------------------------------------------
def log_in(user):
    from django.test import Client

    from ..factories.linke import PASSWORD

    return Client().post(reverse("account_login"), {"login": user.email, "password": PASSWORD})


def test_a_merchant_lands_in_the_merchant_centre_and_a_member_in_the_portal(owner, user):
    merchant_only = UserFactory()
    Merchant.objects.create(name="老码头火锅", owner=merchant_only)
    Merchant.objects.create(name="阿尔法老板的小店", owner=owner.user)  # both: the provider portal first
    assert log_in(merchant_only).url == reverse("merchant:home")
    assert log_in(owner.user).url == reverse("portal:home")
    assert log_in(user).url == reverse("portal:home")  # neither: the portal's home says how to join


def test_a_login_with_a_next_address_goes_there(user):
    from django.test import Client

    from ..factories.linke import PASSWORD

    Merchant.objects.create(name="老码头火锅", owner=user)
    response = Client().post(
        reverse("account_login") + "?next=/portal/apply/", {"login": user.email, "password": PASSWORD}
    )
    assert response.url == "/portal/apply/"
