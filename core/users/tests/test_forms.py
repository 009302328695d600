"""``core/users/forms.py``: the registration form on its own, without HTTP."""

from __future__ import annotations

import pytest
from django import forms

from core.users.forms import MAX_TERMS, SignupForm, TermsField
from core.users.models import Role

pytestmark = pytest.mark.django_db

PASSWORD = "a-Long-enough-passphrase"


def _form(**data) -> SignupForm:
    base = {
        "email": "neha@example.com",
        "password1": PASSWORD,
        "name": "Neha",
        "role": "learner",
        "interests": "Python",
    }
    return SignupForm(data={**base, **data})


# --- TermsField ------------------------------------------------------------------------------


def test_terms_field_splits_trims_and_deduplicates():
    assert TermsField().clean(" Python, Django,python ,, SQL ") == ["Python", "Django", "SQL"]


def test_terms_field_optional_empty_is_an_empty_list():
    assert TermsField(required=False).clean("") == []


def test_terms_field_required_empty_is_an_error():
    with pytest.raises(forms.ValidationError):
        TermsField().clean("")


def test_terms_field_caps_the_number_of_terms():
    field = TermsField()
    assert len(field.clean(",".join(f"t{n}" for n in range(MAX_TERMS)))) == MAX_TERMS

    with pytest.raises(forms.ValidationError) as error:
        field.clean(",".join(f"t{n}" for n in range(MAX_TERMS + 1)))
    assert error.value.messages == [f"Up to {MAX_TERMS}, please; you typed {MAX_TERMS + 1}."]


def test_terms_field_caps_each_term_at_50_characters():
    field = TermsField()
    assert field.clean("x" * 50) == ["x" * 50]

    with pytest.raises(forms.ValidationError) as error:
        field.clean("Python, " + "x" * 51)
    assert error.value.messages == ["Each one at most 50 characters."]


def test_terms_field_caps_the_whole_text():
    with pytest.raises(forms.ValidationError):
        TermsField().clean("a," * 300)


# --- SignupForm --------------------------------------------------------------------------------


def test_field_order_follows_the_three_steps():
    names = list(SignupForm().fields)

    assert names[:4] == ["role", "email", "password1", "name"]
    assert names.index("interests") < names.index("domains") < names.index("skills") < names.index("bio")
    assert "suggestions_seen" in names


def test_valid_learner_form_and_role_details():
    form = _form(interests="Python, Data Science", career_goals="Analyst", domains="ignored")

    assert form.is_valid(), form.errors
    assert form.suggestions == {}
    assert form.role_details == {"interests": ["Python", "Data Science"], "career_goals": "Analyst"}


def test_valid_mentor_form_and_role_details():
    form = _form(role="mentor", interests="", domains="Programming", skills="Python, SQL", bio="Hi")

    assert form.is_valid(), form.errors
    assert form.role_details == {"domains": ["Programming"], "skills": ["Python", "SQL"], "bio": "Hi"}


def test_mentor_needs_domains_and_skills_but_not_interests():
    form = _form(role="mentor", interests="")

    assert not form.is_valid()
    assert form.errors["skills"] == ["Add at least one skill you teach."]
    assert form.errors["domains"] == ["Add at least one domain."]
    assert "interests" not in form.errors


def test_learner_needs_interests_but_not_skills():
    form = _form(interests=" , ")

    assert not form.is_valid()
    assert form.errors["interests"] == ["Tell us at least one thing you want to learn."]
    assert "skills" not in form.errors


@pytest.mark.parametrize("role", ["", "admin", "teacher"])
def test_only_learner_or_mentor(role):
    form = _form(role=role)

    assert not form.is_valid()
    assert "role" in form.errors


def test_role_choices_offer_no_admin():
    assert [value for value, _ in SignupForm().fields["role"].choices] == [Role.LEARNER, Role.MENTOR]


def test_suggestions_block_the_first_submit():
    form = _form(email="neha@gmial.com", interests="Pyth, SQL")

    assert not form.is_valid()
    assert form.suggestions == {"email": "neha@gmail.com", "interests": {"Pyth": "Python"}}
    assert form.non_field_errors() == [
        "Please check the suggestions below. Accept the ones you like, or submit again to keep what you typed."
    ]


def test_suggestions_seen_lets_the_typed_values_through():
    form = _form(email="neha@gmial.com", interests="Pyth, SQL", suggestions_seen="1")

    assert form.is_valid(), form.errors
    assert form.suggestions == {"email": "neha@gmail.com", "interests": {"Pyth": "Python"}}
    assert form.cleaned_data["email"] == "neha@gmial.com"
    assert form.cleaned_data["interests"] == ["Pyth", "SQL"]


def test_suggestions_are_shown_alongside_other_errors_without_the_extra_message():
    form = _form(email="neha@gmial.com", password1="short")

    assert not form.is_valid()
    assert form.suggestions["email"] == "neha@gmail.com"
    assert form.non_field_errors() == []
    assert "password1" in form.errors


def test_only_the_chosen_roles_fields_are_checked_for_suggestions():
    form = _form(role="learner", interests="Python", skills="Djang")

    assert form.is_valid(), form.errors
    assert form.suggestions == {}


def test_no_role_still_suggests_an_email():
    form = _form(role="", email="neha@gmial.com")

    assert not form.is_valid()
    assert form.suggestions == {"email": "neha@gmail.com"}
