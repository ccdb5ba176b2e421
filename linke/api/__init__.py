"""Base classes of the REST API. Provider-owned resources subclass `ProviderScopedViewSet`,
whose queryset is always the scoped manager: another tenant's object answers 404."""

from drf_spectacular import generators
from rest_framework import permissions, viewsets

from ..tenancy import all_providers


class HasCurrentProvider(permissions.BasePermission):
    message = "You are not a member of any provider."

    def has_permission(self, request, view):
        return getattr(request, "provider", None) is not None


class ProviderScopedViewSet(viewsets.GenericViewSet):
    """Acts for `request.provider`; the tenant scope was entered by `TenantMiddleware`."""

    model = None
    permission_classes = [permissions.IsAuthenticated, HasCurrentProvider]

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
