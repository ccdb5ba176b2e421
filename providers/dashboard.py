"""The portal home's dashboard cards, contributed by the apps above providers.

The home page (`providers.views.portal.HomeView`) is the providers app's, but most of what a provider
wants to see there (contracts by state, deliverables due, GMV) belongs to apps that providers may not import
(CONVENTIONS §1). So those apps register their cards here, from their `AppConfig.ready()`, as handover.py's
apps register what a member holds:

    portal_panels.register("contracts.gmv", template="contracts/dashboards/_gmv.html", context=gmv_card,
                           scripts=("vendor/echarts/echarts.min.js", "js/gmv-chart.js"), order=30)

`context(request) -> dict | None` runs inside the page's channel and scope (`request.provider`,
`request.membership`); None leaves the card out. A card's queries must not grow with the rows it counts:
the home page's query count is a recorded baseline. `scripts` are static paths the page loads once, after
its content (no inline script: the content security policy refuses it)."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Panel:
    name: str
    template: str
    context: Callable
    scripts: tuple[str, ...] = ()
    order: int = 100


@dataclass(frozen=True)
class ShownPanel:
    template: str
    context: dict


class DashboardPanels:
    """A registry of dashboard cards for one home page (the portal's here; the merchant centre has its own
    in `merchants.dashboard`)."""

    def __init__(self):
        self._panels: dict[str, Panel] = {}

    def register(self, name: str, *, template: str, context: Callable, scripts=(), order: int = 100) -> None:
        """Register (or replace: `ready()` may run twice) the card called `name`."""
        self._panels[name] = Panel(name=name, template=template, context=context, scripts=tuple(scripts), order=order)

    def shown(self, request) -> tuple[list[ShownPanel], list[str]]:
        """The cards to show, in their order, with their contexts; and the scripts they need, each once."""
        panels, scripts = [], []
        for panel in sorted(self._panels.values(), key=lambda panel: (panel.order, panel.name)):
            context = panel.context(request)
            if context is None:
                continue
            panels.append(ShownPanel(template=panel.template, context=context))
            scripts += [script for script in panel.scripts if script not in scripts]
        return panels, scripts


portal_panels = DashboardPanels()
