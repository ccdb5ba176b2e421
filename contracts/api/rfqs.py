"""API of the contracts domain's rfqs area: `routes` (prefix, viewset, basename) and `urlpatterns`."""

routes = []
urlpatterns = []
