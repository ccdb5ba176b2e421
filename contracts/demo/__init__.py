"""Demo data of the contracts app (see `linke.demo`): half a year of 阿尔法服务商 working with
merchant@demo.test, replayed through the services on a moved clock (time-machine, a development
dependency), so that every timestamp, timeline entry, audit event, breach, KPI result and statement is the
one the product itself would have written on those days:

* a specialized opening package (short videos on time, a livestream late → an SLA breach, auto-accepted),
  completed and reviewed, with the provider's reply;
* its upgrade to a full-operation contract for two stores (fixed fee + commission, four delivery
  standards), six months of generated deliverables (one late, one rejected and redone), six months of GMV
  with refunds, monthly KPI results, statements (confirmed and paid, one disputed and reissued, the last
  one waiting for the merchant);
* a running specialized contract with one deliverable awaiting acceptance and one overdue, a rejected
  proposal, a withdrawn one, one terminated with notice after three missed deadlines (a compliance case);
* 贝塔服务商's proposal answering the merchant's request, waiting for the signature;
* a posted need with three proposals (阿尔法 and two more Fuzhou providers) waiting to be compared.

Idempotent: nothing is added once the demo merchant has a contract."""

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import timezone

from linke.actors import Actor
from merchants.models import Merchant, Store
from merchants.services.requests import request_send
from providers.choices import CooperationMode, Role
from providers.models import Membership, Provider
from providers.services.directory import listing_refresh
from providers.services.standing import standing_create, standing_grant_track
from reference.models import ServiceCity, Track

from .. import rules
from ..choices import ContractKind, ServiceArea, ServiceLevel, StandardKind
from ..models import Contract, Deliverable, Statement
from ..services.contracts import (
    contract_cancel,
    contract_draft,
    contract_give_notice,
    contract_propose,
    contract_reject,
    contract_sign,
    contract_update_draft,
    contract_upgrade,
    contracts_activate_due,
    contracts_end_due,
)
from ..services.deliverables import (
    deliverable_accept,
    deliverable_reject,
    deliverable_submit,
    deliverables_auto_accept,
    kpis_evaluate,
    monthly_deliverables_generate,
    sla_check,
)
from ..services.money import (
    gmv_record_batch,
    statement_confirm,
    statement_dispute,
    statement_issue,
    statement_mark_paid,
    statements_issue_due,
)
from ..services.reviews import review_create, review_reply
from ..services.rfqs import rfq_create, rfq_propose

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONTHS_OF_FULL_OPERATION = 6
# The two Fuzhou providers that answer the demo need beside 阿尔法 (credit codes with a valid check character).
RFQ_PROVIDERS = [
    ("榕城本地生活服务商", "91350102MA34R00013", "owner@rongcheng.test", "榕城老板"),
    ("海峡数字营销服务商", "91350104MA34R00023", "owner@haixia.test", "海峡老板"),
]
LINK = "https://www.douyin.com/video/73{:017d}"


class Scene:
    """The people of the demo and a clock that moves: `at(day, hour)` sets the time to `hour` o'clock
    (Asia/Shanghai) of `day`."""

    def __init__(self, demo, clock, merchant):
        self.demo, self.clock, self.merchant = demo, clock, merchant
        self.stores = list(Store.objects.filter(merchant=merchant).order_by("pk"))
        self.alpha = Provider.objects.get(name="阿尔法服务商")
        self.beta = Provider.objects.get(name="贝塔服务商")
        self.merchant_actor = Actor.for_merchant(merchant, user=merchant.owner)
        self.operator = Actor.operator(demo.users["operator@linke.test"])
        self.bd = self.member(self.alpha, "bd@alpha.test")
        self.ops = self.member(self.alpha, "ops@alpha.test")
        self.owner = self.member(self.alpha, "owner@alpha.test")
        self.random = random.Random(2026)  # noqa: S311 - fake orders, the same demo every time
        self.order_numbers = iter(range(1, 10**9))

    @staticmethod
    def member(provider, email) -> Actor:
        return Actor.member(
            Membership.objects.select_related("user", "provider").get(provider=provider, user__email=email)
        )

    def at(self, day: date, hour: float = 10) -> None:
        self.clock.move_to(datetime.combine(day, time.min, tzinfo=SHANGHAI) + timedelta(hours=hour))

    def today(self) -> date:
        return timezone.localdate()

    def deliver(self, deliverable: Deliverable, *, hours=None) -> None:
        """The operator submits a link (and the livestream's hours)."""
        deliverable_submit(
            actor=self.ops,
            deliverable=deliverable,
            links=[LINK.format(deliverable.pk)],
            note="已发布，数据截图见链接。",
            reported_amount=hours,
        )

    def accept(self, deliverable: Deliverable) -> None:
        deliverable_accept(actor=self.merchant_actor, deliverable=Deliverable.objects.get(pk=deliverable.pk))

    def propose(self, actor, *, kind, stores, terms, request=None) -> Contract:
        contract = contract_draft(
            actor=actor, merchant=self.merchant, stores=stores, kind=kind, terms=terms, request=request
        )
        return contract_propose(actor=actor, contract=contract)

    def sign(self, contract: Contract) -> Contract:
        return contract_sign(actor=self.merchant_actor, contract=contract, version=contract.version, confirm_fees=True)


def seed(demo) -> None:
    owner = demo.users.get("merchant@demo.test")
    merchant = Merchant.objects.filter(owner=owner).first() if owner else None
    if merchant is None or Store.objects.filter(merchant=merchant).count() < 3:
        demo.notes.append("demo contracts skipped: the demo merchant or its three stores are missing")
        return
    if Contract.objects.filter(merchant=merchant).exists():
        return
    import time_machine  # a development dependency, as the demo is

    today = timezone.localdate()
    full_start = _months_before(today.replace(day=1), MONTHS_OF_FULL_OPERATION)
    with time_machine.travel(datetime.combine(full_start, time.min, tzinfo=SHANGHAI), tick=False) as clock:
        scene = Scene(demo, clock, merchant)
        rfq_providers = _rfq_providers(demo)
        opening = _opening_package(scene, full_start)
        _full_operation(scene, opening, full_start, today)
        _other_contracts(scene, today)
        _beta_proposal(scene, today)
        _posted_need(scene, rfq_providers, today)


def _months_before(first: date, months: int) -> date:
    year, month = divmod(first.year * 12 + first.month - 1 - months, 12)
    return date(year, month + 1, 1)


def _next_month(first: date) -> date:
    return _months_before(first, -1)


def _opening_package(scene: Scene, full_start: date) -> Contract:
    """专项服务 for 五四路店 six weeks before the full operation: three short videos and a livestream."""
    start = full_start - timedelta(days=45)
    scene.at(start - timedelta(days=2), 10)
    terms = {
        "title": "五四路店开业短视频套餐",
        "scope": "开业期的探店短视频三条、开业直播一场，含脚本、拍摄、剪辑和发布。",
        "start_date": start,
        "end_date": start + timedelta(days=29),
        "items": [
            _item(ServiceArea.SHORT_VIDEO, ServiceLevel.BASIC, "探店短视频", "800.00", 3, start + timedelta(days=14)),
            _item(
                ServiceArea.LIVESTREAM, ServiceLevel.VALUE_ADDED, "开业直播", "3000.00", 1, start + timedelta(days=20)
            ),
        ],
    }
    contract = scene.propose(scene.bd, kind=ContractKind.SPECIALIZED, stores=scene.stores[:1], terms=terms)
    scene.at(start - timedelta(days=1), 15)
    contract = scene.sign(contract)
    scene.at(start, 0.5)
    contracts_activate_due()
    videos = list(contract.deliverables.filter(service_item__area=ServiceArea.SHORT_VIDEO).order_by("sequence"))
    for number, video in enumerate(videos):
        scene.at(start + timedelta(days=10 + number), 18)
        scene.deliver(video)
        scene.at(start + timedelta(days=11 + number), 10)
        scene.accept(video)
    livestream = contract.deliverables.get(service_item__area=ServiceArea.LIVESTREAM)
    scene.at(start + timedelta(days=22), 9)  # due two days ago: more than 24 hours late
    sla_check()
    scene.at(start + timedelta(days=22), 20)
    scene.deliver(livestream)
    scene.at(start + timedelta(days=25), 21)  # nobody answered for 72 hours
    deliverables_auto_accept()
    scene.at(start + timedelta(days=26), 11)
    review = review_create(
        actor=scene.merchant_actor,
        contract=Contract.objects.get(pk=contract.pk),
        professionalism=5,
        communication=5,
        results=4,
        text="短视频拍得很用心，开业当周团购券卖了三百多张。直播晚了两天，希望以后准时。",
    )
    scene.at(start + timedelta(days=27), 9)
    review_reply(
        actor=scene.ops, review=review, text="感谢认可！直播延期是因为门店装修验收推迟，后续我们会提前沟通排期。"
    )
    return contract


def _item(area, level, title, price, quantity, due) -> dict:
    return {
        "area": area,
        "level": level,
        "title": title,
        "unit_price": Decimal(price),
        "quantity": quantity,
        "due_date": due,
    }


def _full_operation(scene: Scene, opening: Contract, full_start: date, today: date) -> Contract:
    """代运营 of 五四路店 and 宝龙店 for a year: the upgrade of the opening package, six months delivered."""
    dining = Track.objects.filter(slug="dining").first()
    scene.at(full_start - timedelta(days=12), 9)
    if dining is not None:
        standing_grant_track(
            actor=scene.operator, provider=scene.alpha, track=dining, reason="演示数据：餐饮赛道认证通过（人工授予）。"
        )
    scene.at(full_start - timedelta(days=10), 10)
    terms = {
        "title": "老张火锅两店抖音代运营",
        "scope": "账号运营、每月 4 条短视频、每月 12 小时直播、团购货架与评价维护；商家消息 24 小时内响应。",
        "start_date": full_start,
        "end_date": full_start + timedelta(days=364),
        "monthly_fee": Decimal("6000.00"),
        "commission_bp": 300,
        "standards": [
            {"kind": StandardKind.MONTHLY_GMV, "target": Decimal("120000")},
            {"kind": StandardKind.SHORT_VIDEOS, "target": Decimal("4")},
            {"kind": StandardKind.LIVESTREAM_HOURS, "target": Decimal("12")},
            {"kind": StandardKind.RESPONSE_HOURS, "target": Decimal("24")},
        ],
    }
    draft = contract_upgrade(actor=scene.bd, contract=opening, terms=terms)
    draft = contract_update_draft(actor=scene.bd, contract=draft, terms=terms, stores=scene.stores[:2])  # + 宝龙店
    contract = contract_propose(actor=scene.bd, contract=draft)
    scene.at(full_start - timedelta(days=8), 16)
    contract = scene.sign(contract)
    month = full_start
    while month < today.replace(day=1):
        _run_month(scene, contract, month, last=_next_month(month) == today.replace(day=1))
        month = _next_month(month)
    # The month that has just begun: its deliverables exist, due later; last month's statement waits.
    scene.at(today, 0.3)
    contracts_activate_due()
    monthly_deliverables_generate(month=today.replace(day=1), contract_ids=[contract.pk])
    sla_check()
    return contract


def _run_month(scene: Scene, contract: Contract, month: date, *, last: bool) -> None:
    """One month of full operation: the month's deliverables, delivered (with the month's mishap), its GMV,
    then on the 1st of the next month the KPIs and the statement, confirmed and paid — except in the `last`
    month (the one before today's), whose last deliverable and statement wait for the merchant."""
    number = (month.year * 12 + month.month) % 6  # which mishap this month has
    scene.at(month, 0.5)
    contracts_activate_due()
    monthly_deliverables_generate(month=month, contract_ids=[contract.pk])
    deliverables = list(
        Deliverable.objects.filter(contract=contract, period=month).select_related("standard").order_by("due_at", "pk")
    )
    for deliverable in deliverables:
        due = timezone.localtime(deliverable.due_at).date()
        hours = Decimal("13") if deliverable.standard.kind == StandardKind.LIVESTREAM_HOURS else None
        if number == 1 and deliverable is deliverables[0]:  # late: due at midnight after `due`, a breach a day on
            scene.at(due + timedelta(days=2), 6)
            sla_check()
            scene.at(due + timedelta(days=2), 15)
            scene.deliver(deliverable, hours=hours)
            scene.at(due + timedelta(days=3), 10)
            scene.accept(deliverable)
            continue
        scene.at(due - timedelta(days=1), 18)
        scene.deliver(deliverable, hours=hours)
        if last and deliverable is deliverables[-1]:
            continue
        if number == 2 and deliverable is deliverables[0]:  # rejected, redone the next day
            scene.at(due, 10)
            deliverable_reject(
                actor=scene.merchant_actor,
                deliverable=Deliverable.objects.get(pk=deliverable.pk),
                reason="视频里的套餐价格是旧的，请按新价格重新剪辑。",
            )
            scene.at(due, 17)
            scene.deliver(Deliverable.objects.get(pk=deliverable.pk), hours=hours)
        scene.at(due + timedelta(days=1), 10)
        scene.accept(deliverable)
    _month_of_gmv(scene, contract, month, quiet=number == 4)  # a rainy month: the GMV target missed
    following = _next_month(month)
    scene.at(following, 0.2)
    sla_check()
    kpis_evaluate(month=month, contract_ids=[contract.pk])
    statements_issue_due(month=month)
    if last:
        return  # the last month's statement waits for the merchant
    statement = Statement.objects.get(contract=contract, period=month)
    if number == 3:  # disputed, recomputed, then confirmed
        scene.at(following + timedelta(days=1), 11)
        statement = statement_dispute(
            actor=scene.merchant_actor, statement=statement, reason="月底两笔退款好像没有扣除，请核对。"
        )
        scene.at(following + timedelta(days=2), 10)
        statement = statement_issue(contract=contract, month=month, actor=scene.owner)
    scene.at(following + timedelta(days=2), 15)
    statement = statement_confirm(actor=scene.merchant_actor, statement=statement)
    scene.at(following + timedelta(days=5), 11)
    statement_mark_paid(actor=scene.owner, statement=statement)


def _month_of_gmv(scene: Scene, contract: Contract, month: date, *, quiet: bool) -> None:
    """Ten to fourteen group-buy orders a day in each store (six to nine in a `quiet` month), ¥98–298,
    about 3 % refunded; recorded by the provider's operator (the API's batch service) at the month's end."""
    stores = list(contract.stores.order_by("pk"))
    records, orders = [], []
    day = month
    while day < _next_month(month):
        for store in stores:
            for _ in range(scene.random.randint(6, 9) if quiet else scene.random.randint(10, 14)):
                number = f"DYDEMO{next(scene.order_numbers):08d}"
                moment = datetime.combine(day, time(10), tzinfo=SHANGHAI) + timedelta(
                    minutes=scene.random.randint(0, 720)
                )
                amount = Decimal(scene.random.choice(["98.00", "128.00", "168.00", "198.00", "238.00", "298.00"]))
                records.append(
                    {
                        "order_no": number,
                        "kind": "order",
                        "store": store.pk,
                        "amount": str(amount),
                        "ordered_at": moment.isoformat(),
                    }
                )
                orders.append((number, store.pk, amount, moment))
        day += timedelta(days=1)
    for number, store_id, amount, moment in orders:
        if scene.random.random() < 0.03:
            records.append(
                {
                    "order_no": f"R{number}",
                    "kind": "refund",
                    "store": store_id,
                    "amount": str(-amount),
                    "ordered_at": (moment + timedelta(hours=1)).isoformat(),
                    "refund_of": number,
                }
            )
    scene.at(rules.month_end(month), 23.5)
    orders_first = [r for r in records if r["kind"] == "order"] + [r for r in records if r["kind"] == "refund"]
    for start in range(0, len(orders_first), 1000):
        gmv_record_batch(actor=scene.ops, records=orders_first[start : start + 1000])


def _other_contracts(scene: Scene, today: date) -> None:
    """宝龙店: a proposal rejected, one withdrawn, one terminated with notice, one running now."""
    baolong = scene.stores[1:2]
    scene.at(today - timedelta(days=130), 10)
    ended = scene.propose(
        scene.bd,
        kind=ContractKind.SPECIALIZED,
        stores=baolong,
        terms={
            "title": "宝龙店探店短视频（季度）",
            "scope": "每两周一条探店短视频。",
            "start_date": today - timedelta(days=125),
            "end_date": today - timedelta(days=35),
            "items": [
                _item(
                    ServiceArea.SHORT_VIDEO,
                    ServiceLevel.CREATIVE,
                    "创意短视频",
                    "1500.00",
                    3,
                    today - timedelta(days=95),
                ),
                _item(
                    ServiceArea.SHORT_VIDEO,
                    ServiceLevel.CREATIVE,
                    "创意短视频（下半程）",
                    "1500.00",
                    3,
                    today - timedelta(days=72),
                ),
            ],
        },
    )
    scene.at(today - timedelta(days=128), 14)
    ended = scene.sign(ended)
    scene.at(today - timedelta(days=125), 0.5)
    contracts_activate_due()
    for deliverable in ended.deliverables.filter(service_item__title="创意短视频").order_by("sequence"):
        scene.at(today - timedelta(days=100), 18)
        scene.deliver(deliverable)
        scene.at(today - timedelta(days=99), 10)
        scene.accept(deliverable)
    # The second half is never delivered: three breaches within 30 days open a compliance case; the
    # merchant gives notice.
    scene.at(today - timedelta(days=69), 6)
    sla_check()
    scene.at(today - timedelta(days=68), 10)
    contract_give_notice(
        actor=scene.merchant_actor,
        contract=Contract.objects.get(pk=ended.pk),
        end_date=today - timedelta(days=38),
        reason="下半程的三条视频都没有按时交付，提前结束合作。",
    )
    scene.at(today - timedelta(days=37), 0.5)
    contracts_end_due()

    scene.at(today - timedelta(days=60), 10)
    rejected = scene.propose(
        scene.bd,
        kind=ContractKind.SPECIALIZED,
        stores=baolong,
        terms={
            "title": "宝龙店国庆节日直播",
            "start_date": today - timedelta(days=55),
            "end_date": today - timedelta(days=50),
            "items": [
                _item(
                    ServiceArea.LIVESTREAM,
                    ServiceLevel.CREATIVE,
                    "节日主题直播",
                    "6800.00",
                    2,
                    today - timedelta(days=50),
                )
            ],
        },
    )
    scene.at(today - timedelta(days=58), 20)
    contract_reject(actor=scene.merchant_actor, contract=rejected, reason="预算不够，下个季度再考虑。")

    scene.at(today - timedelta(days=40), 10)
    withdrawn = scene.propose(
        scene.bd,
        kind=ContractKind.SPECIALIZED,
        stores=baolong,
        terms={
            "title": "宝龙店团购上架",
            "start_date": today - timedelta(days=35),
            "end_date": today - timedelta(days=20),
            "items": [
                _item(
                    ServiceArea.STORE_OPS, ServiceLevel.BASIC, "团购套餐上架", "500.00", 1, today - timedelta(days=25)
                )
            ],
        },
    )
    scene.at(today - timedelta(days=39), 9)
    contract_cancel(actor=scene.bd, contract=withdrawn, reason="报价单位写错了，撤回后重新报价。")

    scene.at(today - timedelta(days=12), 10)
    running = scene.propose(
        scene.bd,
        kind=ContractKind.SPECIALIZED,
        stores=baolong,
        terms={
            "title": "宝龙店周末直播",
            "scope": "每周末一场门店直播，含主播和场控。",
            "start_date": today - timedelta(days=10),
            "end_date": today + timedelta(days=20),
            "items": [
                _item(
                    ServiceArea.LIVESTREAM,
                    ServiceLevel.VALUE_ADDED,
                    "周末直播",
                    "2500.00",
                    2,
                    today - timedelta(days=3),
                ),
                _item(
                    ServiceArea.LIVESTREAM,
                    ServiceLevel.VALUE_ADDED,
                    "月末直播",
                    "2500.00",
                    1,
                    today + timedelta(days=10),
                ),
            ],
        },
    )
    scene.at(today - timedelta(days=11), 15)
    running = scene.sign(running)
    scene.at(today - timedelta(days=10), 0.5)
    contracts_activate_due()
    first = running.deliverables.filter(service_item__title="周末直播").order_by("sequence").first()
    scene.at(today - timedelta(days=1), 21)  # awaiting the merchant's acceptance
    scene.deliver(first)
    scene.at(today, 0.4)
    sla_check()  # the second weekend livestream is more than a day late: a breach


def _beta_proposal(scene: Scene, today: date) -> None:
    """The merchant asked 贝塔服务商 about 望京店; 贝塔 answered with a proposal to sign."""
    scene.at(today - timedelta(days=3), 11)
    request = request_send(
        actor=scene.merchant_actor,
        provider=scene.beta,
        stores=scene.stores[2:3],
        mode=CooperationMode.SPECIALIZED,
        message="望京店想拍几条种草短视频，面向周边写字楼白领。",
    )
    scene.at(today - timedelta(days=2), 10)
    beta_owner = scene.member(scene.beta, "owner@beta.test")
    scene.propose(
        beta_owner,
        kind=ContractKind.SPECIALIZED,
        stores=scene.stores[2:3],
        request=request,
        terms={
            "title": "望京店种草短视频",
            "scope": "两条写字楼白领向的种草短视频，含达人出镜一次。",
            "start_date": today + timedelta(days=1),
            "end_date": today + timedelta(days=30),
            "items": [
                _item(
                    ServiceArea.SHORT_VIDEO,
                    ServiceLevel.VALUE_ADDED,
                    "种草短视频",
                    "1200.00",
                    2,
                    today + timedelta(days=21),
                )
            ],
        },
    )


def _rfq_providers(demo) -> list[Provider]:
    """Two more providers serving 福州市 in 餐饮, each with its owner."""
    fuzhou = ServiceCity.objects.filter(name="福州市").first()
    dining = Track.objects.filter(slug="dining").first()
    providers = []
    for name, credit_code, email, display_name in RFQ_PROVIDERS:
        provider, created = Provider.objects.get_or_create(credit_code=credit_code, defaults={"name": name})
        Membership.objects.get_or_create(
            provider=provider, user=demo.user(email, display_name), defaults={"role": Role.OWNER}
        )
        if created:
            provider.introduction = f"{name}：福州本地餐饮门店的短视频与团购运营团队。"
            provider.cooperation_modes = [CooperationMode.SPECIALIZED]
            provider.save(update_fields=["introduction", "cooperation_modes"])
            if fuzhou:
                provider.service_cities.set([fuzhou])
            if dining:
                provider.tracks.set([dining])
        standing_create(provider=provider)
        providers.append(provider)
    listing_refresh([provider.pk for provider in providers])
    return providers


def _posted_need(scene: Scene, others: list[Provider], today: date) -> None:
    """宝龙店's anniversary need, open for a week more, with three proposals to compare."""
    city = scene.stores[1].city
    track = Track.objects.filter(categories=scene.stores[1].category).order_by("position").first()
    if track is None:
        return
    scene.at(today - timedelta(days=2), 9)
    rfq = rfq_create(
        actor=scene.merchant_actor,
        title="宝龙店周年庆短视频与团购方案",
        track=track,
        city=city,
        stores=scene.stores[1:2],
        mode=CooperationMode.SPECIALIZED,
        budget_min=Decimal("3000.00"),
        budget_max=Decimal("8000.00"),
        deadline=timezone.now() + timedelta(days=9),
        description="12 月周年庆，想要 3 条短视频和一套周年庆团购套餐，希望 12 月 15 日前上线。",
    )
    bids = [
        (
            scene.bd,
            "6800.00",
            "3 条创意短视频 + 周年庆团购套餐设计上架 + 一场预热直播。",
            "短视频 3 条；团购套餐 2 个；直播 1 场（2 小时）",
            20,
        ),
        (
            scene.member(others[0], "owner@rongcheng.test"),
            "4500.00",
            "3 条探店短视频 + 团购套餐上架。",
            "短视频 3 条；团购套餐 1 个",
            14,
        ),
        (
            scene.member(others[1], "owner@haixia.test"),
            "5200.00",
            "2 条达人探店 + 1 条门店短视频，团购套餐优化。",
            "达人探店 2 条；短视频 1 条；套餐优化",
            18,
        ),
    ]
    for hours, (actor, price, scope, deliverables, days) in enumerate(bids):
        scene.at(today - timedelta(days=1), 10 + hours * 3)
        rfq_propose(
            actor=actor, rfq=rfq, price=Decimal(price), scope=scope, deliverables=deliverables, timeline_days=days
        )
