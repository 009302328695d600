"""Signing in with tokens: lifetimes, rotation, logout's blacklist, the two-factor step, and the
web's rules (lockout, unconfirmed email, blocked people, a changed password)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

from core.users.services import user_block, user_password_change
from core.users.tests.factories import totp_code, user_make

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token/"
REFRESH = "/api/v1/auth/token/refresh/"
SECOND = "/api/v1/auth/token/second-factor/"
LOGOUT = "/api/v1/auth/logout/"


def sign_in(client, user, password):
    return client.post(TOKEN, {"email": user.email, "password": password}, format="json")


def me(access: str):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    return client.get("/api/v1/me/")


def test_a_password_gives_a_short_access_token_and_a_longer_refresh_token(learner, password):
    answer = sign_in(APIClient(), learner, password)
    assert answer.status_code == 200
    access, refresh = AccessToken(answer.json()["access"]), RefreshToken(answer.json()["refresh"])
    assert access["sub"] == str(learner.pk) and refresh["sub"] == str(learner.pk)
    assert access["exp"] - access["iat"] == 10 * 60
    assert refresh["exp"] - refresh["iat"] == 14 * 24 * 3600
    assert me(answer.json()["access"]).json()["email"] == "asha@example.com"


def test_an_access_token_stops_working_when_it_expires(learner):
    token = AccessToken.for_user(learner)
    token.set_exp(from_time=timezone.now() - timedelta(minutes=11), lifetime=timedelta(minutes=10))
    refused = me(str(token))
    assert refused.status_code == 401 and refused.json()["code"] == "token_not_valid"


def test_a_wrong_password_is_refused_with_the_webs_words(learner):
    refused = sign_in(APIClient(), learner, "not the password")
    assert refused.status_code == 401
    assert refused.json()["detail"] == "The email address and/or password you specified are not correct."


def test_five_wrong_passwords_lock_the_account_from_that_address(learner, password):
    client = APIClient()
    for _ in range(5):
        sign_in(client, learner, "wrong wrong wrong")
    locked = sign_in(client, learner, password)  # even the right one, as on the web
    assert locked.status_code == 429 and locked["Content-Type"] == "application/problem+json"
    assert locked.json()["code"] == "locked_out"
    assert sign_in(client, learner, password).json()["code"] == "locked_out"


def test_someone_who_has_not_confirmed_their_email_is_told_to(db, password):
    person = user_make(email="new@example.com", registered=False)
    refused = sign_in(APIClient(), person, password)
    assert refused.status_code == 403 and refused.json()["code"] == "not_registered"


def test_refresh_rotates_and_the_old_refresh_token_is_refused(learner, password):
    first = sign_in(APIClient(), learner, password).json()
    second = APIClient().post(REFRESH, {"refresh": first["refresh"]}, format="json")
    assert second.status_code == 200 and second.json()["refresh"] != first["refresh"]
    again = APIClient().post(REFRESH, {"refresh": first["refresh"]}, format="json")
    assert again.status_code == 401 and again.json()["code"] == "token_not_valid"
    assert me(second.json()["access"]).status_code == 200


def test_logout_blacklists_the_refresh_token_and_everywhere_blacklists_them_all(learner, password):
    phone, laptop = sign_in(APIClient(), learner, password).json(), sign_in(APIClient(), learner, password).json()
    assert APIClient().post(LOGOUT, {"refresh": phone["refresh"]}, format="json").status_code == 204
    assert APIClient().post(REFRESH, {"refresh": phone["refresh"]}, format="json").status_code == 401
    assert APIClient().post(REFRESH, {"refresh": laptop["refresh"]}, format="json").status_code == 200
    tablet = sign_in(APIClient(), learner, password).json()
    everywhere = {"refresh": tablet["refresh"], "everywhere": True}
    assert APIClient().post(LOGOUT, everywhere, format="json").status_code == 204
    for refresh in (laptop["refresh"], tablet["refresh"]):
        assert APIClient().post(REFRESH, {"refresh": refresh}, format="json").status_code == 401


def test_two_factor_asks_for_a_code_before_any_token(learner, password):
    code = totp_code(learner)  # turns two-factor on
    first = sign_in(APIClient(), learner, password)
    assert first.status_code == 202
    assert set(first.json()) == {"second_factor_required", "ticket", "detail"}
    ticket = first.json()["ticket"]
    wrong = APIClient().post(SECOND, {"ticket": ticket, "code": "000000"}, format="json")
    assert wrong.status_code == 400 and "access" not in wrong.json()
    right = APIClient().post(SECOND, {"ticket": ticket, "code": totp_code(learner)}, format="json")
    assert right.status_code == 200 and me(right.json()["access"]).status_code == 200
    assert code and APIClient().post(SECOND, {"ticket": ticket, "code": "12"}, format="json").status_code == 400


def test_a_forged_or_stale_ticket_is_refused(learner, password):
    totp_code(learner)
    forged = APIClient().post(SECOND, {"ticket": "x" * 40, "code": totp_code(learner)}, format="json")
    assert forged.status_code == 401 and forged.json()["code"] == "bad_ticket"
    ticket = sign_in(APIClient(), learner, password).json()["ticket"]
    user_password_change(user=learner, password="a brand new passphrase 42")
    stale = APIClient().post(SECOND, {"ticket": ticket, "code": totp_code(learner)}, format="json")
    assert stale.status_code == 401 and stale.json()["code"] == "ticket_expired"


def test_a_changed_password_voids_tokens_made_before(learner, password):
    pair = sign_in(APIClient(), learner, password).json()
    user_password_change(user=learner, password="a brand new passphrase 42")
    assert me(pair["access"]).status_code == 401
    refused = APIClient().post(REFRESH, {"refresh": pair["refresh"]}, format="json")
    assert refused.status_code == 401 and refused.json()["code"] == "password_changed"


def test_a_blocked_person_is_refused_at_once(learner, password):
    pair = sign_in(APIClient(), learner, password).json()
    user_block(user=learner)
    assert me(pair["access"]).status_code == 401
    assert APIClient().post(REFRESH, {"refresh": pair["refresh"]}, format="json").status_code == 401
    assert sign_in(APIClient(), learner, password).status_code == 401


def test_sign_in_is_throttled_per_address(db):
    client = APIClient()
    attempt = {"email": "nobody-{n}@example.com", "password": "guess"}  # many accounts: no lockout
    statuses = [
        client.post(TOKEN, {**attempt, "email": attempt["email"].format(n=n)}, format="json").status_code
        for n in range(22)
    ]
    assert statuses == [401] * 20 + [429] * 2  # 20 a minute
    throttled = client.post(TOKEN, {"email": "x@example.com", "password": "guess"}, format="json")
    assert throttled.json()["code"] == "throttled" and int(throttled["Retry-After"]) > 0
