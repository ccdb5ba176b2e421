"""Pages of the contracts domain's money area: `portal_urlpatterns` (under /portal/, namespace portal) and
`merchant_urlpatterns` (under /merchant/, namespace merchant)."""

portal_urlpatterns = []
merchant_urlpatterns = []
