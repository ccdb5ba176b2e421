"""入驻申请: the credit-code check, the state machine and the services (draft, submit, review)."""

import threading

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.forms.models import model_to_dict

from linke.actors import Actor
from linke.errors import ApplicationError, ConflictError, InvalidTransition, PermissionDeniedError
from linke.models import AuditEvent, Notification
from linke.tenancy import all_providers
from linke.validators import validate_credit_code
from providers.choices import ApplicationStatus as S
from providers.choices import CooperationMode, ProviderStatus, Role
from providers.models import Membership, Provider, ProviderApplication
from providers.services.applications import (
    application_approve,
    application_reject,
    application_request_changes,
    application_save_draft,
    application_submit,
)
from providers.transitions import APPLICATION_TRANSITIONS, assert_transition

from ..factories import ProviderFactory, UserFactory
from ..factories.providers import ProviderApplicationFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_media", "english")]

VALID_CODES = ["91350100M000100Y43", "91110000600037341L", "9144030071526726XG", "91310000775785552L"]


def snapshot(application):
    return model_to_dict(ProviderApplication.objects.get(pk=application.pk))


def events_of(application):
    return list(
        AuditEvent.objects.filter(object_type="providers.providerapplication", object_id=str(application.pk))
        .order_by("created_at", "pk")
        .values_list("action", flat=True)
    )


@pytest.fixture
def make_application(cities, tracks):
    """`make_application(status)`: a complete application in that state (approved ones have a provider)."""

    def make(status=S.DRAFT, **kwargs):
        if status == S.APPROVED:
            kwargs.setdefault("provider", ProviderFactory())
        return ProviderApplicationFactory(status=status, service_cities=cities, tracks=tracks, **kwargs)

    return make


# --- The unified social credit code (GB 32100-2015) -------------------------------------------
@pytest.mark.parametrize("code", VALID_CODES)
def test_known_valid_credit_codes_pass(code):
    validate_credit_code(code)
    validate_credit_code(code.lower())  # lower case is normalised, not refused


@pytest.mark.parametrize(
    ("code", "error_code", "message_part"),
    [
        ("91350100M000100Y4", "credit_code_length", "this one has 17"),
        ("91350100M000100Y433", "credit_code_length", "this one has 19"),
        ("", "credit_code_length", "this one has 0"),
        ("91350100I000100Y43", "credit_code_characters", "I"),
        ("91350100O000100Y43", "credit_code_characters", "O"),
        ("91350100S000100Y43", "credit_code_characters", "S"),
        ("91350100V000100Y43", "credit_code_characters", "V"),
        ("91350100Z000100Y43", "credit_code_characters", "Z"),
        ("91350100M000100Y44", "credit_code_check", "should be 3, not 4"),
        ("91110000600037341K", "credit_code_check", "should be L, not K"),
        ("9144030071526726xh", "credit_code_check", "should be G, not H"),
    ],
)
def test_wrong_credit_codes_say_what_is_wrong(code, error_code, message_part):
    with pytest.raises(ValidationError) as caught:
        validate_credit_code(code)
    assert caught.value.code == error_code
    assert message_part in caught.value.messages[0]


# --- The state machine, exhaustively ----------------------------------------------------------
ALL_PAIRS = [(current, target) for current in S.values for target in S.values]


# The application's state machine of SPEC §3, written out: every pair not listed is refused.
EXPECTED_TRANSITIONS = {
    ("draft", "submitted"),
    ("submitted", "changes_requested"),
    ("submitted", "approved"),
    ("submitted", "rejected"),
    ("changes_requested", "submitted"),
}


@pytest.mark.parametrize(("current", "target"), ALL_PAIRS)
def test_transition_table(current, target):
    if (current, target) in EXPECTED_TRANSITIONS:
        assert_transition(current, target, table=APPLICATION_TRANSITIONS)
    else:
        with pytest.raises(InvalidTransition):
            assert_transition(current, target, table=APPLICATION_TRANSITIONS)


def move(application, target, reviewer: Actor):
    """The one service for each target state (the applicant submits, `reviewer` decides)."""
    if target == S.SUBMITTED:
        return application_submit(actor=Actor.for_user(application.applicant), application=application)
    if target == S.CHANGES_REQUESTED:
        return application_request_changes(application=application, actor=reviewer, reason="请补充营业执照")
    if target == S.APPROVED:
        return application_approve(application=application, actor=reviewer)
    return application_reject(application=application, actor=reviewer, reason="资料不实")


# Every state is a target of one service except `draft`, which only creation makes.
SERVICE_PAIRS = [(current, target) for current, target in ALL_PAIRS if target != S.DRAFT]


@pytest.mark.parametrize(("current", "target"), [p for p in SERVICE_PAIRS if p in EXPECTED_TRANSITIONS])
def test_every_allowed_transition_works_through_its_service(current, target, make_application, operator):
    application = make_application(current)
    moved = move(application, target, Actor.operator(operator))
    assert moved.status == target
    assert ProviderApplication.objects.get(pk=application.pk).status == target
    assert AuditEvent.objects.filter(
        object_id=str(application.pk), before={"status": current}, after={"status": target}
    )


@pytest.mark.parametrize(("current", "target"), [p for p in SERVICE_PAIRS if p not in EXPECTED_TRANSITIONS])
def test_every_forbidden_transition_is_refused_and_changes_nothing(current, target, make_application, operator):
    application = make_application(current)
    before, providers, events = snapshot(application), Provider.objects.count(), AuditEvent.objects.count()
    with pytest.raises(InvalidTransition):
        move(application, target, Actor.operator(operator))
    assert snapshot(application) == before
    assert (Provider.objects.count(), AuditEvent.objects.count()) == (providers, events)
    assert not Notification.objects.exists()


def test_no_service_moves_an_application_back_to_draft():
    assert all(S.DRAFT not in targets for targets in APPLICATION_TRANSITIONS.values())


# --- Drafts -----------------------------------------------------------------------------------
def test_a_half_filled_draft_is_saved_and_the_credit_code_normalised(user, cities):
    application = application_save_draft(
        actor=Actor.for_user(user), data={"legal_name": "福州林客科技有限公司", "credit_code": " 91350100m000100y43 "}
    )
    application.refresh_from_db()
    assert (application.status, application.legal_name, application.credit_code) == (
        S.DRAFT,
        "福州林客科技有限公司",
        "91350100M000100Y43",
    )
    assert application.applicant == user and not application.licence
    assert events_of(application) == ["application.create"]

    application_save_draft(actor=Actor.for_user(user), application=application, data={"service_cities": [cities[0].pk]})
    assert list(application.service_cities.all()) == [cities[0]]
    event = AuditEvent.objects.get(action="application.update")
    assert event.after == {"service_cities": [cities[0].pk]} and event.before == {"service_cities": []}


def test_a_draft_with_wrong_values_is_refused_with_the_fields_and_nothing_is_saved(user):
    with pytest.raises(ApplicationError) as caught:
        application_save_draft(
            actor=Actor.for_user(user),
            data={"legal_name": "某公司", "credit_code": "91350100M000100Y44", "contact_mobile": "010-1234"},
        )
    assert set(caught.value.details) == {"credit_code", "contact_mobile"}
    assert "should be 3, not 4" in caught.value.details["credit_code"][0]
    assert not ProviderApplication.objects.exists() and not AuditEvent.objects.exists()


def test_one_open_application_per_applicant(user):
    application_save_draft(actor=Actor.for_user(user), data={"legal_name": "甲公司"})
    with pytest.raises(ConflictError) as caught:
        application_save_draft(actor=Actor.for_user(user), data={"legal_name": "乙公司"})
    assert caught.value.code == "application_already_open"
    assert list(ProviderApplication.objects.values_list("legal_name", flat=True)) == ["甲公司"]


def test_a_rejected_applicant_may_apply_again(make_application, operator):
    application = make_application(S.SUBMITTED)
    application_reject(application=application, actor=Actor.operator(operator), reason="资料不全")
    again = application_save_draft(actor=Actor.for_user(application.applicant), data={"legal_name": "重新申请公司"})
    assert again.pk != application.pk and again.status == S.DRAFT


@pytest.mark.parametrize("status", [S.SUBMITTED, S.APPROVED, S.REJECTED])
def test_an_application_under_review_or_decided_cannot_be_edited(status, make_application):
    application = make_application(status)
    before = snapshot(application)
    with pytest.raises(InvalidTransition):
        application_save_draft(
            actor=Actor.for_user(application.applicant), application=application, data={"legal_name": "改名"}
        )
    assert snapshot(application) == before


def test_changes_requested_application_can_be_edited(make_application):
    application = make_application(S.CHANGES_REQUESTED)
    application_save_draft(
        actor=Actor.for_user(application.applicant), application=application, data={"legal_name": "新名称"}
    )
    assert ProviderApplication.objects.get(pk=application.pk).legal_name == "新名称"


def test_someone_elses_application_cannot_be_edited_or_submitted(make_application):
    application = make_application(S.DRAFT)
    before, stranger = snapshot(application), UserFactory()
    with pytest.raises(PermissionDeniedError):
        application_save_draft(actor=Actor.for_user(stranger), application=application, data={"legal_name": "抢注"})
    with pytest.raises(PermissionDeniedError):
        application_submit(actor=Actor.for_user(stranger), application=application)
    assert snapshot(application) == before


# --- Submitting -------------------------------------------------------------------------------
def test_submitting_an_empty_draft_lists_every_missing_field(user):
    application = application_save_draft(actor=Actor.for_user(user), data={})
    with pytest.raises(ApplicationError) as caught:
        application_submit(actor=Actor.for_user(user), application=application)
    assert caught.value.code == "application_incomplete"
    assert set(caught.value.details) == {
        "legal_name",
        "credit_code",
        "legal_representative",
        "licence",
        "contact_name",
        "contact_mobile",
        "introduction",
        "service_cities",
        "tracks",
        "cooperation_modes",
    }
    assert ProviderApplication.objects.get(pk=application.pk).status == S.DRAFT


def test_submit_notifies_the_applicant_with_a_link_to_the_status_page(
    make_application, django_capture_on_commit_callbacks
):
    application = make_application(S.DRAFT)
    with django_capture_on_commit_callbacks(execute=True):
        application_submit(actor=Actor.for_user(application.applicant), application=application)
    application.refresh_from_db()
    assert application.status == S.SUBMITTED and application.submitted_at is not None
    notification = Notification.objects.get(recipient=application.applicant)
    assert (notification.verb, notification.url) == ("application.submit", "/portal/apply/status/")
    assert len(mail.outbox) == 1 and "/portal/apply/status/" in mail.outbox[0].body


def test_submit_is_refused_when_a_live_provider_has_the_credit_code(make_application):
    application = make_application(S.DRAFT)
    ProviderFactory(credit_code=application.credit_code)
    with pytest.raises(ConflictError) as caught:
        application_submit(actor=Actor.for_user(application.applicant), application=application)
    assert "already exists" in str(caught.value.message)
    assert ProviderApplication.objects.get(pk=application.pk).status == S.DRAFT


def test_a_terminated_provider_frees_its_credit_code(make_application, operator):
    application = make_application(S.DRAFT)
    ProviderFactory(credit_code=application.credit_code, status=ProviderStatus.TERMINATED)
    application_submit(actor=Actor.for_user(application.applicant), application=application)
    application_approve(application=application, actor=Actor.operator(operator))
    assert Provider.objects.filter(credit_code=application.credit_code).count() == 2


# --- Decisions --------------------------------------------------------------------------------
def test_approval_creates_the_provider_its_owner_the_audit_and_the_email(
    make_application, operator, cities, tracks, django_capture_on_commit_callbacks
):
    application = make_application(
        S.SUBMITTED,
        legal_name="福州林客科技有限公司",
        cooperation_modes=[CooperationMode.SPECIALIZED, CooperationMode.FULL_OPERATION],
        access_mode="both",
    )
    with django_capture_on_commit_callbacks(execute=True):
        application_approve(application=application, actor=Actor.operator(operator))

    application.refresh_from_db()
    provider = application.provider
    assert (application.status, application.reviewed_by, application.decided_at is not None) == (
        S.APPROVED,
        operator,
        True,
    )
    assert (provider.name, provider.credit_code, provider.status) == (
        "福州林客科技有限公司",
        application.credit_code,
        ProviderStatus.ACTIVE,
    )
    assert (provider.legal_representative, provider.contact_name, str(provider.contact_mobile)) == (
        "陈林",
        "王小明",
        "+8613912345678",
    )
    assert (provider.introduction, provider.cooperation_modes, provider.access_mode) == (
        application.introduction,
        ["specialized", "full_operation"],
        "both",
    )
    assert set(provider.service_cities.all()) == set(cities) and set(provider.tracks.all()) == set(tracks)
    with all_providers():
        owner = Membership.objects.get(provider=provider)
    assert (owner.user, owner.role, owner.is_active) == (application.applicant, Role.OWNER, True)
    assert events_of(application) == ["application.approve"]
    assert AuditEvent.objects.filter(action="provider.create", object_id=str(provider.pk), provider=provider).exists()
    notification = Notification.objects.get(recipient=application.applicant)
    assert (notification.verb, notification.provider) == ("application.approve", provider)
    assert [m.to for m in mail.outbox] == [[application.applicant.email]]
    assert "/portal/apply/status/" in mail.outbox[0].body


def test_approval_is_refused_when_a_live_provider_has_the_credit_code(make_application, operator):
    application = make_application(S.SUBMITTED)
    ProviderFactory(credit_code=application.credit_code)
    before = snapshot(application)
    with pytest.raises(ConflictError) as caught:
        application_approve(application=application, actor=Actor.operator(operator))
    assert caught.value.code == "credit_code_taken"
    assert snapshot(application) == before
    assert Provider.objects.filter(credit_code=application.credit_code).count() == 1
    with all_providers():
        assert not Membership.objects.exists()


@pytest.mark.parametrize("service", [application_request_changes, application_reject])
@pytest.mark.parametrize("reason", ["", "   "])
def test_reject_and_request_changes_need_a_reason(service, reason, make_application, operator):
    application = make_application(S.SUBMITTED)
    before = snapshot(application)
    with pytest.raises(ApplicationError) as caught:
        service(application=application, actor=Actor.operator(operator), reason=reason)
    assert caught.value.code == "reason_required"
    assert snapshot(application) == before and not AuditEvent.objects.exists()


@pytest.mark.parametrize("target", [S.CHANGES_REQUESTED, S.APPROVED, S.REJECTED])
def test_only_operators_decide(target, make_application):
    application = make_application(S.SUBMITTED)
    before = snapshot(application)
    with pytest.raises(PermissionDeniedError):
        move(application, target, Actor.for_user(application.applicant))
    assert snapshot(application) == before


def test_reject_records_the_reason_and_tells_the_applicant(make_application, operator):
    application = make_application(S.SUBMITTED)
    application_reject(application=application, actor=Actor.operator(operator), reason="  营业执照已过期  ")
    application.refresh_from_db()
    assert (application.status, application.review_reason, application.reviewed_by) == (
        S.REJECTED,
        "营业执照已过期",
        operator,
    )
    assert AuditEvent.objects.get(action="application.reject").reason == "营业执照已过期"
    assert "营业执照已过期" in Notification.objects.get(recipient=application.applicant).body


# --- Two operators approve two applications of the same company at once -----------------------
@pytest.mark.django_db(transaction=True)
def test_concurrent_approvals_of_one_credit_code_make_exactly_one_provider(cities, tracks, operator):
    first, second = (
        ProviderApplicationFactory(
            status=S.SUBMITTED, credit_code="91350100M000100Y43", service_cities=cities, tracks=tracks
        )
        for _ in range(2)
    )
    barrier = threading.Barrier(2)
    outcomes = []

    def approve(application):
        try:
            barrier.wait(timeout=10)
            application_approve(application=application, actor=Actor.operator(operator))
            outcomes.append("approved")
        except ConflictError as error:
            outcomes.append(error.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(application,)) for application in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["approved", "credit_code_taken"]
    assert Provider.objects.filter(credit_code="91350100M000100Y43").count() == 1
    statuses = sorted(ProviderApplication.objects.values_list("status", flat=True))
    assert statuses == [S.APPROVED, S.SUBMITTED]
    with all_providers():
        assert Membership.objects.count() == 1
