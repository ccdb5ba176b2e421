"""统一社会信用代码: typed any way a Chinese input method types it, stored in one form, refused by the
database itself when wrong, whatever wrote it."""

import random

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from rest_framework.test import APIClient

from linke.validators import (
    CREDIT_CODE_ALPHABET,
    credit_code_check_character,
    normalize_credit_code,
    validate_credit_code,
)
from providers.forms import ApplicationCompanyForm
from providers.models import Provider, ProviderApplication

from ..factories import ProviderFactory, UserFactory

pytestmark = pytest.mark.django_db

TYPED = [
    ("９１３５０１００Ｍ０００１００Ｙ４３", "full-width, as a Chinese input method types it"),
    ("9135 0100 M000 100Y 43", "spaced as printed on a licence"),
    ("9135\u30000100\u3000M000100Y43", "ideographic spaces"),
    ("91350100-M000100-Y43", "hyphens"),
    ("91350100－M000100—Y43", "full-width hyphen and an em dash"),
    (" 91350100m000100y43\n", "lower case, pasted with whitespace"),
]


@pytest.mark.parametrize(("typed", "how"), TYPED, ids=[how for _typed, how in TYPED])
def test_a_code_typed_any_way_is_read_as_the_same_code(typed, how):
    assert normalize_credit_code(typed) == "91350100M000100Y43"
    validate_credit_code(typed)


@pytest.mark.parametrize(("typed", "how"), TYPED, ids=[how for _typed, how in TYPED])
def test_the_application_form_stores_it_half_width(typed, how):
    form = ApplicationCompanyForm(data={"legal_name": "福州林客科技有限公司", "credit_code": typed})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["credit_code"] == "91350100M000100Y43"
    assert "maxlength" not in str(form["credit_code"])  # the spaced form is longer than 18 characters


def test_the_api_stores_it_half_width(private_media):
    user = UserFactory()
    api = APIClient()
    api.force_login(user)
    response = api.post(reverse("api:application-list"), {"credit_code": TYPED[0][0]}, format="json")
    assert response.status_code == 201, response.json()
    assert ProviderApplication.objects.get(applicant=user).credit_code == "91350100M000100Y43"
    wrong = api.patch(
        reverse("api:application-detail", kwargs={"pk": response.json()["id"]}),
        {"credit_code": "9135 0100 M000 100Y 44"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert (wrong.status_code, wrong.json()["details"]["credit_code"]) == (
        400,
        [
            "The check character is wrong: the last character should be 3, not 4. "
            "Please check the code on the business licence."
        ],
    )


def test_the_admin_stores_it_half_width(client, provider, operator):
    client.force_login(operator)
    url = reverse("admin:providers_provider_change", args=[provider.pk])
    response = client.post(
        url,
        {
            "name": provider.name,
            "credit_code": "９１３１ ００００ ７７５７ ８５５５ ２Ｌ",
            "access_mode": "native",
            "membership_set-TOTAL_FORMS": "0",
            "membership_set-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    provider.refresh_from_db()
    assert provider.credit_code == "91310000775785552L"


# --- The database refuses what no form would let through ---------------------------------------------
@pytest.mark.parametrize(
    "code",
    ["91350100M000100Y44", "91350100I000100Y43", "91350100M000100Y4", ""],
    ids=["check character", "letter I", "17 characters", "empty"],
)
def test_the_database_refuses_a_provider_with_an_invalid_code(code):
    with pytest.raises(IntegrityError, match="provider_credit_code_valid"), transaction.atomic():
        Provider.objects.create(name="绕过表单的服务商", credit_code=code)
    assert not Provider.objects.exists()


def test_the_model_stores_a_valid_code_in_its_one_form_and_raw_sql_cannot_store_another():
    provider = Provider.objects.create(name="直接写入的服务商", credit_code="9135 0100 m000 100y43")
    provider.refresh_from_db()
    assert provider.credit_code == "91350100M000100Y43"
    with pytest.raises(IntegrityError, match="provider_credit_code_valid"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE providers_provider SET credit_code = lower(credit_code) WHERE id = %s", [provider.pk]
            )


def test_the_database_refuses_an_invalid_code_written_by_an_update():
    provider = ProviderFactory()
    with pytest.raises(IntegrityError, match="provider_credit_code_valid"), transaction.atomic():
        Provider.objects.filter(pk=provider.pk).update(credit_code="91350100M000100Y44")
    provider.refresh_from_db()
    assert provider.credit_code != "91350100M000100Y44"


def test_an_application_may_have_no_code_yet_but_not_a_wrong_one(user):
    ProviderApplication.objects.create(applicant=user, credit_code="")
    with pytest.raises(IntegrityError, match="application_credit_code_valid"), transaction.atomic():
        ProviderApplication.objects.create(applicant=UserFactory(), credit_code="91110000600037341K")


def test_full_clean_explains_a_wrong_code_and_normalises_a_right_one():
    provider = Provider(name="校验服务商", credit_code="９１１１００００６０００３７３４１ｌ")
    provider.full_clean()
    assert provider.credit_code == "91110000600037341L"
    provider.credit_code = "91110000600037341K"
    with pytest.raises(ValidationError) as caught:
        provider.full_clean()
    assert caught.value.error_dict["credit_code"][0].code == "credit_code_check"


def test_the_database_and_python_agree_on_every_code():
    """The SQL check and `validate_credit_code` on 3,000 codes: valid ones, one wrong character, and noise."""
    rng = random.Random(2026)
    codes = []
    for _ in range(1000):
        first17 = "".join(rng.choice(CREDIT_CODE_ALPHABET) for _ in range(17))
        valid = first17 + credit_code_check_character(first17)
        position = rng.randrange(18)
        mutated = (
            valid[:position] + rng.choice(CREDIT_CODE_ALPHABET.replace(valid[position], "")) + valid[position + 1 :]
        )
        noise = "".join(rng.choice(CREDIT_CODE_ALPHABET + "IOSVZ") for _ in range(rng.choice([17, 18, 18, 19])))
        codes += [valid, mutated, noise]

    def python_says(code):
        try:
            validate_credit_code(code)
        except ValidationError:
            return False
        return code == normalize_credit_code(code)

    with connection.cursor() as cursor:
        cursor.execute("SELECT code, linke_credit_code_is_valid(code) FROM unnest(%s::text[]) AS code", [codes])
        database_says = dict(cursor.fetchall())
    disagreements = [code for code in codes if database_says[code] != python_says(code)]
    assert disagreements == []
    assert sum(database_says.values()) >= 1000  # the valid third, at least (noise is valid 1 time in 31)
