"""Pages of the contracts domain's deliverables area: the provider's board and a deliverable's page with the
submit form (/portal/deliverables/), the merchant's acceptance queue and a deliverable's page with accept and
reject (/merchant/deliverables/), and the evidence file, streamed to the two sides only.
`portal_urlpatterns` (under /portal/, namespace portal) and `merchant_urlpatterns` (under /merchant/,
namespace merchant)."""

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import ListView

from linke.errors import ApplicationError
from merchants.views.base import MerchantView, MerchantViewMixin
from providers.permissions import Action, can
from providers.validators import sniff_file_type
from providers.views.base import ProviderListView, ProviderView

from ..deliverable_forms import BoardFilter, DeliverableRejectForm, DeliverableSubmitForm, QueueFilter, chosen_view
from ..models import Deliverable
from ..rules import AUTO_ACCEPT_AFTER
from ..selectors.deliverables import (
    BOARD_VIEWS,
    QUEUE_VIEWS,
    deliverable_actions,
    deliverable_detail,
    deliverable_view,
    deliverable_view_counts,
    is_livestream,
)
from ..services.deliverables import deliverable_accept, deliverable_reject, deliverable_submit
from ..validators import EVIDENCE_MIME_TYPES


def stream_evidence(deliverable: Deliverable):
    """The evidence file from private storage, for a browser to show (a type the upload check lets in) or
    to download (anything else); never cached, never sniffed by the browser."""
    if not deliverable.evidence_file:
        raise Http404
    try:
        file = deliverable.evidence_file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    kind = sniff_file_type(file)
    name = f"deliverable-{deliverable.pk}"
    if kind is not None and kind.mime in EVIDENCE_MIME_TYPES:
        response = FileResponse(file, content_type=kind.mime, filename=f"{name}.{kind.extension}")
    else:
        response = FileResponse(file, content_type="application/octet-stream", as_attachment=True, filename=name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


class ViewListMixin:
    """A list of deliverables shown by views (`?view=` on the board, `?show=` in the queue), each with its
    count, plus the contract and search filters."""

    views = BOARD_VIEWS
    view_parameter = "view"
    filter_class = BoardFilter
    model = Deliverable
    paginate_by = 50
    context_object_name = "deliverables"

    def scope_queryset(self, queryset):
        now = timezone.now()
        self.filterset = self.filter_class(self.request.GET, queryset=queryset, request=self.request)
        self.current = chosen_view(self.filterset, self.view_parameter, self.views)
        filtered = self.filterset.qs
        counts = deliverable_view_counts(filtered, self.views, now=now)
        self.tabs = [
            {"view": view, "count": counts[view.key], "current": view.key == self.current} for view in self.views
        ]
        return deliverable_view(filtered, self.current, now=now)

    def get_context_data(self, **kwargs):
        current = next(view for view in self.views if view.key == self.current)
        query = self.request.GET.copy()
        query.pop(self.view_parameter, None)
        query.pop("page", None)
        return super().get_context_data(**kwargs) | {
            "filter_form": self.filterset.form,
            "tabs": self.tabs,
            "current_view": current,
            "view_parameter": self.view_parameter,
            "other_filters": query.urlencode(),
            "now": timezone.now(),
        }


# --- the provider's side ------------------------------------------------------------------------------


class DeliverableBoardView(ViewListMixin, ProviderListView):
    """/portal/deliverables/: due this week, overdue, awaiting acceptance, rejected to redo, all."""

    template_name = "contracts/deliverables/board.html"


def provider_page(request, deliverable, form=None, *, status=200):
    actions = deliverable_actions(deliverable, side="provider")
    may_work = can(request.membership, Action.WORK_DELIVERABLES)
    if actions["submit"] and may_work and form is None:
        form = DeliverableSubmitForm(deliverable=deliverable, livestream=is_livestream(deliverable))
    context = {
        "deliverable": deliverable,
        "side": "provider",
        "layout": "base.html",
        "namespace": "portal",
        "form": form if actions["submit"] and may_work else None,
        "can_submit": actions["submit"],
        "may_work": may_work,
        "is_livestream": is_livestream(deliverable),
        "auto_accept_at": deliverable.submitted_at + AUTO_ACCEPT_AFTER if deliverable.submitted_at else None,
    }
    template = "contracts/deliverables/_submit.html" if request.htmx and form is not None and form.is_bound else None
    return render(request, template or "contracts/deliverables/detail.html", context, status=status)


class DeliverableDetailView(ProviderView):
    model = Deliverable

    def scope_queryset(self, queryset):
        return deliverable_detail(queryset)

    def get(self, request, pk):
        return provider_page(request, self.get_object(pk))


class DeliverableSubmitView(ProviderView):
    """POST of the submit form (htmx: the form is swapped with its errors, or the page reloads when done).
    A valid file is kept when the submission fails for another reason (`DeliverableSubmitForm.keep_file`)."""

    model = Deliverable
    required_action = Action.WORK_DELIVERABLES
    http_method_names = ["post"]

    def scope_queryset(self, queryset):
        return deliverable_detail(queryset)

    def post(self, request, pk):
        deliverable = self.get_object(pk)
        form = DeliverableSubmitForm(
            request.POST, request.FILES, deliverable=deliverable, livestream=is_livestream(deliverable)
        )
        if form.is_valid():
            try:
                deliverable_submit(
                    actor=request.actor,
                    deliverable=deliverable,
                    links=form.cleaned_data["links"],
                    file=form.evidence_file(),
                    note=form.cleaned_data["note"],
                    reported_amount=form.cleaned_data.get("reported_amount"),
                )
            except ApplicationError as error:
                form.add_service_errors(error)
            else:
                form.discard_kept()
                messages.success(request, _("Submitted. The merchant has been asked to accept it."))
                url = reverse("portal:deliverable_detail", kwargs={"pk": deliverable.pk})
                if request.htmx:
                    response = HttpResponse(status=204)
                    response["HX-Redirect"] = url
                    return response
                return redirect(url)
        form.keep_file()
        return provider_page(request, deliverable, form, status=200 if request.htmx else 400)


class DeliverableEvidenceView(ProviderView):
    model = Deliverable

    def get(self, request, pk):
        return stream_evidence(self.get_object(pk))


# --- the merchant's side ------------------------------------------------------------------------------


class AcceptanceQueueView(ViewListMixin, MerchantViewMixin, ListView):
    """/merchant/deliverables/: what awaits the merchant's acceptance first, then the other views."""

    views = QUEUE_VIEWS
    view_parameter = "show"
    filter_class = QueueFilter
    template_name = "contracts/deliverables/queue.html"


def merchant_page(request, deliverable, reject_form=None, *, status=200):
    actions = deliverable_actions(deliverable, side="merchant")
    context = {
        "deliverable": deliverable,
        "side": "merchant",
        "layout": "merchant/base.html",
        "namespace": "merchant",
        "can_accept": actions["accept"],
        "reject_form": (reject_form or DeliverableRejectForm()) if actions["reject"] else None,
        "is_livestream": is_livestream(deliverable),
        "auto_accept_at": deliverable.submitted_at + AUTO_ACCEPT_AFTER if deliverable.submitted_at else None,
    }
    return render(request, "contracts/deliverables/detail.html", context, status=status)


class MerchantDeliverableView(MerchantView):
    model = Deliverable

    def scope_queryset(self, queryset):
        return deliverable_detail(queryset)


class MerchantDeliverableDetailView(MerchantDeliverableView):
    def get(self, request, pk):
        return merchant_page(request, self.get_object(pk))


class DeliverableAcceptView(MerchantDeliverableView):
    http_method_names = ["post"]

    def post(self, request, pk):
        deliverable = self.get_object(pk)
        try:
            deliverable_accept(actor=request.actor, deliverable=deliverable)
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Accepted: the provider has been told."))
        return redirect("merchant:deliverable_detail", pk=deliverable.pk)


class DeliverableRejectView(MerchantDeliverableView):
    http_method_names = ["post"]

    def post(self, request, pk):
        deliverable = self.get_object(pk)
        form = DeliverableRejectForm(request.POST)
        if not form.is_valid():
            return merchant_page(request, deliverable, form, status=400)
        try:
            deliverable_reject(actor=request.actor, deliverable=deliverable, reason=form.cleaned_data["reason"])
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Rejected: the provider has been told why and will redo it."))
        return redirect("merchant:deliverable_detail", pk=deliverable.pk)


class MerchantEvidenceView(MerchantDeliverableView):
    def get(self, request, pk):
        return stream_evidence(self.get_object(pk))


portal_urlpatterns = [
    path("deliverables/", DeliverableBoardView.as_view(), name="deliverable_board"),
    path("deliverables/<int:pk>/", DeliverableDetailView.as_view(), name="deliverable_detail"),
    path("deliverables/<int:pk>/submit/", DeliverableSubmitView.as_view(), name="deliverable_submit"),
    path("deliverables/<int:pk>/evidence/", DeliverableEvidenceView.as_view(), name="deliverable_evidence"),
]
merchant_urlpatterns = [
    path("deliverables/", AcceptanceQueueView.as_view(), name="acceptance_queue"),
    path("deliverables/<int:pk>/", MerchantDeliverableDetailView.as_view(), name="deliverable_detail"),
    path("deliverables/<int:pk>/accept/", DeliverableAcceptView.as_view(), name="deliverable_accept"),
    path("deliverables/<int:pk>/reject/", DeliverableRejectView.as_view(), name="deliverable_reject"),
    path("deliverables/<int:pk>/evidence/", MerchantEvidenceView.as_view(), name="deliverable_evidence"),
]
