"""Base classes of the REST API. Provider-owned resources subclass `ProviderScopedViewSet`,
whose queryset is always the scoped manager: another tenant's object answers 404."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular import generators
from rest_framework import permissions, viewsets

from ..tenancy import all_providers


class HasCurrentProvider(permissions.BasePermission):
    message = _("You are not a member of any provider yet.")
    code = "no_provider"

    def has_permission(self, request, view):
        return getattr(request, "provider", None) is not None


class HasRolePermission(permissions.BasePermission):
    """Checks `view.action_permissions[view.action]` (default: VIEW for reads, the view's
    `write_permission` otherwise) against the member's role; a refusal is a 403 with a message."""

    def has_permission(self, request, view):
        from providers.permissions import Action, require

        default = Action.VIEW if request.method in permissions.SAFE_METHODS else view.write_permission
        action = view.action_permissions.get(getattr(view, "action", None), default)
        if action is None:
            return False  # a write nobody declared a permission for is refused, not allowed
        require(request.membership, action)
        return True


class ProviderScopedViewSet(viewsets.GenericViewSet):
    """Acts for `request.provider`; the tenant scope was entered by `TenantMiddleware`."""

    model = None
    permission_classes = [permissions.IsAuthenticated, HasCurrentProvider, HasRolePermission]
    action_permissions: dict = {}
    write_permission = None  # subclasses with writes name the Action they need (else writes are refused)

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "get_queryset" in cls.__dict__ or cls.__dict__.get("queryset") is not None:
            raise TypeError(f"{cls.__name__}: override scope_queryset(), not get_queryset()/queryset")

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation runs outside any tenant
            return self.model.objects.none()
        return self.scope_queryset(self.model.objects.all())

    def scope_queryset(self, queryset):
        return queryset


class SchemaGenerator(generators.SchemaGenerator):
    """OpenAPI generation inspects querysets and filtersets but reads no tenant rows, so it runs
    outside the tenant scope (django-filter builds filtersets from `_default_manager.all().query`)."""

    def get_schema(self, request=None, public=False):
        with all_providers():
            return super().get_schema(request=request, public=public)
