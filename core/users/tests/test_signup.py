"""Registration end to end through the Django test client: form, emailed code, dashboard."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from core import hooks
from core.users.adapter import AccountAdapter
from core.users.models import LearnerProfile, MentorProfile, Role, User
from core.users.tests.helpers import code_from_outbox

pytestmark = pytest.mark.django_db

SIGNUP_URL = "/accounts/signup/"
CONFIRM_URL = reverse("account_email_verification_sent")
NEW_PASSWORD = "a-Long-enough-passphrase"


def _learner_data(**overrides) -> dict:
    return {
        "role": "learner",
        "email": "neha@example.com",
        "password1": NEW_PASSWORD,
        "name": "Neha Learner",
        "interests": "Python, Data Science",
        "career_goals": "Get a data job",
        **overrides,
    }


def _mentor_data(**overrides) -> dict:
    return {
        "role": "mentor",
        "email": "ravi@example.com",
        "password1": NEW_PASSWORD,
        "name": "Ravi Mentor",
        "domains": "Programming",
        "skills": "Python, Django",
        "bio": "Ten years of web work.",
        **overrides,
    }


@pytest.fixture
def registered_signals():
    """Every ``user_registered`` signal sent during the test, as the list of users."""
    received = []

    def receiver(sender, user, **kwargs):
        received.append(user)

    hooks.user_registered.connect(receiver, dispatch_uid="test-signup-registered")
    yield received
    hooks.user_registered.disconnect(dispatch_uid="test-signup-registered")


def test_signup_page_renders(client):
    response = client.get(SIGNUP_URL)

    assert response.status_code == 200
    form = response.context["form"]
    assert {"role", "email", "password1", "name", "interests", "domains", "skills", "bio"} <= set(form.fields)


def test_learner_registers_with_emailed_code_and_lands_on_dashboard(
    client, django_capture_on_commit_callbacks, registered_signals
):
    response = client.post(SIGNUP_URL, _learner_data())

    assert response.status_code == 302
    assert response["Location"] == CONFIRM_URL
    user = User.objects.get(email="neha@example.com")
    assert user.role == Role.LEARNER
    assert user.name == "Neha Learner"
    assert user.registered_at is None
    assert user.check_password(NEW_PASSWORD)
    assert not EmailAddress.objects.get(user=user).verified
    assert "_auth_user_id" not in client.session

    code = code_from_outbox(to="neha@example.com")
    assert client.get(CONFIRM_URL).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(CONFIRM_URL, {"code": code})

    assert response.status_code == 302
    assert response["Location"] == "/dashboard/learner/"
    assert client.session["_auth_user_id"] == str(user.pk)
    user.refresh_from_db()
    assert user.registered_at is not None
    assert EmailAddress.objects.get(user=user).verified
    profile = LearnerProfile.objects.get(user=user)
    assert profile.interests == ["Python", "Data Science"]
    assert profile.career_goals == "Get a data job"
    assert not MentorProfile.objects.filter(user=user).exists()
    assert [u.pk for u in registered_signals] == [user.pk]
    assert client.get(response["Location"]).status_code == 200


def test_mentor_registers_and_lands_on_mentor_dashboard(client, django_capture_on_commit_callbacks):
    response = client.post(SIGNUP_URL, _mentor_data())
    assert response.status_code == 302

    code = code_from_outbox(to="ravi@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(CONFIRM_URL, {"code": code})

    assert response.status_code == 302
    assert response["Location"] == "/dashboard/mentor/"
    user = User.objects.get(email="ravi@example.com")
    assert user.role == Role.MENTOR
    assert user.registered_at is not None
    profile = MentorProfile.objects.get(user=user)
    assert profile.domains == ["Programming"]
    assert profile.skills == ["Python", "Django"]
    assert profile.bio == "Ten years of web work."
    assert profile.is_approved is False
    assert not LearnerProfile.objects.filter(user=user).exists()
    assert client.get("/dashboard/mentor/").status_code == 200


def test_email_is_stored_lower_case(client):
    client.post(SIGNUP_URL, _learner_data(email="  Neha.K@Example.COM "))

    assert User.objects.filter(email="neha.k@example.com").exists()


def test_taken_email_is_refused_with_email_taken(client, learner):
    response = client.post(SIGNUP_URL, _learner_data(email=learner.email))

    assert response.status_code == 200
    assert response.context["form"].errors["email"] == [AccountAdapter.error_messages["email_taken"]]
    assert AccountAdapter.error_messages["email_taken"].startswith("Email taken")
    assert User.objects.filter(email=learner.email).count() == 1
    assert mail.outbox == []


def test_taken_email_in_other_case_is_refused(client, learner):
    response = client.post(SIGNUP_URL, _learner_data(email=learner.email.upper()))

    assert response.status_code == 200
    assert "email" in response.context["form"].errors
    assert User.objects.filter(email__iexact=learner.email).count() == 1


def test_wrong_code_is_refused_with_invalid_code(client, django_capture_on_commit_callbacks, registered_signals):
    client.post(SIGNUP_URL, _learner_data())
    code = code_from_outbox(to="neha@example.com")
    wrong = "BBBB-BBBB" if code != "BBBB-BBBB" else "CCCC-CCCC"

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(CONFIRM_URL, {"code": wrong})

    assert response.status_code == 200
    assert response.context["form"].errors["code"] == [AccountAdapter.error_messages["incorrect_code"]]
    assert AccountAdapter.error_messages["incorrect_code"].startswith("Invalid code")
    user = User.objects.get(email="neha@example.com")
    assert user.registered_at is None
    assert "_auth_user_id" not in client.session
    assert registered_signals == []

    # The right code still works afterwards.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(CONFIRM_URL, {"code": code})
    assert response["Location"] == "/dashboard/learner/"


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (_learner_data(role=""), "role", "Choose Learner or Mentor to continue."),
        (_learner_data(interests=""), "interests", "Tell us at least one thing you want to learn."),
        (_mentor_data(skills=""), "skills", "Add at least one skill you teach."),
        (_mentor_data(domains=" , "), "domains", "Add at least one domain."),
    ],
)
def test_role_details_are_required(client, data, field, message):
    response = client.post(SIGNUP_URL, data)

    assert response.status_code == 200
    assert message in response.context["form"].errors[field]
    assert not User.objects.exists()


def test_weak_password_is_refused(client):
    response = client.post(SIGNUP_URL, _learner_data(password1="12345678"))

    assert response.status_code == 200
    assert response.context["form"].errors["password1"]
    assert not User.objects.exists()


def test_admin_role_cannot_be_chosen(client):
    response = client.post(SIGNUP_URL, _learner_data(role="admin"))

    assert response.status_code == 200
    assert "role" in response.context["form"].errors
    assert not User.objects.exists()


def test_typo_suggestions_block_the_first_submit(client):
    response = client.post(SIGNUP_URL, _learner_data(email="neha@gmial.com", interests="Pyth, Django"))

    assert response.status_code == 200
    form = response.context["form"]
    assert form.suggestions == {"email": "neha@gmail.com", "interests": {"Pyth": "Python"}}
    assert form.non_field_errors()
    assert not User.objects.exists()
    assert mail.outbox == []


def test_mentor_typo_suggestions_cover_domains_and_skills(client):
    response = client.post(SIGNUP_URL, _mentor_data(domains="Programing", skills="Djang, SQL"))

    form = response.context["form"]
    assert form.suggestions == {"domains": {"Programing": "Programming"}, "skills": {"Djang": "Django"}}
    assert not User.objects.exists()


def test_submitting_again_keeps_exactly_what_was_typed(client, django_capture_on_commit_callbacks):
    data = _learner_data(email="neha@gmial.com", interests="Pyth, Django")
    client.post(SIGNUP_URL, data)

    response = client.post(SIGNUP_URL, {**data, "suggestions_seen": "1"})

    assert response.status_code == 302
    user = User.objects.get()
    assert user.email == "neha@gmial.com"
    assert user.learner_profile.interests == ["Pyth", "Django"]
    code = code_from_outbox(to="neha@gmial.com")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(CONFIRM_URL, {"code": code})
    assert response["Location"] == "/dashboard/learner/"


def test_accepting_a_suggestion_registers_the_corrected_values(client):
    client.post(SIGNUP_URL, _learner_data(email="neha@gmial.com", interests="Pyth"))

    response = client.post(SIGNUP_URL, _learner_data(email="neha@gmail.com", interests="Python", suggestions_seen="1"))

    assert response.status_code == 302
    user = User.objects.get()
    assert user.email == "neha@gmail.com"
    assert user.learner_profile.interests == ["Python"]


def test_no_suggestions_means_no_extra_step(client):
    response = client.post(SIGNUP_URL, _learner_data())

    assert response.status_code == 302
