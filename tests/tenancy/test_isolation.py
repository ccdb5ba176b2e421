"""Tenancy is one mechanism, proven over every route of the portal, the merchant portal and the API that
names an object."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from linke.tenancy import ScopeError, all_providers
from providers.choices import ApplicationStatus, Role
from providers.models import Membership
from providers.tenancy import provider_scope

from ..conftest import client_for, client_for_user
from ..factories.providers import (
    CaseStudyFactory,
    InvitationFactory,
    ProviderApplicationFactory,
    ServicePackageFactory,
)
from .cases import accounts, centre, contracts, deliverables, leads, money, requests, reviews, rfqs
from .isolation import assert_isolated

pytestmark = pytest.mark.django_db


def member_email(membership):
    return membership.user.email


# Every route that names an object (any URL keyword: pk, token, code, ...) under the portal, the merchant
# portal or the API, with how to make the object and what would betray a leak. A new route without an
# entry here, or in NOT_OWNED_ROUTES with the reason, fails `test_every_object_route_is_covered`.
def package(membership):
    return ServicePackageFactory(provider=membership.provider, name=f"套餐-{membership.user.email}")


def case_study(membership):
    return CaseStudyFactory(provider=membership.provider, title=f"案例-{membership.user.email}")


def named(obj):
    return getattr(obj, "name", None) or obj.title


def deactivated(membership):
    with all_providers():
        Membership.objects.filter(pk=membership.pk).update(is_active=False)
    membership.refresh_from_db()
    return membership


def invitation(membership):
    return InvitationFactory(provider=membership.provider, email=f"invited-{membership.user.email}")


def invited_email(invitation):
    return invitation.email


def approved_application(membership):
    """Applications belong to their applicant, not to a tenant: this is the approved application that
    created the membership's provider, made by that provider's owner (the probing client) if it has one."""
    with all_providers():
        owner = Membership.objects.filter(provider=membership.provider, role=Role.OWNER).first()
    return ProviderApplicationFactory(
        applicant=(owner or membership).user,
        status=ApplicationStatus.APPROVED,
        provider=membership.provider,
        legal_name=f"申请-{membership.user.email}",
    )


def legal_name(application):
    return application.legal_name


def submittable_application(membership):
    """A complete draft of the owner of the membership's provider (the probing client, for its own)."""
    from reference.models import Region, ServiceCity, Track

    with all_providers():
        owner = Membership.objects.filter(provider=membership.provider, role=Role.OWNER).first()
    region, _ = Region.objects.get_or_create(code="350100", defaults={"name": "福州市", "level": 2})
    city, _ = ServiceCity.objects.get_or_create(region=region, defaults={"name": "福州市", "name_pinyin": "fuzhoushi"})
    track, _ = Track.objects.get_or_create(slug="dining", defaults={"name": "餐饮", "name_en": "Dining"})
    return ProviderApplicationFactory(
        applicant=(owner or membership).user,
        legal_name=f"待提交-{membership.user.email}",
        service_cities=[city],
        tracks=[track],
    )


# route name -> (make an object from a membership, what would betray a leak, methods to probe: a method
# name, or (method, data) when the request needs a body)
SCOPED_ROUTES = {
    "portal:team_member": (lambda own: own, member_email, ("get",)),
    "api:team-detail": (lambda own: own, member_email, ("get",)),
    "portal:package_edit": (package, named, ("get", "post")),
    "portal:package_delete": (package, named, ("post",)),
    "portal:case_edit": (case_study, named, ("get", "post")),
    "portal:case_delete": (case_study, named, ("post",)),
    "api:service-package-detail": (package, named, ("get", "patch", "delete")),
    "api:case-study-detail": (case_study, named, ("get", "patch", "delete")),
    "portal:team_member_role": (lambda own: own, member_email, (("post", {"role": Role.BD}),)),
    "portal:team_member_deactivate": (lambda own: own, member_email, ("post",)),
    "portal:team_member_reactivate": (deactivated, member_email, ("post",)),
    "portal:team_transfer_ownership": (lambda own: own, member_email, ("post",)),
    "portal:invitation_revoke": (invitation, invited_email, ("post",)),
    "api:team-role": (lambda own: own, member_email, (("post", {"role": Role.BD}),)),
    "api:team-deactivate": (lambda own: own, member_email, ("post",)),
    "api:team-reactivate": (deactivated, member_email, ("post",)),
    "api:team-transfer-ownership": (lambda own: own, member_email, ("post",)),
    "api:invitation-detail": (invitation, invited_email, ("get",)),
    "api:invitation-revoke": (invitation, invited_email, ("post",)),
    "portal:application_licence": (approved_application, legal_name, ("get",)),
    "api:application-detail": (approved_application, legal_name, ("get",)),
    "api:application-submit": (submittable_application, legal_name, ("post",)),
}

# Whose an object is when it is not its provider's (a draft application has no provider yet).
OWNER_OF = {"api:application-submit": lambda application: application.applicant_id}

# Routes that name something no tenant owns, and why the isolation walker has nothing to probe there.
NOT_OWNED_ROUTES = {
    "portal:invitation_accept": "the token is the authorisation, whoever's provider it names; a wrong user, "
    "a used or made-up token are refused in tests/providers/test_team_invitations.py",
    "api:public-verify": "the public 身份验真码 check (no login, no tenant); what it reveals and to whom is "
    "tested in tests/providers/test_verification_lookup.py",
}


# The merchants and contracts domains keep their cases beside each other, one module per area.
CASE_MODULES = (centre, requests, leads, accounts, contracts, rfqs, deliverables, money, reviews)
MERCHANT_ROUTES = {}
for module in CASE_MODULES:
    SCOPED_ROUTES.update(module.PROVIDER_ROUTES)
    MERCHANT_ROUTES.update(module.MERCHANT_ROUTES)
    NOT_OWNED_ROUTES.update(module.NOT_OWNED_ROUTES)
    OWNER_OF.update(module.OWNER_OF)


def iter_object_routes(resolver=None, namespace=""):
    """Every named route whose URL has a keyword (an object's id, token or code)."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            child = f"{namespace}:{pattern.namespace}" if namespace and pattern.namespace else pattern.namespace
            yield from iter_object_routes(pattern, child or namespace)
        elif isinstance(pattern, URLPattern) and pattern.name and pattern.pattern.regex.groupindex:
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


CHANNELS = ("portal:", "merchant:", "api:")


def test_every_object_route_is_covered():
    routes = {name for name in iter_object_routes() if name.startswith(CHANNELS)}
    assert {"portal:team_member", "portal:invitation_accept", "api:public-verify"} <= routes, "the walker is broken"
    covered = set(SCOPED_ROUTES) | set(MERCHANT_ROUTES) | set(NOT_OWNED_ROUTES)
    assert routes - covered == set(), f"routes without an isolation case: {sorted(routes - covered)}"
    assert covered - routes == set(), f"cases of routes that no longer exist: {sorted(covered - routes)}"


def test_the_walker_finds_a_route_named_by_any_keyword():
    from django.http import HttpResponse
    from django.urls import include, path
    from django.urls.resolvers import RegexPattern

    def view(request, **kwargs):
        return HttpResponse()

    routes = [
        path("", view, name="landing"),
        path("merchant/", include(([path("stores/<slug:store>/", view, name="store"), path("", view)], "merchant"))),
    ]
    assert list(iter_object_routes(URLResolver(RegexPattern(r"^/"), routes))) == ["merchant:store"]


@pytest.mark.parametrize("route", sorted(SCOPED_ROUTES))
def test_another_providers_object_answers_404(route, provider, other_provider, member):
    make, marker, methods = SCOPED_ROUTES[route]
    client = client_for(member(Role.OWNER))
    for probe in methods:
        method, data = probe if isinstance(probe, tuple) else (probe, None)
        # a fresh pair per method: an allowed DELETE/POST on the own object may remove it
        own = make(member(Role.VIEWER))
        foreign = make(member(Role.VIEWER, provider=other_provider))
        assert_isolated(
            client,
            lambda obj: reverse(route, kwargs={"pk": obj.pk}),
            own=own,
            foreign=foreign,
            marker=marker,
            methods=(method,),
            data=data,
            owner=OWNER_OF.get(route),
        )


@pytest.mark.parametrize("route", sorted(MERCHANT_ROUTES))
def test_another_merchants_object_answers_404(route, merchant, other_merchant):
    """The merchant channel (pages and API): another merchant's row is as missing as one that never was."""
    make, marker, methods = MERCHANT_ROUTES[route]
    client = client_for_user(merchant.owner)
    for probe in methods:
        method, data = probe if isinstance(probe, tuple) else (probe, None)
        own, foreign = make(merchant), make(other_merchant)
        assert_isolated(
            client,
            lambda obj: reverse(route, kwargs={"pk": obj.pk}),
            own=own,
            foreign=foreign,
            marker=marker,
            methods=(method,),
            data=data,
            owner=OWNER_OF.get(route, lambda obj: obj.merchant_id),
        )


@pytest.mark.urls("tests.tenancy.leaky_urls")
def test_helper_catches_a_leaky_view(provider, other_provider, member):
    me = member(Role.OWNER)
    foreign = member(Role.VIEWER, provider=other_provider)
    with pytest.raises(AssertionError, match="not 404"):
        assert_isolated(
            client_for(me),
            lambda obj: reverse("leaky_member", kwargs={"pk": obj.pk}),
            own=me,
            foreign=foreign,
            marker=member_email,
        )


def test_scoped_query_outside_any_scope_raises(member):
    member(Role.OWNER)
    with pytest.raises(ScopeError):
        list(Membership.objects.all())
    with pytest.raises(ScopeError):
        Membership.objects.filter(role=Role.OWNER).count()
    for closed in (
        Membership.objects.exists,
        Membership.objects.exclude(pk=0).exists,
        lambda: Membership.objects.in_bulk([1]),
    ):
        with pytest.raises(ScopeError):
            closed()


def test_scope_returns_only_that_providers_rows(provider, other_provider, member):
    mine = member(Role.OWNER)
    member(Role.OWNER, provider=other_provider)
    with provider_scope(provider):
        assert list(Membership.objects.values_list("pk", flat=True)) == [mine.pk]
    with all_providers():
        assert Membership.objects.count() == 2


def test_provider_scope_refuses_none():
    with pytest.raises(ScopeError):
        provider_scope(None)


def test_user_in_two_providers_switches(provider, other_provider, member):
    first = member(Role.OWNER)
    member(Role.BD, provider=other_provider, user=first.user)
    client = client_for(first)
    home = reverse("portal:team")
    before = client.get(home).context["request"].provider
    target = other_provider if before == provider else provider
    response = client.post(reverse("portal:switch_provider"), {"provider": target.pk, "next": home})
    assert response.status_code == 302
    after = client.get(home)
    assert after.context["request"].provider == target
    assert [m.provider for m in after.context["memberships"]] and all(
        m.provider == target for m in after.context["memberships"]
    )


def test_switching_to_a_provider_one_is_not_member_of_is_refused(provider, other_provider, member):
    client = client_for(member(Role.OWNER))
    response = client.post(reverse("portal:switch_provider"), {"provider": other_provider.pk}, follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert client.get(reverse("portal:team")).context["request"].provider == provider


def test_form_choices_over_a_scoped_model_offer_only_the_current_providers_rows(provider, other_provider, member):
    from django import forms

    mine = member(Role.BD)
    theirs = member(Role.BD, provider=other_provider)

    class AssignForm(forms.Form):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            # Built per request: a class-level queryset of a scoped model would raise at import.
            self.fields["member"] = forms.ModelChoiceField(queryset=Membership.objects.all())

    with provider_scope(provider):
        form = AssignForm(data={"member": theirs.pk})
        assert [choice for choice, _ in form.fields["member"].choices if choice] == [mine.pk]
        assert not form.is_valid() and "member" in form.errors


def test_async_iteration_outside_a_scope_raises(member):
    import asyncio

    member(Role.OWNER)

    async def read_all():
        return [m async for m in Membership.objects.exclude(pk=0)]

    with pytest.raises(ScopeError):
        asyncio.run(read_all())
