"""API of the contracts domain's deliverables area: `routes` (prefix, viewset, basename) and `urlpatterns`."""

routes = []
urlpatterns = []
