"""身份验真码: identity-verification codes, their public lookup, and impersonation reports.

A member generates a short-lived code and shows it (or its QR code) to a merchant; anyone can look
it up on the public `/verify/` page. A successful lookup is evidence of a visit (`VerificationEvent`);
a failed one may be reported as impersonation (`ImpersonationReport`, the operators' queue)."""

import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linke.audit import audit_record
from linke.errors import ApplicationError, PermissionDeniedError
from linke.tenancy import all_providers, provider_scope

from ..choices import ImpersonationReportStatus, ProviderStatus, Role, VerificationOutcome
from ..models import ImpersonationReport, Membership, VerificationCode, VerificationEvent
from ..permissions import Action, can, require
from ..transitions import REPORT_TRANSITIONS

# Entropy: 31 symbols (no 0/O, 1/I/L) in 10 positions give 31^10 ≈ 8.2 × 10^14 codes,
# log2(31^10) = 10 × log2(31) ≈ 49.5 bits. Guessing is hopeless: a client gets at most 100 lookups an
# hour (876,000 a year). Even with 10,000 codes live at once (10x today's platform, every BD showing
# a code at the same minute), one guess hits *some* live code with p = 10^4 / 8.2 × 10^14 ≈ 1.2 × 10^-11,
# i.e. about 10^-5 hits per client per year, and a hit names a random staff member for at most
# 10 minutes, never one the guesser chose.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 10
CODE_VALIDITY = timedelta(minutes=10)
VALID = "valid"

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


def code_normalize(raw: str) -> str:
    """What a person typed → the stored form: full-width characters (Chinese input methods) folded,
    upper case, spaces and hyphens removed."""
    text = unicodedata.normalize("NFKC", raw or "").upper()
    return "".join(char for char in text if not char.isspace() and char != "-")


def code_is_well_formed(code: str) -> bool:
    return len(code) == CODE_LENGTH and all(char in CODE_ALPHABET for char in code)


def verify_url(code: str) -> str:
    """The absolute address a QR code opens: the public result page of `code`."""
    return settings.SITE_URL.rstrip("/") + reverse("verify_result", kwargs={"code": code})


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def verification_code_generate(*, membership: Membership) -> VerificationCode:
    """A new code for `membership`, valid 10 minutes; the member's previous live code is revoked in
    the same transaction. Requires an active owner/admin/bd of a provider in good standing
    (`PermissionDeniedError` otherwise). Audited."""
    with provider_scope(membership.provider_id), transaction.atomic():
        # The row lock serialises this member's generations with each other and with deactivation.
        membership = (
            Membership.objects.select_for_update(of=("self",)).select_related("provider", "user").get(pk=membership.pk)
        )
        require(membership, Action.USE_VERIFICATION_CODE)
        if not membership.provider.is_in_good_standing:
            raise PermissionDeniedError(
                _("Your provider is not in good standing: verification codes are unavailable."),
                code="provider_not_in_good_standing",
            )
        now = timezone.now()
        VerificationCode.objects.filter(membership=membership, revoked_at__isnull=True).update(revoked_at=now)
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
            action="verification_code.generate",
            obj=code,
            actor=membership.user,
            provider=membership.provider,
            after={"expires_at": code.expires_at.isoformat()},
        )
    return code


def verification_code_revoke(*, code: VerificationCode, actor) -> VerificationCode:
    """Stop `code` at once (idempotent). `actor` (a user) is the code's holder, an owner/admin of its
    provider, or an operator (staff). Audited."""
    with provider_scope(code.provider_id), transaction.atomic():
        code = (
            VerificationCode.objects.select_for_update(of=("self",))
            .select_related("membership", "provider")
            .get(pk=code.pk)
        )
        allowed = (
            actor.is_staff
            or code.membership.user_id == actor.pk
            or can(Membership.objects.filter(user=actor).first(), Action.MANAGE_TEAM)
        )
        if not allowed:
            raise PermissionDeniedError(_("Only the code's holder, the owner and admins can revoke this code."))
        if code.revoked_at is None:
            code.revoked_at = timezone.now()
            code.save(update_fields=["revoked_at"])
            audit_record(action="verification_code.revoke", obj=code, actor=actor, provider=code.provider)
    return code


def live_code_of(membership: Membership) -> VerificationCode | None:
    """The member's code that still verifies (not revoked, not expired), if any."""
    with provider_scope(membership.provider_id):
        return VerificationCode.objects.filter(
            membership=membership, revoked_at__isnull=True, expires_at__gt=timezone.now()
        ).first()


def verification_events_visible(queryset, *, membership: Membership):
    """Who verified whom: owner/admin see every event of the provider, others those of their own codes."""
    queryset = queryset.select_related("membership__user", "code").order_by("-created_at", "-pk")
    if can(membership, Action.VIEW_ALL_VERIFICATIONS):
        return queryset
    return queryset.filter(membership=membership)


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


def _check(raw_code: str) -> tuple[str, VerificationCode | None]:
    """The outcome of a code as of now, and its row if it exists. Provider and member state are read
    at lookup time, so a suspension or deactivation takes effect on codes already shown."""
    code = code_normalize(raw_code)
    if not code_is_well_formed(code):
        return VerificationOutcome.UNKNOWN, None
    # The public page has no tenant: a code is looked up across every provider.
    with all_providers():
        found = VerificationCode.objects.select_related("provider", "membership__user").filter(code=code).first()
    if found is None:
        return VerificationOutcome.UNKNOWN, None
    if found.provider.status == ProviderStatus.SUSPENDED:
        return VerificationOutcome.SUSPENDED, found
    member_in_good_standing = (
        can(found.membership, Action.USE_VERIFICATION_CODE)  # deactivated or moved to another role since?
        and found.membership.user.is_active
        and found.provider.status == ProviderStatus.ACTIVE
    )
    if not member_in_good_standing:
        return VerificationOutcome.REVOKED, found
    if found.revoked_at is not None:
        # Still on the team: revoked because they made a newer code, or by hand (an investigation).
        with all_providers():
            newer = VerificationCode.objects.filter(membership=found.membership, created_at__gt=found.created_at)
            replaced = newer.exists()
        return (VerificationOutcome.REPLACED if replaced else VerificationOutcome.REVOKED), found
    if found.expires_at <= timezone.now():
        return VerificationOutcome.EXPIRED, found
    return VALID, found


def verification_outcome(raw_code: str) -> str:
    """What a lookup of `raw_code` would answer now, without recording anything."""
    return _check(raw_code)[0]


def verification_lookup(*, raw_code: str, ip: str | None = None, user_agent: str = "") -> VerificationResult:
    """Check a code someone was shown. A valid code records one `VerificationEvent` (evidence of the
    visit) and returns the public facts; any other outcome records nothing and returns no provider data."""
    outcome, code = _check(raw_code)
    if outcome != VALID:
        return VerificationResult(outcome=outcome)
    with provider_scope(code.provider_id):
        # One visit, one record: reloading the result page or a chat app's link preview from the same
        # network within the code's life does not add more.
        seen = VerificationEvent.objects.filter(
            code=code, ip_address=ip or None, created_at__gte=timezone.now() - CODE_VALIDITY
        )
        if not seen.exists():
            VerificationEvent.objects.create(
                provider=code.provider,
                code=code,
                membership=code.membership,
                ip_address=ip or None,
                user_agent=(user_agent or "")[:200],
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


def impersonation_report_create(*, raw_code: str, data: dict, ip: str | None = None) -> ImpersonationReport:
    """Report a code that failed the check (`data`: the REPORT_FIELDS). The outcome is checked again
    here rather than taken from the visitor; a code that verifies cannot be reported (`ApplicationError`)."""
    outcome, code = _check(raw_code)
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
        audit_record(action="impersonation_report.create", obj=report, after={"outcome": outcome})
    return report


def _impersonation_reports_move(*, reports, status: str, actor) -> tuple[int, int]:
    """Move each of `reports` that the table allows to `status`, one audit event each; the others
    are left as they are. Returns (moved, skipped)."""
    with transaction.atomic():
        locked = list(
            ImpersonationReport.objects.select_for_update()
            .filter(pk__in=[report.pk for report in reports])
            .order_by("pk")
        )
        movable = [report for report in locked if status in REPORT_TRANSITIONS[report.status]]
        ImpersonationReport.objects.filter(pk__in=[report.pk for report in movable]).update(status=status)
        for report in movable:
            audit_record(
                action=f"impersonation_report.{status}",
                obj=report,
                actor=actor,
                before={"status": report.status},
                after={"status": status},
            )
    return len(movable), len(locked) - len(movable)


def impersonation_reports_investigate(*, reports, actor) -> tuple[int, int]:
    """An operator takes open reports up; others are skipped. Audited. Returns (moved, skipped)."""
    return _impersonation_reports_move(reports=reports, status=ImpersonationReportStatus.INVESTIGATING, actor=actor)


def impersonation_reports_close(*, reports, actor) -> tuple[int, int]:
    """An operator closes open or investigated reports; closed ones are skipped. Audited. Returns (moved, skipped)."""
    return _impersonation_reports_move(reports=reports, status=ImpersonationReportStatus.CLOSED, actor=actor)
