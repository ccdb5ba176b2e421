"""API of the contracts domain's money area: `routes` (prefix, viewset, basename) and `urlpatterns`."""

routes = []
urlpatterns = []
