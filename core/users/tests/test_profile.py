"""The Profile and Settings tabs (``/profile/``, ``/profile/settings/``): forms, services, selectors.

Everything goes through the real views, forms, services and database; uploads are real files
(a PNG made with Pillow, an MP4 header) stored under a temporary MEDIA_ROOT.
"""

from __future__ import annotations

import inspect
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from PIL import Image

from core import pluginmanager
from core.payments.models import DestinationKind
from core.payments.services import withdrawal_request
from core.realtime.services import notification_settings_update
from core.users import services
from core.users.forms import timezone_choices
from core.users.models import LearnerProfile, MentorProfile, PayoutKind, User
from core.users.selectors import payout_destination_get
from core.users.tests.factories import totp_code
from core.users.tests.helpers import force_login_verified

pytestmark = pytest.mark.django_db

PROFILE, SETTINGS, SECURITY = "/profile/", "/profile/settings/", "/profile/security/"
MP4_HEAD = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 64


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


def _png(name: str = "me.png", size: tuple[int, int] = (8, 8)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (255, 87, 52)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def _mp4(name: str = "hello.mp4") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, MP4_HEAD, content_type="video/mp4")


def _mentor_post(**overrides) -> dict:
    data = {
        "name": "Meera Rao",
        "bio": "I teach backend development.",
        "domains": "Programming",
        "skills": "Python, Django",
        "suggestions_seen": "1",
    }
    data.update(overrides)
    return data


def _learner_post(**overrides) -> dict:
    data = {"name": "Asha Rao", "interests": "Python, SQL", "career_goals": "Data analyst", "suggestions_seen": "1"}
    data.update(overrides)
    return data


def _bank(**overrides) -> dict:
    data = {
        "timezone": "Asia/Kolkata",
        "payout_kind": "bank_account",
        "payout_account_name": "Meera Rao",
        "payout_ifsc": "hdfc0001234",
        "payout_account_number": "5010 0123 4567 89",
        "payout_vpa": "",
    }
    data.update(overrides)
    return data


def _texts(response) -> str:
    return response.content.decode()


# --- Rendering and access -------------------------------------------------------------------


@pytest.mark.parametrize("url", [PROFILE, SETTINGS, SECURITY])
@pytest.mark.parametrize("persona", ["learner", "mentor", "staff"])
def test_every_tab_renders_for_everyone_signed_in(client, request, url, persona):
    user = request.getfixturevalue(persona)
    (force_login_verified if persona == "staff" else type(client).force_login)(client, user)

    response = client.get(url)

    assert response.status_code == 200
    page = _texts(response)
    assert user.email in page
    assert 'id="profile-main"' in page and "hx-history-elt" in page
    # Real links, which htmx turns into swaps of #profile-main that push the address.
    for href in (PROFILE, SETTINGS, SECURITY):
        assert f'href="{href}" hx-get="{href}" hx-target="#profile-main" hx-select="#profile-main"' in page
    assert page.count('aria-current="page"') >= 1


@pytest.mark.parametrize("url", [PROFILE, SETTINGS, SECURITY])
def test_anonymous_people_are_sent_to_log_in(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url}"


def test_the_current_tab_is_marked(client, mentor):
    client.force_login(mentor)

    page = _texts(client.get(SETTINGS))

    assert 'id="profile-tab-settings" href="/profile/settings/"' in page
    current = page.split('id="profile-tab-settings"', 1)[1].split(">", 1)[0]
    assert 'aria-current="page"' in current
    assert "<title>Settings · Your profile · PeerLearn</title>" in page


def test_a_mentor_sees_mentor_fields_and_a_learner_learner_fields(client, learner, mentor):
    client.force_login(mentor)
    page = _texts(client.get(PROFILE))
    assert 'name="bio"' in page and 'name="skills"' in page and 'name="intro_video"' in page
    assert 'name="interests"' not in page

    client.force_login(learner)
    page = _texts(client.get(PROFILE))
    assert 'name="interests"' in page and 'name="career_goals"' in page
    assert 'name="bio"' not in page and 'name="intro_video"' not in page


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code in (200, 403)
    return len(queries)


@pytest.mark.parametrize(
    ("persona", "other_role_page"), [("learner", "/dashboard/mentor/"), ("mentor", "/dashboard/learner/")]
)
@pytest.mark.parametrize(("url", "own_queries"), [(PROFILE, 1), (SETTINGS, 3), (SECURITY, 1)])
def test_each_tab_costs_a_fixed_number_of_queries(
    client, request, persona, other_role_page, url, own_queries, other_learner, other_mentor
):
    """The frame (the signed-in user, the header) is measured on the 403 page, which renders the
    same base template. The Profile tab adds the role profile; Settings the role profile, the
    notification choices and the calendar feed's address; Security the TOTP devices. Whatever
    anyone has saved, it stays so."""
    user = request.getfixturevalue(persona)
    client.force_login(user)
    _queries(client, url)  # warm up: the session's first use
    frame = _queries(client, other_role_page)

    # Enabled plugins may add to the profile (badges, sections): at most one query each.
    contributors = len(pluginmanager.pm.hook.profile_badges.get_hookimpls()) + len(
        pluginmanager.pm.hook.profile_sections.get_hookimpls()
    )
    measured = _queries(client, url)
    assert frame + own_queries <= measured <= frame + own_queries + contributors

    for other in (user, other_learner, other_mentor):
        services.totp_device_start(user=other)
        notification_settings_update(
            user=other,
            timezone_name="Europe/London",
            notifications={"session_starting": {"email": False, "in_app": False}, "chat_message": {"in_app": False}},
        )
    services.payout_destination_update(mentor=other_mentor, kind="vpa", account_name="Nikhil", vpa="nikhil@okaxis")
    assert _queries(client, url) == measured


# --- Profile tab ----------------------------------------------------------------------------


def test_a_learner_saves_name_interests_and_goals(client, learner):
    client.force_login(learner)

    response = client.post(PROFILE, _learner_post())

    assert response.status_code == 302
    assert response["Location"] == PROFILE
    learner.refresh_from_db()
    profile = LearnerProfile.objects.get(user=learner)
    assert learner.name == "Asha Rao"
    assert profile.interests == ["Python", "SQL"]
    assert profile.career_goals == "Data analyst"
    page = client.get(PROFILE)
    assert [str(message) for message in page.context["messages"]] == ["Profile saved"]
    assert 'value="Python, SQL"' in _texts(page)


def test_a_mentor_saves_bio_domains_skills_picture_and_intro_video(client, mentor, media_root):
    client.force_login(mentor)

    response = client.post(PROFILE, {**_mentor_post(), "avatar": _png(), "intro_video": _mp4()})

    assert response.status_code == 302
    mentor.refresh_from_db()
    profile = MentorProfile.objects.get(user=mentor)
    assert mentor.name == "Meera Rao"
    assert profile.bio == "I teach backend development."
    assert profile.domains == ["Programming"]
    assert profile.skills == ["Python", "Django"]
    assert mentor.avatar.name.startswith(f"avatars/{mentor.pk}/")
    assert profile.intro_video.name.startswith(f"intro-videos/{mentor.pk}/")
    assert (media_root / profile.intro_video.name).read_bytes() == MP4_HEAD
    page = _texts(client.get(PROFILE))
    # The saved video plays in a preview; the picture shows in the header, the heading and the form.
    assert f'<video class="video-preview__player" controls preload="metadata" src="{profile.intro_video.url}"' in page
    assert page.count(f'src="{mentor.avatar.url}"') == 3


def test_a_new_picture_replaces_the_old_file(client, mentor, media_root, django_capture_on_commit_callbacks):
    client.force_login(mentor)
    client.post(PROFILE, {**_mentor_post(), "avatar": _png("first.png")})
    mentor.refresh_from_db()
    first = media_root / mentor.avatar.name

    with django_capture_on_commit_callbacks(execute=True):
        client.post(PROFILE, {**_mentor_post(), "avatar": _png("second.png")})

    mentor.refresh_from_db()
    assert mentor.avatar.name.endswith("second.png")
    assert not first.exists()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(PROFILE, {**_mentor_post(), "remove_avatar": "on"})
    mentor.refresh_from_db()
    assert not mentor.avatar


def test_a_file_that_is_not_a_video_is_refused_and_nothing_is_saved(client, mentor):
    client.force_login(mentor)
    fake = SimpleUploadedFile("hello.mp4", b"this is a text file, not a video", content_type="video/mp4")

    response = client.post(PROFILE, {**_mentor_post(name="Typed Name", bio="Typed bio"), "intro_video": fake})

    assert response.status_code == 200
    assert response.context["form"].errors["intro_video"] == ["This file is not an MP4, WebM or MOV video."]
    page = _texts(response)
    assert 'value="Typed Name"' in page and "Typed bio</textarea>" in page  # what was typed stays
    assert "Choose the file again." in page
    mentor.refresh_from_db()
    profile = MentorProfile.objects.get(user=mentor)
    assert mentor.name == "Meera Mentor"
    assert profile.bio == "" and not profile.intro_video


def test_a_picture_over_the_limit_is_refused(client, settings, learner):
    settings.MAX_AVATAR_BYTES = 100
    client.force_login(learner)

    response = client.post(PROFILE, {**_learner_post(), "avatar": _png(size=(64, 64))})

    assert response.status_code == 200
    assert "larger than 100" in response.context["form"].errors["avatar"][0]
    learner.refresh_from_db()
    assert not learner.avatar and learner.name == "Asha Learner"


def test_a_video_over_the_limit_is_refused(client, settings, mentor):
    settings.MAX_INTRO_VIDEO_BYTES = 50
    client.force_login(mentor)

    response = client.post(PROFILE, {**_mentor_post(), "intro_video": _mp4()})

    assert response.status_code == 200
    assert "larger than 50" in response.context["form"].errors["intro_video"][0]
    assert not MentorProfile.objects.get(user=mentor).intro_video


def test_a_mentor_needs_a_skill_and_a_domain(client, mentor):
    client.force_login(mentor)

    response = client.post(PROFILE, _mentor_post(skills=" , ", domains=""))

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["skills"] and errors["domains"]
    assert MentorProfile.objects.get(user=mentor).skills == ["Python"]


def test_typos_in_new_skills_are_suggested_first_and_kept_if_the_mentor_insists(client, mentor):
    client.force_login(mentor)
    typed = _mentor_post(skills="Python, Pyhton", domains="Programming, Desgin")
    typed.pop("suggestions_seen")

    first = client.post(PROFILE, typed)

    assert first.status_code == 200
    form = first.context["form"]
    assert form.suggestions == {"skills": {"Pyhton": "Python"}, "domains": {"Desgin": "Design"}}
    page = _texts(first)
    assert "Did you mean <strong>Python</strong> for “Pyhton”?" in page
    assert 'name="suggestions_seen" id="id_suggestions_seen" value="1"' in page
    assert MentorProfile.objects.get(user=mentor).skills == ["Python"]  # nothing saved yet

    second = client.post(PROFILE, {**typed, "suggestions_seen": "1"})

    assert second.status_code == 302
    profile = MentorProfile.objects.get(user=mentor)
    assert profile.skills == ["Python", "Pyhton"]  # what was typed, never changed silently
    assert profile.domains == ["Programming", "Desgin"]
    # A term saved on purpose is not questioned again at the next save.
    assert client.post(PROFILE, _mentor_post(skills="Python, Pyhton", suggestions_seen="")).status_code == 302


def test_a_learners_typo_is_suggested_too(client, learner):
    client.force_login(learner)

    response = client.post(PROFILE, _learner_post(interests="Machne Learning", suggestions_seen=""))

    assert response.status_code == 200
    assert response.context["form"].suggestions == {"interests": {"Machne Learning": "Machine Learning"}}


def test_staff_edit_their_name(client, staff):
    force_login_verified(client, staff)

    response = client.post(PROFILE, {"name": "Sara S."})

    assert response.status_code == 302
    staff.refresh_from_db()
    assert staff.name == "Sara S."


def test_nobody_can_see_or_change_someone_elses_profile(client, learner, other_learner, mentor):
    """The pages have no ids in their addresses: they always show and save the signed-in person."""
    client.force_login(other_learner)

    page = _texts(client.get(PROFILE))
    client.post(PROFILE, {**_learner_post(name="Changed"), "user": learner.pk, "email": learner.email})

    assert learner.email not in page and "Asha Learner" not in page
    learner.refresh_from_db()
    other_learner.refresh_from_db()
    assert learner.name == "Asha Learner"
    assert LearnerProfile.objects.get(user=learner).interests == ["Python"]
    assert other_learner.name == "Changed" and other_learner.email == "bilal@example.com"
    assert mentor.email not in _texts(client.get(SETTINGS))


# --- Settings tab: timezone ----------------------------------------------------------------


def test_the_timezone_select_is_grouped_with_the_current_zone_selected(client, learner):
    client.force_login(learner)

    page = _texts(client.get(SETTINGS))

    assert '<optgroup label="Asia">' in page and '<optgroup label="Europe">' in page
    assert '<option value="Asia/Kolkata" selected>Kolkata (UTC+05:30)</option>' in page


def test_a_person_saves_their_timezone(client, learner):
    client.force_login(learner)

    response = client.post(SETTINGS, {"timezone": "Europe/London"})

    assert response.status_code == 302
    assert response["Location"] == SETTINGS
    learner.refresh_from_db()
    assert learner.timezone == "Europe/London"
    page = client.get(SETTINGS)
    assert [str(message) for message in page.context["messages"]] == ["Settings saved"]
    assert '<option value="Europe/London" selected>' in _texts(page)


def test_an_unknown_timezone_is_refused(client, learner):
    client.force_login(learner)

    response = client.post(SETTINGS, {"timezone": "Mars/Olympus_Mons"})

    assert response.status_code == 200
    assert response.context["form"].errors["timezone"]
    learner.refresh_from_db()
    assert learner.timezone == "Asia/Kolkata"


def test_an_older_saved_timezone_name_stays_selectable():
    choices = timezone_choices("US/Eastern")

    assert choices[-1] == ("Other", [("US/Eastern", "US/Eastern")])
    assert ("Asia/Kolkata", "Kolkata (UTC+05:30)") in dict(choices)["Asia"]


def test_learners_have_no_payout_fields(client, learner):
    client.force_login(learner)

    page = _texts(client.get(SETTINGS))
    response = client.post(SETTINGS, {**_bank(), "timezone": "Asia/Kolkata"})

    assert "payout_kind" not in page
    assert response.status_code == 302
    assert payout_destination_get(user=learner) is None


# --- Settings tab: payout destination -----------------------------------------------------------


def test_a_mentor_saves_a_bank_account_and_sees_it_masked(client, mentor):
    client.force_login(mentor)

    response = client.post(SETTINGS, _bank())

    assert response.status_code == 302
    profile = MentorProfile.objects.get(user=mentor)
    assert (profile.payout_kind, profile.payout_ifsc, profile.payout_account_number) == (
        "bank_account",
        "HDFC0001234",
        "50100123456789",
    )
    page = _texts(client.get(SETTINGS))
    assert "Bank account ••••6789 · HDFC0001234" in page
    assert "50100123456789" not in page  # the full number never goes back to the browser
    assert "Saved: ••••6789. Leave empty to keep it" in page


def test_leaving_the_account_number_empty_keeps_the_saved_one(client, mentor):
    client.force_login(mentor)
    client.post(SETTINGS, _bank())

    response = client.post(SETTINGS, _bank(payout_account_number="", payout_ifsc="SBIN0000001"))

    assert response.status_code == 302
    profile = MentorProfile.objects.get(user=mentor)
    assert (profile.payout_ifsc, profile.payout_account_number) == ("SBIN0000001", "50100123456789")


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"payout_ifsc": "HDFC1234567"}, "payout_ifsc", "An IFSC has 11 characters"),
        ({"payout_ifsc": ""}, "payout_ifsc", "An IFSC has 11 characters"),
        ({"payout_account_number": "12ab"}, "payout_account_number", "A bank account number has 9 to 18 digits."),
        ({"payout_account_number": ""}, "payout_account_number", "A bank account number has 9 to 18 digits."),
        ({"payout_account_name": "  "}, "payout_account_name", "Give the account holder's name."),
        ({"payout_kind": "", "payout_vpa": "x@y"}, "payout_kind", "Choose a bank account or UPI."),
        (
            {"payout_kind": "vpa", "payout_vpa": "not-an-address"},
            "payout_vpa",
            "A UPI address looks like name@bank",
        ),
    ],
)
def test_a_bad_payout_destination_is_refused_and_nothing_is_saved(client, mentor, overrides, field, message):
    client.force_login(mentor)

    response = client.post(SETTINGS, _bank(timezone="Europe/London", **overrides))

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors and errors[field][0].startswith(message)
    mentor.refresh_from_db()
    assert mentor.timezone == "Asia/Kolkata"  # the whole tab is saved at once, or not at all
    assert payout_destination_get(user=mentor) is None
    page = _texts(response)
    assert '<option value="Europe/London" selected>' in page  # what was typed stays
    if "payout_account_name" in overrides:
        return
    assert 'value="Meera Rao"' in page


def test_a_mentor_saves_a_upi_address_and_the_bank_fields_are_emptied(client, mentor):
    client.force_login(mentor)
    client.post(SETTINGS, _bank())

    response = client.post(SETTINGS, _bank(payout_kind="vpa", payout_vpa=" meera@okhdfcbank "))

    assert response.status_code == 302
    profile = MentorProfile.objects.get(user=mentor)
    assert (profile.payout_kind, profile.payout_vpa) == ("vpa", "meera@okhdfcbank")
    assert profile.payout_ifsc == "" and profile.payout_account_number == ""
    assert "UPI · meera@okhdfcbank" in _texts(client.get(SETTINGS))


def test_a_mentor_with_no_destination_may_save_only_the_timezone(client, mentor):
    client.force_login(mentor)

    response = client.post(
        SETTINGS, {"timezone": "Asia/Dubai", "payout_kind": "bank_account", "payout_account_name": "Meera"}
    )

    assert response.status_code == 302
    mentor.refresh_from_db()
    assert mentor.timezone == "Asia/Dubai"
    assert payout_destination_get(user=mentor) is None


def test_the_payout_destination_selector_gives_what_withdrawal_request_takes(mentor, django_assert_num_queries):
    services.payout_destination_update(
        mentor=mentor, kind="bank_account", account_name="Meera Rao", ifsc="HDFC0001234", account_number="123456789"
    )

    with django_assert_num_queries(1):
        destination = payout_destination_get(user=mentor)

    assert destination == {
        "destination_kind": "bank_account",
        "account_name": "Meera Rao",
        "ifsc": "HDFC0001234",
        "account_number": "123456789",
        "vpa": "",
    }
    assert set(destination) <= set(inspect.signature(withdrawal_request).parameters)
    # The withdrawal accepts the destination as it is; it refuses only the amount (no balance yet).
    with pytest.raises(ValidationError) as refused:
        withdrawal_request(user=mentor, amount_paise=100_00, otp_token=totp_code(mentor), **destination)
    assert set(refused.value.message_dict) == {"amount_paise"}


def test_the_selector_is_empty_for_learners_and_for_mentors_without_one(learner, mentor, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert payout_destination_get(user=learner) is None
    assert payout_destination_get(user=mentor) is None


def test_payout_kinds_are_the_withdrawals_destination_kinds():
    assert dict(PayoutKind.choices) == dict(DestinationKind.choices)


def test_the_database_refuses_half_a_destination(mentor):
    with pytest.raises(IntegrityError), transaction.atomic():
        MentorProfile.objects.filter(user=mentor).update(payout_kind="bank_account", payout_account_name="M")
    with pytest.raises(IntegrityError), transaction.atomic():
        MentorProfile.objects.filter(user=mentor).update(
            payout_kind="vpa", payout_account_name="M", payout_vpa="m@okaxis", payout_ifsc="HDFC0001234"
        )


def test_only_mentors_have_a_payout_destination(learner):
    with pytest.raises(ValidationError):
        services.payout_destination_update(mentor=learner, kind="vpa", account_name="Asha", vpa="asha@okaxis")


def test_profile_update_checks_files_even_when_called_directly(mentor):
    with pytest.raises(ValidationError) as refused:
        services.profile_update(
            user=mentor,
            name="Meera",
            details={"intro_video": SimpleUploadedFile("x.mp4", b"nope"), "skills": ["Python"]},
        )

    assert "intro_video" in refused.value.message_dict
    assert User.objects.get(pk=mentor.pk).name == "Meera Mentor"
