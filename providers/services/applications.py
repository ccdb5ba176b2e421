"""入驻申请: the applicant drafts and submits; platform operators request changes, approve or reject.

Every transition is audited and notifies the applicant (in-app, and by email after commit)."""

import uuid

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linke.actors import Actor
from linke.audit import audit_record
from linke.errors import ApplicationError, ConflictError, InvalidTransition, PermissionDeniedError
from linke.events import emit
from linke.locks import lock, relock
from linke.notifications import Text, notification_send
from linke.validators import normalize_credit_code, validate_credit_code, validate_mainland_mobile
from reference.selectors import service_city_choices, track_choices

from ..choices import ApplicationStatus, AuditAction, Role
from ..events import APPLICATION_APPROVED, APPLICATION_REJECTED, MEMBER_JOINED
from ..models import Membership, Provider, ProviderApplication
from ..transitions import APPLICATION_TRANSITIONS, assert_transition, is_editable
from ..validators import sniff_file_type, validate_licence_file
from .standing import standing_create

# What the applicant fills in (`service_cities` and `tracks` are many-to-many).
SCALAR_FIELDS = [
    "legal_name",
    "credit_code",
    "legal_representative",
    "contact_name",
    "contact_mobile",
    "introduction",
    "cooperation_modes",
    "access_mode",
]
RELATED_FIELDS = ["service_cities", "tracks"]
# Copied from the application onto the new provider (plus name = legal name, cities and tracks).
PROVIDER_FIELDS = [field for field in SCALAR_FIELDS if field != "legal_name"]

CREDIT_CODE_TAKEN = gettext_lazy(
    "A provider with this credit code already exists. If it is your company, ask its owner to invite you."
)


def _constraint_of(error: IntegrityError) -> str | None:
    return getattr(getattr(error.__cause__, "diag", None), "constraint_name", None)


def _snapshot(application: ProviderApplication) -> dict:
    data = {field: getattr(application, field) for field in SCALAR_FIELDS}
    data["contact_mobile"] = str(data["contact_mobile"] or "")
    data["licence"] = application.licence.name or ""
    if application.pk:
        data["service_cities"] = sorted(application.service_cities.values_list("pk", flat=True))
        data["tracks"] = sorted(application.tracks.values_list("pk", flat=True))
    return data


def _format_errors(application: ProviderApplication, fields: list[str], licence) -> dict:
    """Errors of the values given (a draft may leave fields empty, but what it has must be right)."""
    errors: dict[str, list[str]] = {}
    excluded = [field.name for field in application._meta.fields if field.name not in fields]
    try:
        application.clean_fields(exclude=excluded)
    except ValidationError as error:
        errors.update(error.message_dict)
    if "credit_code" in fields and application.credit_code:
        try:
            validate_credit_code(application.credit_code)
        except ValidationError as error:
            errors.setdefault("credit_code", []).extend(error.messages)
    if licence is not None:
        try:
            validate_licence_file(licence)
        except ValidationError as error:
            errors["licence"] = error.messages
    return errors


def application_save_draft(*, actor: Actor, application=None, data: dict, licence=None) -> ProviderApplication:
    """Create the open application of `actor` (a signed-in user; no `application`), or update theirs
    while it is a draft or changes were requested. `data` holds any subset of the fields (half-filled is fine:
    completeness is checked on submit), each checked for format; `service_cities`/`tracks` are
    iterables of objects or ids. `licence`: an uploaded PDF/JPEG/PNG of at most 5 MB.
    Raises ApplicationError (with per-field `details`), InvalidTransition when the application is
    no longer editable, ConflictError when the applicant already has an open application."""
    applicant = actor.user
    if applicant is None:
        raise PermissionDeniedError(_("Log in to apply."))
    stored = []  # a licence file stored for this change: deleted again if the change does not commit
    try:
        with transaction.atomic():
            if application is None:
                application, before = ProviderApplication(applicant=applicant), {}
            else:
                application = relock(application)
                if application.applicant_id != applicant.pk:
                    raise PermissionDeniedError(_("This is not your application."))
                if not is_editable(application.status):
                    raise InvalidTransition(
                        _("This application can no longer be edited: it is %(status)s.")
                        % {"status": application.get_status_display()}
                    )
                before = _snapshot(application)
            fields = [field for field in SCALAR_FIELDS if field in data]
            for field in fields:
                setattr(application, field, data[field])
            application.credit_code = normalize_credit_code(application.credit_code)
            errors = _format_errors(application, fields, licence)
            if errors:
                raise ApplicationError(_("Please correct the marked fields."), code="invalid", details=errors)
            if licence is not None:
                stored.append(_replace_licence(application, licence))
            application.save()
            for field in RELATED_FIELDS:
                if field in data:
                    getattr(application, field).set(data[field])
            after = _snapshot(application)
            audit_record(
                action=AuditAction.APPLICATION_UPDATE if before else AuditAction.APPLICATION_CREATE,
                obj=application,
                actor=actor,
                before={key: value for key, value in before.items() if after.get(key) != value},
                after={key: value for key, value in after.items() if before.get(key) != value},
            )
    except Exception as error:
        for name in stored:  # its row was rolled back: nothing names the file
            application.licence.storage.delete(name)
        if isinstance(error, IntegrityError) and _constraint_of(error) == "application_one_open_per_applicant":
            raise _already_open() from error
        raise
    return application


def _already_open() -> ConflictError:
    return ConflictError(
        _("You already have an application in progress: please continue that one."), code="application_already_open"
    )


def _replace_licence(application: ProviderApplication, licence) -> str:
    """Store `licence` as the application's file, named by its sniffed content (never by the name the
    uploader chose), and return its name; the file it replaces is deleted once the change has committed
    (a rollback keeps the old one, and the caller deletes the new one)."""
    replaced = application.licence.name
    application.licence.save(f"{uuid.uuid4().hex}.{sniff_file_type(licence).extension}", licence, save=False)
    if replaced:
        storage = application.licence.storage
        transaction.on_commit(lambda: storage.delete(replaced))
    return application.licence.name


def application_start_again(*, actor: Actor) -> ProviderApplication:
    """A rejected applicant's new draft with the answers of their latest rejected application (the licence
    file copied, the cities and tracks that are still on offer). Audited as the new draft's creation."""
    previous = (
        ProviderApplication.objects.filter(applicant=actor.user, status=ApplicationStatus.REJECTED)
        .order_by("-decided_at", "-pk")
        .first()
        if actor.user is not None
        else None
    )
    if previous is None:
        raise InvalidTransition(_("There is no rejected application to start from."))
    if ProviderApplication.objects.open().filter(applicant=actor.user).exists():
        raise _already_open()  # before the licence is copied
    data = {field: getattr(previous, field) for field in SCALAR_FIELDS}
    data["service_cities"] = service_city_choices().filter(pk__in=previous.service_cities.values("pk"))
    data["tracks"] = track_choices().filter(pk__in=previous.tracks.values("pk"))
    licence = None
    if previous.licence:
        with previous.licence.open("rb") as file:
            licence = ContentFile(file.read(), name=previous.licence.name)
    return application_save_draft(actor=actor, data=data, licence=licence)


def _missing_fields(application: ProviderApplication) -> dict:
    """Per-field errors that stop a submission (every field of SPEC §3 is required by then)."""
    required = _("This field is required to submit the application.")
    errors = {
        field: [required]
        for field in [
            "legal_name",
            "credit_code",
            "legal_representative",
            "licence",
            "contact_name",
            "contact_mobile",
            "access_mode",
            "introduction",
        ]
        if not getattr(application, field)
    }
    if not application.service_cities.exists():
        errors["service_cities"] = [_("Choose at least one service city.")]
    if not application.tracks.exists():
        errors["tracks"] = [_("Choose at least one track.")]
    if not application.cooperation_modes:
        errors["cooperation_modes"] = [_("Choose at least one cooperation mode.")]
    for field, validate in [("credit_code", validate_credit_code), ("contact_mobile", validate_mainland_mobile)]:
        if field not in errors:
            try:
                validate(getattr(application, field))
            except ValidationError as error:
                errors[field] = error.messages
    return errors


def _lock(applications):
    """The rows locked (two bulk decisions cannot deadlock), with what the decisions read."""
    return list(lock(applications.select_related("applicant").prefetch_related("service_cities", "tracks")))


def _require_operator(actor: Actor) -> None:
    if not actor.is_operator:
        raise PermissionDeniedError(_("Only platform operators can review applications."))


def _required_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(
            _("Please give a reason: the applicant will read it."),
            code="reason_required",
            details={"reason": [_("This field is required.")]},
        )
    return reason


def _record_transition(
    application, *, actor: Actor, before: str, action: AuditAction, reason="", provider=None, title, body
):
    """The audit record and the applicant's notification of one transition."""
    audit_record(
        action=action,
        obj=application,
        actor=actor,
        provider=provider,
        before={"status": before},
        after={"status": application.status},
        reason=reason,
    )
    notification_send(
        recipient=application.applicant,
        provider=provider,
        verb=action.value,
        title=title,
        body=body,
        url=reverse("portal:application_status"),
    )


def application_submit(*, actor: Actor, application: ProviderApplication) -> ProviderApplication:
    """The applicant (`actor`) submits a draft (or resubmits after changes were requested) for review.
    Refused with per-field `details` when anything required is missing or invalid, and with a
    ConflictError when a live provider already holds the credit code."""
    with transaction.atomic():
        application = relock(application, "applicant")
        if actor.user is None or application.applicant_id != actor.user.pk:
            raise PermissionDeniedError(_("Only the applicant can submit this application."))
        before = application.status
        assert_transition(before, ApplicationStatus.SUBMITTED, table=APPLICATION_TRANSITIONS)
        errors = _missing_fields(application)
        if errors:
            raise ApplicationError(
                _("The application is not complete yet: please fill in the marked fields."),
                code="application_incomplete",
                details=errors,
            )
        if Provider.objects.live().filter(credit_code=application.credit_code).exists():
            taken = str(CREDIT_CODE_TAKEN)
            raise ConflictError(taken, code="credit_code_taken", details={"credit_code": [taken]})
        application.status = ApplicationStatus.SUBMITTED
        application.submitted_at = timezone.now()
        application.save(update_fields=["status", "submitted_at", "updated_at"])
        _record_transition(
            application,
            actor=actor,
            before=before,
            action=AuditAction.APPLICATION_SUBMIT,
            title=gettext_lazy("We have received your application"),
            body=Text(
                gettext_lazy(
                    "Your application for %(name)s is waiting for review. We will tell you as soon as it is decided."
                ),
                name=application.legal_name,
            ),
        )
    return application


def _request_changes(application: ProviderApplication, *, actor, reason: str) -> None:
    before = application.status
    assert_transition(before, ApplicationStatus.CHANGES_REQUESTED, table=APPLICATION_TRANSITIONS)
    application.status = ApplicationStatus.CHANGES_REQUESTED
    application.review_reason, application.reviewed_by = reason, actor.user
    application.save(update_fields=["status", "review_reason", "reviewed_by", "updated_at"])
    _record_transition(
        application,
        actor=actor,
        before=before,
        action=AuditAction.APPLICATION_REQUEST_CHANGES,
        reason=reason,
        title=gettext_lazy("Changes requested on your application"),
        body=Text(
            gettext_lazy(
                "Our operators ask you to change your application: %(reason)s Please update it and submit it again."
            ),
            reason=reason,
        ),
    )


def _reject(application: ProviderApplication, *, actor, reason: str) -> None:
    before = application.status
    assert_transition(before, ApplicationStatus.REJECTED, table=APPLICATION_TRANSITIONS)
    application.status = ApplicationStatus.REJECTED
    application.review_reason, application.reviewed_by = reason, actor.user
    application.decided_at = timezone.now()
    application.save(update_fields=["status", "review_reason", "reviewed_by", "decided_at", "updated_at"])
    emit(
        APPLICATION_REJECTED,
        provider=None,
        payload={"application_id": application.pk, "applicant_id": application.applicant_id, "reason": reason},
    )
    _record_transition(
        application,
        actor=actor,
        before=before,
        action=AuditAction.APPLICATION_REJECT,
        reason=reason,
        title=gettext_lazy("Your application was not approved"),
        body=Text(gettext_lazy("Reason: %(reason)s You are welcome to submit a new application."), reason=reason),
    )


def _approve(application: ProviderApplication, *, actor, reason: str = "") -> None:
    before = application.status
    assert_transition(before, ApplicationStatus.APPROVED, table=APPLICATION_TRANSITIONS)
    try:
        with transaction.atomic():  # a savepoint: the refusal leaves the outer transaction usable
            provider = Provider.objects.create(
                name=application.legal_name,
                **{field: getattr(application, field) for field in PROVIDER_FIELDS},
            )
    except IntegrityError as error:
        if _constraint_of(error) == "provider_live_credit_code_unique":
            raise ConflictError(CREDIT_CODE_TAKEN, code="credit_code_taken") from error
        raise
    standing_create(provider=provider)  # L1 and its benefits; the directory lists it after commit
    # `add` on a new provider inserts without reading first; the application's rows are prefetched.
    provider.service_cities.add(*application.service_cities.all())
    provider.tracks.add(*application.tracks.all())
    owner = Membership.objects.create(provider=provider, user=application.applicant, role=Role.OWNER)
    application.status = ApplicationStatus.APPROVED
    application.provider, application.reviewed_by = provider, actor.user
    application.decided_at = timezone.now()
    application.save(update_fields=["status", "provider", "reviewed_by", "decided_at", "updated_at"])
    emit(
        APPLICATION_APPROVED,
        provider=provider,
        payload={
            "application_id": application.pk,
            "applicant_id": application.applicant_id,
            "owner_membership_id": owner.pk,
        },
    )
    emit(
        MEMBER_JOINED,
        provider=provider,
        payload={"membership_id": owner.pk, "user_id": owner.user_id, "role": Role.OWNER, "via": "application"},
    )
    audit_record(
        action=AuditAction.PROVIDER_CREATE,
        obj=provider,
        actor=actor,
        provider=provider,
        after={"name": provider.name, "credit_code": provider.credit_code, "owner": application.applicant.email},
    )
    _record_transition(
        application,
        actor=actor,
        before=before,
        action=AuditAction.APPLICATION_APPROVE,
        provider=provider,
        title=gettext_lazy("Welcome to Linke: your application is approved"),
        body=Text(
            gettext_lazy(
                "%(name)s is now a provider on Linke and you are its owner. "
                "Open the provider portal to invite your team."
            ),
            name=provider.name,
        ),
    )


DECISIONS = {"approve": _approve, "request_changes": _request_changes, "reject": _reject}


def _decide(application: ProviderApplication, *, actor: Actor, decision: str, reason: str = "") -> ProviderApplication:
    _require_operator(actor)
    if decision != "approve":
        reason = _required_reason(reason)
    with transaction.atomic():
        (application,) = _lock(ProviderApplication.objects.filter(pk=application.pk))
        DECISIONS[decision](application, actor=actor, reason=reason)
    return application


def application_request_changes(*, actor: Actor, application: ProviderApplication, reason: str) -> ProviderApplication:
    """An operator sends a submitted application back to the applicant with what to change."""
    return _decide(application, actor=actor, decision="request_changes", reason=reason)


def application_reject(*, actor: Actor, application: ProviderApplication, reason: str) -> ProviderApplication:
    """An operator rejects a submitted application, with the reason. The applicant may apply again."""
    return _decide(application, actor=actor, decision="reject", reason=reason)


def application_approve(*, actor: Actor, application: ProviderApplication) -> ProviderApplication:
    """An operator approves a submitted application. In one transaction: creates the `Provider`
    from the application, makes the applicant its owner, links the application and audits both.
    Raises ConflictError when a live provider holds the credit code, also when a concurrent
    approval of the same code commits first (the database constraint decides)."""
    return _decide(application, actor=actor, decision="approve")


def applications_decide(*, actor: Actor, applications, decision: str, reason: str = "") -> list[tuple]:
    """The operators' bulk decision (`decision` is a key of DECISIONS): all rows are locked in one
    query, then each is decided in its own savepoint, so that a refused one (wrong state, credit
    code taken) is reported and the others still go through.
    Returns `[(application, None or the ApplicationError that refused it), ...]`."""
    _require_operator(actor)
    if decision != "approve":
        reason = _required_reason(reason)
    results = []
    with transaction.atomic():
        for application in _lock(ProviderApplication.objects.filter(pk__in=applications.values("pk"))):
            try:
                with transaction.atomic():
                    DECISIONS[decision](application, actor=actor, reason=reason)
            except ApplicationError as error:
                results.append((application, error))
            else:
                results.append((application, None))
    return results
