"""Reviews (评价), both sides: the merchant reviews a contract from its page and reads its reviews and the
answers (/merchant/reviews/); the provider reads the reviews of its contracts and replies once
(/portal/reviews/). `portal_urlpatterns` are mounted under /portal/ (namespace portal),
`merchant_urlpatterns` under /merchant/ (namespace merchant)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils.translation import gettext as _
from django.views.generic import ListView

from linke.errors import ApplicationError
from merchants.views.base import MerchantView, MerchantViewMixin
from providers.permissions import Action
from providers.views.base import ProviderListView, ProviderView

from ..models import Contract, Review
from ..review_forms import ProviderReviewFilter, ReplyForm, ReviewForm
from ..selectors.reviews import contract_reviewable, review_detail, review_list
from ..services.reviews import review_create, review_reply


def contract_url(namespace: str, contract_id: int) -> str:
    """The contract's page on that side (built by the contracts area), or "" until it exists."""
    try:
        return reverse(f"{namespace}:contract_detail", kwargs={"pk": contract_id})
    except NoReverseMatch:
        return ""


# --- the merchant's side ----------------------------------------------------------------------------


class ReviewCreateView(MerchantView):
    """/merchant/contracts/<pk>/review/: review one of the merchant's contracts (another merchant's is not
    found). A contract already reviewed leads to the review; one not reviewable yet says when it will be."""

    model = Contract
    template_name = "contracts/reviews/create.html"

    def render_form(self, request, contract, form):
        context = {
            "contract": contract,
            "form": form,
            "reviewable": contract_reviewable(contract),
            "contract_url": contract_url("merchant", contract.pk),
        }
        return render(request, self.template_name, context)

    def already_reviewed(self, contract) -> bool:
        return Review.objects.filter(contract_id=contract.pk).exists()

    def get(self, request, pk):
        contract = self.get_object(pk)
        if self.already_reviewed(contract):
            messages.info(request, _("You have reviewed this contract already."))
            return redirect(reverse("merchant:review_list") + f"?contract={contract.pk}")
        return self.render_form(request, contract, ReviewForm())

    def post(self, request, pk):
        contract = self.get_object(pk)
        form = ReviewForm(request.POST)
        if form.is_valid():
            try:
                review_create(actor=request.actor, contract=contract, **form.cleaned_data)
            except ApplicationError as error:
                form.add_error(None, error.message)
            else:
                messages.success(
                    request,
                    _("Thank you: your review of %(provider)s is on its public profile.")
                    % {"provider": contract.provider.name},
                )
                return redirect(contract_url("merchant", contract.pk) or reverse("merchant:review_list"))
        return self.render_form(request, contract, form)


class MerchantReviewListView(MerchantViewMixin, ListView):
    """The reviews the merchant wrote, newest first, with the providers' replies (`?contract=<id>`)."""

    model = Review
    paginate_by = 20
    template_name = "contracts/reviews/merchant_list.html"
    context_object_name = "reviews"

    def scope_queryset(self, queryset):
        contract = self.request.GET.get("contract", "")
        if contract.isascii() and contract.isdigit() and len(contract) < 19:
            queryset = queryset.filter(contract_id=int(contract))
        return review_list(queryset)


# --- the provider's side ----------------------------------------------------------------------------


class ProviderReviewListView(ProviderListView):
    """The reviews of the provider's contracts, newest first; `?replied=no|yes&stars=2|3|4` stay in the URL.
    Those who may reply (owner, admins, operators) get a reply form under each review without one."""

    model = Review
    paginate_by = 20
    template_name = "contracts/reviews/provider_list.html"
    context_object_name = "reviews"

    def scope_queryset(self, queryset):
        self.filterset = ProviderReviewFilter(self.request.GET, queryset=review_list(queryset), request=self.request)
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"filter_form": self.filterset.form, "reply_form": ReplyForm()}


class ReviewReplyView(ProviderView):
    """/portal/reviews/<pk>/reply/: the reply form of one review (the list posts its inline form here; an
    invalid reply comes back here with what was typed)."""

    model = Review
    required_action = Action.REPLY_REVIEWS
    template_name = "contracts/reviews/reply.html"

    def scope_queryset(self, queryset):
        return review_detail(queryset)

    def render_form(self, request, review, form):
        context = {"review": review, "form": form, "contract_url": contract_url("portal", review.contract_id)}
        return render(request, self.template_name, context)

    def get(self, request, pk):
        review = self.get_object(pk)
        if review.reply:
            messages.info(request, _("This review has a reply already."))
            return redirect(reverse("portal:review_list") + f"#review-{review.pk}")
        return self.render_form(request, review, ReplyForm())

    def post(self, request, pk):
        review = self.get_object(pk)
        form = ReplyForm(request.POST)
        if form.is_valid():
            try:
                review_reply(actor=request.actor, review=review, text=form.cleaned_data["text"])
            except ApplicationError as error:
                form.add_error(None, error.message)
            else:
                messages.success(
                    request,
                    _("Your reply to %(merchant)s is published under the review.") % {"merchant": review.merchant.name},
                )
                return redirect(reverse("portal:review_list") + f"#review-{review.pk}")
        return self.render_form(request, review, form)


portal_urlpatterns = [
    path("reviews/", ProviderReviewListView.as_view(), name="review_list"),
    path("reviews/<int:pk>/reply/", ReviewReplyView.as_view(), name="review_reply"),
]
merchant_urlpatterns = [
    path("reviews/", MerchantReviewListView.as_view(), name="review_list"),
    path("contracts/<int:pk>/review/", ReviewCreateView.as_view(), name="review_create"),
]
