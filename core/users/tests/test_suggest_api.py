"""``/accounts/suggest/``: the typo suggestions the registration form asks for as you type."""

from __future__ import annotations

import pytest

URL = "/accounts/suggest/"


@pytest.mark.django_db
def test_email_suggestion(client):
    response = client.get(URL, {"email": "a@gmial.com"})

    assert response.status_code == 200
    assert response.json() == {"email": "a@gmail.com", "terms": {}}


@pytest.mark.django_db
def test_term_suggestions(client):
    response = client.get(URL, {"terms": "Pyth,Django"})

    assert response.status_code == 200
    assert response.json() == {"email": None, "terms": {"Pyth": "Python"}}


@pytest.mark.django_db
def test_both_at_once(client):
    response = client.get(URL, {"email": "a@hotmial.com", "terms": " Djang , Cooking "})

    assert response.json() == {"email": "a@hotmail.com", "terms": {"Djang": "Django"}}


@pytest.mark.django_db
def test_nothing_to_suggest(client):
    response = client.get(URL, {"email": "a@example.com", "terms": "Python"})

    assert response.status_code == 200
    assert response.json() == {"email": None, "terms": {}}


@pytest.mark.django_db
@pytest.mark.parametrize("params", [{}, {"email": ""}, {"terms": " , ,"}])
def test_no_parameters_is_a_400_with_a_reason(client, params):
    response = client.get(URL, params)

    assert response.status_code == 400
    assert response.json() == {"error": "Give ?email= or ?terms= to check."}


@pytest.mark.django_db
def test_only_get(client):
    assert client.post(URL, {"email": "a@gmial.com"}).status_code == 405


@pytest.mark.django_db
def test_long_input_is_cut_not_refused(client):
    response = client.get(URL, {"terms": ",".join(["Pyth"] * 400), "email": "a" * 1000 + "@gmial.com"})

    assert response.status_code == 200
    assert response.json()["terms"] == {"Pyth": "Python"}
    assert response.json()["email"] is None  # cut before the domain


@pytest.mark.django_db
def test_works_for_anonymous_and_logged_in(client, learner):
    client.force_login(learner)

    assert client.get(URL, {"terms": "Pyth"}).json()["terms"] == {"Pyth": "Python"}
