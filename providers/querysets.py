"""Named filters of the providers app's rows, so that a rule ("live", "pending") is written once."""

from django.db import models
from django.utils import timezone

from .choices import ApplicationStatus, ProviderStatus, Role

# An applicant has at most one application in these states (constraint `application_one_open_per_applicant`).
OPEN_APPLICATION_STATUSES = (ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED, ApplicationStatus.CHANGES_REQUESTED)


class ProviderQuerySet(models.QuerySet):
    def live(self):
        """Not terminated: holds its credit code, may be switched to, appears to merchants."""
        return self.exclude(status=ProviderStatus.TERMINATED)


class ApplicationQuerySet(models.QuerySet):
    def open(self):
        """In progress: an applicant has at most one."""
        return self.filter(status__in=OPEN_APPLICATION_STATUSES)


class MembershipQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def managers(self):
        """The active owner and admins: who is told about the provider's standing."""
        return self.active().filter(role__in=[Role.OWNER, Role.ADMIN])


class InvitationQuerySet(models.QuerySet):
    def outstanding(self):
        """Neither accepted nor withdrawn (some may have expired): at most one per address."""
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True)

    def pending(self):
        """Outstanding and still valid: its link works."""
        return self.outstanding().filter(expires_at__gt=timezone.now())


class VerificationCodeQuerySet(models.QuerySet):
    def unrevoked(self):
        return self.filter(revoked_at__isnull=True)

    def live(self):
        """Neither revoked nor expired: a check of it succeeds (if its member and provider are in good standing)."""
        return self.unrevoked().filter(expires_at__gt=timezone.now())
