"""The merchant centre's dashboard cards, contributed by the apps above merchants (contracts: its contracts,
deliverables awaiting acceptance, statements to confirm), registered from their `AppConfig.ready()`; the
registry is the portal home's (`providers.dashboard`), one per home page. `context(request)` runs inside the
merchant channel's scope (`request.merchant`)."""

from providers.dashboard import DashboardPanels

merchant_panels = DashboardPanels()
