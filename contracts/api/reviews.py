"""API of the contracts domain's reviews area: `routes` (prefix, viewset, basename) and `urlpatterns`."""

routes = []
urlpatterns = []
