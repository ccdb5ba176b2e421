from drf_spectacular import generators

from ..tenancy import all_providers


class SchemaGenerator(generators.SchemaGenerator):
    """OpenAPI generation inspects querysets and filtersets but reads no tenant rows, so it runs
    outside the tenant scope (django-filter builds filtersets from `_default_manager.all().query`)."""

    def get_schema(self, request=None, public=False):
        with all_providers():
            return super().get_schema(request=request, public=public)
