"""The operators' channel: the Django admin, every view of it inside `all_providers()`, opening on the
work queue (what waits for an operator)."""

import functools
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .channels import render_inside
from .tenancy import all_providers


def across_tenants(view):
    """Operators see every tenant: the view runs, and its page renders, with no tenant filter. Wrapped
    inside the admin's own permission check, so only signed-in staff ever get here."""

    @functools.wraps(view)
    def operator_view(request, *args, **kwargs):
        with all_providers():
            return render_inside(view(request, *args, **kwargs))

    return operator_view


@dataclass(frozen=True)
class WorkItem:
    """One kind of thing awaiting an operator: the list of `model` filtered by `query` (its GET
    parameters) shows them, `count()` counts them in one query."""

    model: type[models.Model]
    label: str
    query: dict[str, str]
    count: Callable[[], int]


class OperatorsAdminSite(admin.AdminSite):
    site_header = _("Linke operations console")
    site_title = _("Linke operations console")
    index_title = _("Platform operations")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._work_queue: list[WorkItem] = []

    def admin_view(self, view, cacheable=False):
        return super().admin_view(across_tenants(view), cacheable)

    def login(self, request, extra_context=None):
        # Operators log in through allauth (rate limits, email verification, MFA), not the stock form.
        return secure_admin_login(super().login)(request, extra_context)

    def register_work(self, model, *, label, query: dict[str, str], count: Callable[[], int]) -> None:
        """Put one kind of waiting work on the index page, linked to `model`'s list filtered by `query`.
        The apps call it from their admin module, next to the ModelAdmin that lists the work: `linke`
        imports no app, so the queue is filled from above. `count` must count exactly what that list shows."""
        self._work_queue.append(WorkItem(model=model, label=label, query=query, count=count))

    def work_queue(self, request) -> list[dict]:
        """The waiting work this operator may open (in the order of the layers): label, count and link."""
        return [
            {
                "label": item.label,
                "count": item.count(),
                "url": f"{reverse(self._changelist_url_name(item.model))}?{urlencode(item.query)}",
            }
            for item in self._work_queue
            if self._registry[item.model].has_view_or_change_permission(request)
        ]

    def _changelist_url_name(self, model) -> str:
        return f"{self.name}:{model._meta.app_label}_{model._meta.model_name}_changelist"

    def index(self, request, extra_context=None):
        return super().index(request, {"work_queue": self.work_queue(request), **(extra_context or {})})
