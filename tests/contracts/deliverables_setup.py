"""Rows the deliverables tests share: a store, full-operation and specialized contracts, clients."""

from datetime import date

import pytest

from contracts.choices import ContractKind
from providers.choices import Role

from ..conftest import client_for
from ..factories import StoreFactory
from ..factories.contracts import make_contract


@pytest.fixture
def store(merchant, cities, categories):
    return StoreFactory(merchant=merchant, city=cities[0], category=categories["hotpot"])


@pytest.fixture
def full_contract(provider, merchant, store):
    """Full operation from 2027-01-01 to 2027-06-30 (a GMV target and 4 videos a month)."""
    return make_contract(
        provider,
        merchant,
        stores=[store],
        kind=ContractKind.FULL_OPERATION,
        start=date(2027, 1, 1),
        end=date(2027, 6, 30),
    )


@pytest.fixture
def specialized(provider, merchant, store):
    return make_contract(provider, merchant, stores=[store])


@pytest.fixture
def operator_member(member):
    return member(Role.OPERATOR)


@pytest.fixture
def operator_client(operator_member):
    return client_for(operator_member)


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082"
)
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00"
LINK = "https://www.douyin.com/video/7300000000000000001"


def upload(name="report.pdf", content=PDF, content_type="application/pdf"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type=content_type)


def actor_of(membership):
    from linke.actors import Actor

    return Actor.member(membership)


def merchant_actor(merchant):
    from linke.actors import Actor

    return Actor.for_merchant(merchant, user=merchant.owner)


def fresh(deliverable):
    from linke.tenancy import all_providers

    with all_providers():
        deliverable.refresh_from_db()
    return deliverable
