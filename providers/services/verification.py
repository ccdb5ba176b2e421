"""身份验真码: identity-verification codes, their public lookup, and impersonation reports.

A member generates a short-lived code and shows it (or its QR code) to a merchant; anyone can look
it up on the public `/verify/` page. A successful lookup is evidence of a visit (`VerificationEvent`);
a failed one may be reported as impersonation (`ImpersonationReport`, the operators' queue)."""

import secrets
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linke.actors import Actor
from linke.audit import audit_record
from linke.errors import ApplicationError, PermissionDeniedError
from linke.events import emit
from linke.locks import lock, relock

from ..choices import AuditAction, ImpersonationReportStatus, ProviderStatus, Role, VerificationOutcome
from ..events import VERIFICATION_SUCCEEDED
from ..models import ImpersonationReport, VerificationCode, VerificationEvent
from ..permissions import Action, can, require
from ..rules import CODE_ALPHABET, CODE_LENGTH, CODE_VALIDITY, VALID
from ..selectors import verification_check
from ..tenancy import provider_scope
from ..transitions import REPORT_TRANSITIONS

OUTCOME_MESSAGES = {
    VerificationOutcome.UNKNOWN: _(
        "This code does not exist. Check that it was typed correctly; if it was, the person did not get it from Linke."
    ),
    VerificationOutcome.EXPIRED: _(
        "This code has expired. Codes are valid for 10 minutes: ask the person to generate a new one in front of you."
    ),
    VerificationOutcome.REVOKED: _(
        "This code has been revoked and proves nothing: the person may no longer work for the provider."
    ),
    VerificationOutcome.REPLACED: _(
        "This code was replaced by a newer one. Ask the person to show you their current code and check that one."
    ),
    VerificationOutcome.SUSPENDED: _(
        "The provider of this code is suspended on Linke. Do not sign anything with them until this is resolved."
    ),
}


def verify_url(code: str, request=None) -> str:
    """The absolute address a QR code opens: the public result page of `code`, on the host the member is
    using (`request`: a phone on the office network reaches it there), else on `SITE_URL`."""
    path = reverse("verify_result", kwargs={"code": code})
    return request.build_absolute_uri(path) if request is not None else settings.SITE_URL.rstrip("/") + path


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def verification_code_generate(*, actor: Actor) -> VerificationCode:
    """A new code for the acting member, valid 10 minutes; their previous live code is revoked in the
    same transaction. Requires an active owner/admin/bd of a provider in good standing
    (`PermissionDeniedError` otherwise). Audited."""
    if actor.membership is None:
        raise PermissionDeniedError(_("Only members of a provider have verification codes."))
    with provider_scope(actor.provider_id), transaction.atomic():
        # The row lock serialises this member's generations with each other and with deactivation.
        membership = require(actor, Action.USE_VERIFICATION_CODE, fresh=True)
        if not membership.provider.is_in_good_standing:
            raise PermissionDeniedError(
                _("Your provider is not in good standing: verification codes are unavailable."),
                code="provider_not_in_good_standing",
            )
        now = timezone.now()
        VerificationCode.objects.unrevoked().filter(membership=membership).update(revoked_at=now)
        for attempt in range(3):
            try:
                # A savepoint, so that a (astronomically unlikely) duplicate code can be retried.
                with transaction.atomic():
                    code = VerificationCode.objects.create(
                        provider=membership.provider,
                        membership=membership,
                        code=_new_code(),
                        expires_at=now + CODE_VALIDITY,
                    )
                break
            except IntegrityError:
                if attempt == 2:
                    raise
        audit_record(
            action=AuditAction.VERIFICATION_CODE_GENERATE,
            obj=code,
            actor=actor,
            provider=membership.provider,
            after={"expires_at": code.expires_at.isoformat()},
        )
    return code


def verification_code_revoke(*, actor: Actor, code: VerificationCode) -> VerificationCode:
    """Stop `code` at once (idempotent). `actor` is the code's holder, an owner/admin of its provider,
    or an operator. Audited."""
    with provider_scope(code.provider_id), transaction.atomic():
        code = relock(code, "membership", "provider")
        member = actor.membership if actor.provider_id == code.provider_id else None
        allowed = (
            actor.is_operator
            or (member is not None and member.pk == code.membership_id)
            or can(member, Action.MANAGE_TEAM)
        )
        if not allowed:
            raise PermissionDeniedError(_("Only the code's holder, the owner and admins can revoke this code."))
        if code.revoked_at is None:
            code.revoked_at = timezone.now()
            code.save(update_fields=["revoked_at"])
            audit_record(action=AuditAction.VERIFICATION_CODE_REVOKE, obj=code, actor=actor, provider=code.provider)
    return code


# --- Public lookup --------------------------------------------------------------------------


def certified_tracks_of(provider) -> list[str]:
    """Names of the tracks `provider` holds a valid certification in.
    Hook: certification is not built yet; wire it to the certification selectors when it is."""
    return []


def tier_of(provider) -> str | None:
    """The provider's current tier label (e.g. "L3 优选"). Hook: tiers are not built yet."""
    return None


@dataclass(frozen=True)
class VerifiedStaff:
    """Exactly what SPEC §3 lets anyone see about a verified code: no ids, email or phone."""

    provider_name: str
    staff_name: str
    role: str
    provider_status: str
    certified_tracks: list[str]
    tier: str | None
    valid_until: datetime

    @property
    def role_display(self) -> str:
        return Role(self.role).label

    @property
    def provider_status_display(self) -> str:
        return ProviderStatus(self.provider_status).label


@dataclass(frozen=True)
class VerificationResult:
    outcome: str  # VALID or a VerificationOutcome
    staff: VerifiedStaff | None = None

    @property
    def valid(self) -> bool:
        return self.outcome == VALID

    @property
    def outcome_display(self) -> str:
        return "" if self.valid else VerificationOutcome(self.outcome).label

    @property
    def message(self):
        return OUTCOME_MESSAGES.get(self.outcome, "")


def verification_lookup(
    *, raw_code: str, ip: str | None = None, user_agent: str = "", viewer=None
) -> VerificationResult:
    """Check a code someone was shown. A valid code records one `VerificationEvent` (evidence of the
    visit) and emits `verification.succeeded` with it (`viewer`: the signed-in user who checked it, so that
    a merchant's check counts as a visit at that merchant); any other outcome records nothing and returns
    no provider data."""
    outcome, code = verification_check(raw_code)
    if outcome != VALID:
        return VerificationResult(outcome=outcome)
    with provider_scope(code.provider_id), transaction.atomic():
        # One visit, one record: reloading the result page or a chat app's link preview from the same
        # network within the code's life does not add more.
        event = (
            VerificationEvent.objects.filter(
                code=code, ip_address=ip or None, created_at__gte=timezone.now() - CODE_VALIDITY
            )
            .order_by("pk")
            .first()
        )
        viewer_id = viewer.pk if viewer is not None and viewer.is_authenticated else None
        # A signed-in check after an anonymous one from the same network (a scan in a chat app, then the
        # merchant logs in) is the same record, but now names who checked: say so, so the visit is known
        # (subscribers record one visit per verification, however often this is repeated).
        if event is None or viewer_id is not None:
            if event is None:
                event = VerificationEvent.objects.create(
                    provider=code.provider,
                    code=code,
                    membership=code.membership,
                    ip_address=ip or None,
                    user_agent="".join(char for char in user_agent or "" if char.isprintable())[:200],
                )
            emit(
                VERIFICATION_SUCCEEDED,
                provider=code.provider,
                payload={
                    "verification_event_id": event.pk,
                    "membership_id": code.membership_id,
                    "viewer_user_id": viewer_id,
                },
            )
    return VerificationResult(
        outcome=VALID,
        staff=VerifiedStaff(
            provider_name=code.provider.name,
            staff_name=code.membership.user.display_name,
            role=code.membership.role,
            provider_status=code.provider.status,
            certified_tracks=certified_tracks_of(code.provider),
            tier=tier_of(code.provider),
            valid_until=code.expires_at,
        ),
    )


# --- Impersonation reports --------------------------------------------------------------------

REPORT_FIELDS = ["claimed_provider", "claimed_person", "location", "occurred_at", "reporter_phone", "details"]


def impersonation_report_create(
    *, actor: Actor, raw_code: str, data: dict, ip: str | None = None
) -> ImpersonationReport:
    """Report a code that failed the check (`data`: the REPORT_FIELDS; `actor`: the visitor). The outcome
    is checked again here rather than taken from the visitor; a code that verifies cannot be reported
    (`ApplicationError`)."""
    outcome, code = verification_check(raw_code)
    if outcome == VALID:
        raise ApplicationError(_("This code is valid: there is nothing to report."), code="code_is_valid")
    with transaction.atomic():
        report = ImpersonationReport.objects.create(
            code_entered=(raw_code or "").strip()[:32],
            outcome=outcome,
            matched_provider=code.provider if code else None,
            ip_address=ip or None,
            **{field: data[field] for field in REPORT_FIELDS if field in data},
        )
        audit_record(
            action=AuditAction.IMPERSONATION_REPORT_CREATE, obj=report, actor=actor, after={"outcome": outcome}
        )
    return report


def _impersonation_reports_move(*, actor: Actor, reports, status: str, action: AuditAction) -> tuple[int, int]:
    """Move each of `reports` that the table allows to `status`, one audit event each; the others
    are left as they are. Operators only. Returns (moved, skipped)."""
    if not actor.is_operator:
        raise PermissionDeniedError(_("Only platform operators handle impersonation reports."))
    with transaction.atomic():
        locked = list(lock(ImpersonationReport.objects.filter(pk__in=[report.pk for report in reports])))
        movable = [report for report in locked if status in REPORT_TRANSITIONS[report.status]]
        ImpersonationReport.objects.filter(pk__in=[report.pk for report in movable]).update(status=status)
        for report in movable:
            audit_record(
                action=action,
                obj=report,
                actor=actor,
                before={"status": report.status},
                after={"status": status},
            )
    return len(movable), len(locked) - len(movable)


def impersonation_reports_investigate(*, actor: Actor, reports) -> tuple[int, int]:
    """An operator takes open reports up; others are skipped. Audited. Returns (moved, skipped)."""
    return _impersonation_reports_move(
        actor=actor,
        reports=reports,
        status=ImpersonationReportStatus.INVESTIGATING,
        action=AuditAction.IMPERSONATION_REPORT_INVESTIGATE,
    )


def impersonation_reports_close(*, actor: Actor, reports) -> tuple[int, int]:
    """An operator closes open or investigated reports; closed ones are skipped. Audited. Returns (moved, skipped)."""
    return _impersonation_reports_move(
        actor=actor,
        reports=reports,
        status=ImpersonationReportStatus.CLOSED,
        action=AuditAction.IMPERSONATION_REPORT_CLOSE,
    )
