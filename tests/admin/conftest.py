import pytest
from django.test import Client


@pytest.fixture
def chinese_operator_client(operator):
    """The operators' admin as it is read by default: in Chinese."""
    client = Client(headers={"accept-language": "zh-hans"})
    client.force_login(operator)
    return client
