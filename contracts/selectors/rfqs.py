"""Reads of the contracts domain's rfqs area (需求发布): who may answer a posted need, the provider's feed and
its view of one need, the merchant's needs and the side-by-side comparison of their proposals.

A need (`Rfq`) is the merchant's row (`MerchantScopedModel`): in the merchant's scope the merchant reads its
own. A provider has no merchant scope: it reads the needs it may answer, and those it proposed for, through
`all_providers()` narrowed at once to that provider's eligibility (`rfqs_visible_to`) — the one bypass of
this area, named where it happens. Proposals are shared rows: each side reads them in its own scope."""

from dataclasses import dataclass

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Window
from django.db.models.functions import Coalesce, RowNumber
from django.utils import timezone

from linke.tenancy import all_providers
from merchants.models import Store
from providers.choices import CooperationMode, ProviderStatus
from providers.models import CaseStudy, Membership, Provider, ProviderStanding
from providers.permissions import MATRIX, Action
from reference.models import ServiceCity, Track

from ..choices import ProposalStatus, RfqStatus
from ..models import Contract, Proposal, Rfq

# How many case studies of each provider the comparison names (its directory profile has them all).
CASE_STUDIES_SHOWN = 3


# --- Who may answer a need ---------------------------------------------------------------------


def _cities_of(provider_id: int):
    return Provider.service_cities.through.objects.filter(provider_id=provider_id).values("servicecity_id")


def _tracks_of(provider_id: int):
    return Provider.tracks.through.objects.filter(provider_id=provider_id).values("track_id")


def _certified_tracks_of(provider_id: int):
    return ProviderStanding.certified_tracks.through.objects.filter(providerstanding_id=provider_id).values("track_id")


def eligibility(provider: Provider, *, now=None) -> Q:
    """The needs (`Rfq` rows) `provider` may answer now: open and before their deadline, in a mode it offers,
    in one of its service cities and tracks, and — for 代运营 in a track whose flag
    `full_operation_requires_certification` is on — in one of the tracks it is certified in
    (`ProviderStanding.certified_tracks`, the tenant layer's standing data). A provider not in good standing
    (suspended, terminated) may answer none. Subqueries, no query of its own: the one definition the feed,
    the need's page and `rfq_propose` share."""
    if provider.status != ProviderStatus.ACTIVE:
        return Q(pk__in=[])
    certified = (
        ~Q(mode=CooperationMode.FULL_OPERATION)
        | Q(track__full_operation_requires_certification=False)
        | Q(track_id__in=_certified_tracks_of(provider.pk))
    )
    return (
        Q(
            status=RfqStatus.OPEN,
            deadline__gt=now or timezone.now(),
            mode__in=provider.cooperation_modes or [],
            city_id__in=_cities_of(provider.pk),
            track_id__in=_tracks_of(provider.pk),
        )
        & certified
    )


def _with_my_proposal(needs: QuerySet[Rfq], provider: Provider) -> QuerySet[Rfq]:
    """`my_proposal_id` and `my_proposal_status` of each need: `provider`'s proposal (None when it has not
    proposed), a correlated subquery on the unique index `proposal_one_per_provider`."""
    mine = _proposals_of(provider)
    return needs.annotate(
        my_proposal_id=Subquery(mine.values("pk")[:1]), my_proposal_status=Subquery(mine.values("status")[:1])
    )


def _proposals_of(provider: Provider):
    with all_providers():  # a subquery of the reads below, narrowed to `provider`
        return Proposal.objects.filter(rfq=OuterRef("pk"), provider_id=provider.pk).order_by()


def rfqs_visible_to(provider: Provider) -> QuerySet[Rfq]:
    """The needs `provider` may see: those it may answer now (`eligibility`) and those it has proposed for
    (whatever became of them), with `my_proposal_id`/`my_proposal_status`. The base of every provider route
    naming a need: another need answers 404, as a missing one does. Read across merchants on purpose (the
    bypass is narrowed to this provider's eligibility and proposals at once)."""
    with all_providers():
        needs = Rfq.objects.filter(eligibility(provider) | Q(Exists(_proposals_of(provider))))
    return _with_my_proposal(needs, provider)


def rfq_is_eligible(provider: Provider, rfq: Rfq) -> bool:
    """Whether `provider` may answer `rfq` now (`eligibility`), in one query."""
    with all_providers():
        return Rfq.objects.filter(eligibility(provider), pk=rfq.pk).exists()


def eligible_providers(rfq: Rfq) -> list[int]:
    """Ids of the providers that may answer `rfq` (the reverse of `eligibility`, for `rfq.posted`): in good
    standing, serving its city and track, certified in it where its mode and track require that. One query."""
    providers = Provider.objects.filter(
        status=ProviderStatus.ACTIVE,
        pk__in=Provider.service_cities.through.objects.filter(servicecity_id=rfq.city_id).values("provider_id"),
    ).filter(pk__in=Provider.tracks.through.objects.filter(track_id=rfq.track_id).values("provider_id"))
    if rfq.mode == CooperationMode.FULL_OPERATION and rfq.track.full_operation_requires_certification:
        certified = ProviderStanding.certified_tracks.through.objects.filter(track_id=rfq.track_id)
        providers = providers.filter(pk__in=certified.values("providerstanding_id"))
    return list(providers.order_by("pk").values_list("pk", flat=True))


def answering_members(provider_ids) -> dict[int, list[Membership]]:
    """The active members who answer needs (`Action.ANSWER_RFQS`) of each provider, in one query: whom the
    services tell about their proposals. Across providers on purpose (a need's proposers), narrowed to them."""
    with all_providers():
        members = (
            Membership.objects.active()
            .filter(provider_id__in=list(provider_ids), role__in=MATRIX[Action.ANSWER_RFQS])
            .select_related("user", "provider")
            .order_by("provider_id", "pk")
        )
        found: dict[int, list[Membership]] = {}
        for member in members:
            found.setdefault(member.provider_id, []).append(member)
    return found


# --- The stores of a need ----------------------------------------------------------------------


def _with_stores(queryset: QuerySet[Rfq]) -> QuerySet[Rfq]:
    """The stores of each need in one more query. A provider has no merchant scope: the stores are read
    across merchants, narrowed by the prefetch to those of the needs read (which it may see)."""
    with all_providers():
        stores = Store.objects.select_related("district", "category").order_by("name", "pk")
    return queryset.prefetch_related(Prefetch("stores", queryset=stores))


# --- The provider's side -----------------------------------------------------------------------


def rfq_feed(provider: Provider) -> QuerySet[Rfq]:
    """The open needs `provider` may answer, the soonest deadline first, with their track, city, merchant and
    stores and whether it has proposed (`my_proposal_status`): a constant number of queries per page."""
    with all_providers():  # narrowed to the provider's eligibility at once
        needs = Rfq.objects.filter(eligibility(provider))
    return _with_stores(_with_my_proposal(needs, provider).select_related("track", "city", "merchant")).order_by(
        "deadline", "pk"
    )


def rfq_feed_filters(provider: Provider) -> dict:
    """The choices of the feed's filters: the provider's service cities and tracks."""
    return {
        "cities": ServiceCity.objects.filter(pk__in=_cities_of(provider.pk)),
        "tracks": Track.objects.filter(pk__in=_tracks_of(provider.pk)),
    }


def rfq_for_provider(queryset: QuerySet[Rfq]) -> QuerySet[Rfq]:
    """One need as the provider's page shows it (`queryset`: `rfqs_visible_to`), with its stores."""
    return _with_stores(queryset.select_related("track", "city", "merchant"))


def _with_contract(proposals: QuerySet[Proposal]) -> QuerySet[Proposal]:
    """`contract_pk`: the contract made from each proposal (the accepted one), None for the others. Read in
    the channel's scope (each side's own contracts)."""
    made = Contract.objects.filter(rfq_proposal=OuterRef("pk")).order_by().values("pk")[:1]
    return proposals.annotate(contract_pk=Subquery(made))


def my_proposals(queryset: QuerySet[Proposal]) -> QuerySet[Proposal]:
    """The current provider's proposals (its scope), newest first, with their need's title, track and city
    and `contract_pk`. The need is read through the join (the provider has no merchant scope; these are
    needs it proposed for)."""
    queryset = queryset.select_related("rfq__track", "rfq__city", "rfq__merchant")
    return _with_contract(queryset).order_by("-created_at", "-pk")


def my_proposal_for(rfq: Rfq) -> Proposal | None:
    """The current provider's proposal for `rfq` (its scope), with `contract_pk`, or None."""
    return _with_contract(Proposal.objects.filter(rfq_id=rfq.pk)).first()


# --- The merchant's side -----------------------------------------------------------------------


def rfq_list(queryset: QuerySet[Rfq]) -> QuerySet[Rfq]:
    """The merchant's needs (its scope), newest first, with track, city and `proposal_count` (proposals not
    withdrawn). The count is a correlated subquery through the proposals' table, one statement per page."""
    proposals = (
        Proposal.objects.filter(rfq=OuterRef("pk"))
        .exclude(status=ProposalStatus.WITHDRAWN)
        .order_by()
        .values("rfq")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        queryset.select_related("track", "city")
        .annotate(proposal_count=Coalesce(Subquery(proposals), 0))
        .order_by("-created_at", "-pk")
    )


def rfq_detail(queryset: QuerySet[Rfq]) -> QuerySet[Rfq]:
    """One need of the merchant with its track, city and stores."""
    return _with_stores(queryset.select_related("track", "city"))


@dataclass(frozen=True)
class ComparedProposal:
    """One column of the comparison: the proposal, its provider's standing and up to three case studies."""

    proposal: Proposal
    case_studies: list

    @property
    def provider(self):
        return self.proposal.provider

    @property
    def standing(self):
        return getattr(self.proposal.provider, "standing", None)

    @property
    def in_good_standing(self) -> bool:
        return self.proposal.provider.status == ProviderStatus.ACTIVE


def proposal_comparison(rfq: Rfq) -> list[ComparedProposal]:
    """The proposals of `rfq` side by side, cheapest first (withdrawn ones left out): price, scope,
    deliverables, timeline, `contract_pk` (the accepted one's contract), the provider's rating, review
    count and tier (`ProviderStanding`), its compliance standing (its status: in good standing or
    suspended; the compliance issue adds its record) and up to `CASE_STUDIES_SHOWN` case-study titles.
    Two queries whatever the number of proposals. Inside the merchant's scope; the providers' case studies
    are public (their directory profiles), read across providers narrowed to the proposers."""
    proposals = list(
        _with_contract(Proposal.objects.filter(rfq=rfq).exclude(status=ProposalStatus.WITHDRAWN))
        .select_related("provider__standing")
        .order_by("price", "pk")
    )
    if not proposals:
        return []
    with all_providers():
        studies = list(
            CaseStudy.objects.filter(provider_id__in=[p.provider_id for p in proposals])
            .annotate(rank=Window(RowNumber(), partition_by=F("provider_id"), order_by=[F("position"), F("id")]))
            .filter(rank__lte=CASE_STUDIES_SHOWN)
            .only("id", "provider_id", "title", "position")
            .order_by("provider_id", "rank")
        )
    by_provider: dict[int, list] = {}
    for study in studies:
        by_provider.setdefault(study.provider_id, []).append(study)
    return [ComparedProposal(proposal=p, case_studies=by_provider.get(p.provider_id, [])) for p in proposals]
