"""API of the contracts domain's contracts area: `routes` (prefix, viewset, basename) and `urlpatterns`."""

routes = []
urlpatterns = []
