"""``core/users/lockout.py``: the address a failed login counts against, with and without proxies."""

from __future__ import annotations

import pytest
from django.test import RequestFactory, override_settings

from core.users.lockout import client_ip_address, login_identifier


def _request(remote="203.0.113.7", forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().post("/accounts/login/", **extra)


def test_without_a_trusted_proxy_a_forged_header_is_ignored():
    assert client_ip_address(_request(forwarded="198.51.100.1")) == "203.0.113.7"


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_one_load_balancer_the_address_it_saw_counts():
    # The client wrote the first entry itself; the balancer appended the real one.
    request = _request(remote="10.0.0.2", forwarded="198.51.100.1, 192.0.2.55")
    assert client_ip_address(request) == "192.0.2.55"


@override_settings(TRUSTED_PROXY_COUNT=2)
def test_behind_two_proxies_the_outermost_ones_view_counts():
    request = _request(remote="10.0.0.2", forwarded="198.51.100.1, 192.0.2.55, 10.0.0.1")
    assert client_ip_address(request) == "192.0.2.55"


@pytest.mark.parametrize("forwarded", [None, "", "not-an-address", " , "])
@override_settings(TRUSTED_PROXY_COUNT=1)
def test_a_missing_or_broken_header_falls_back_to_the_connection(forwarded):
    assert client_ip_address(_request(remote="10.0.0.2", forwarded=forwarded)) == "10.0.0.2"


def test_the_login_identifier_is_the_email_in_lower_case():
    assert login_identifier(None, {"email": "  Asha@Example.com "}) == "asha@example.com"
    assert login_identifier(_request(), None) is None
