"""Provider settings: the directory profile, service packages and case studies."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linke.errors import ApplicationError

from ..forms import CaseStudyForm, ProviderProfileForm, ServicePackageForm
from ..models import CaseStudy, ServicePackage
from ..permissions import Action
from ..services.profile import case_study_save, profile_item_delete, provider_update, service_package_save
from .base import ProviderView


class SettingsView(ProviderView):
    required_action = Action.EDIT_SETTINGS
    template_name = "providers/settings/index.html"

    def render_page(self, form):
        return render(
            self.request,
            self.template_name,
            {
                "form": form,
                "packages": ServicePackage.objects.order_by("area", "price", "pk"),
                "case_studies": CaseStudy.objects.select_related("track").order_by("position", "pk"),
            },
        )

    def get(self, request):
        return self.render_page(ProviderProfileForm(instance=request.provider))

    def post(self, request):
        form = ProviderProfileForm(request.POST, instance=request.provider)
        if not form.is_valid():
            return self.render_page(form)
        # Only what this form changed: a colleague's concurrent change to another field is kept.
        changed = {field: form.cleaned_data[field] for field in form.changed_data}
        provider_update(actor=request.actor, provider=request.provider, data=changed)
        messages.success(request, _("Settings saved."))
        return redirect("portal:settings")


class ProfileItemView(ProviderView):
    """Create (no pk) or edit (pk) one service package or case study."""

    required_action = Action.EDIT_SETTINGS
    template_name = "providers/settings/item_form.html"
    form_class = None
    title = ""

    save_service = None  # the profile service that creates or updates one row

    def render_form(self, form, instance):
        return render(self.request, self.template_name, {"form": form, "object": instance, "title": self.title})

    def get(self, request, pk=None):
        instance = self.get_object(pk) if pk else None
        return self.render_form(self.form_class(instance=instance), instance)

    def post(self, request, pk=None):
        instance = self.get_object(pk) if pk else None
        form = self.form_class(request.POST, instance=instance)
        if form.is_valid():
            try:
                self.save_service(
                    provider=request.provider,
                    actor=request.actor,
                    data={field: form.cleaned_data[field] for field in form.changed_data}
                    if instance
                    else form.cleaned_data,
                    **({self.instance_kwarg: instance} if instance else {}),
                )
            except ApplicationError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Saved."))
                return redirect("portal:settings")
        return self.render_form(form, instance)


class ServicePackageView(ProfileItemView):
    model = ServicePackage
    form_class = ServicePackageForm
    instance_kwarg = "package"
    save_service = staticmethod(service_package_save)
    title = gettext_lazy("Service package")


class CaseStudyView(ProfileItemView):
    model = CaseStudy
    form_class = CaseStudyForm
    instance_kwarg = "case_study"
    save_service = staticmethod(case_study_save)
    title = gettext_lazy("Case study")


class ProfileItemDeleteView(ProviderView):
    required_action = Action.EDIT_SETTINGS

    def post(self, request, pk):
        profile_item_delete(actor=request.actor, item=self.get_object(pk))
        messages.success(request, _("Deleted."))
        return redirect("portal:settings")


class ServicePackageDeleteView(ProfileItemDeleteView):
    model = ServicePackage


class CaseStudyDeleteView(ProfileItemDeleteView):
    model = CaseStudy
