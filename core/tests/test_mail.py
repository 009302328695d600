"""``core/mail.py``: every email the app sends says PeerLearn and links to ``SITE_URL``."""

from __future__ import annotations

from pathlib import Path

import allauth
import pytest
from allauth.account.adapter import get_adapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.core import mail
from django.template.loader import render_to_string
from django.test import override_settings

from core.bookings.services import booking_accept
from core.bookings.tests.factories import book_and_pay
from core.mail import email_url
from core.mentoring.tests.factories import approved_mentor, session_make
from core.payments.models import Payment

pytestmark = pytest.mark.django_db

SITE = "https://peerlearn.example"
ALLAUTH_EMAILS = sorted(
    path.name.removesuffix("_subject.txt")
    for path in (Path(allauth.__file__).parent / "templates" / "account" / "email").glob("*_subject.txt")
)
APP_EMAILS = sorted(
    path.stem
    for path in (Path(settings.BASE_DIR) / "templates" / "emails").glob("*.txt")
    if not path.stem.startswith("_")
)


def _says_peerlearn_at_site(subject: str, body: str) -> None:
    assert subject.startswith("[PeerLearn] "), subject
    assert "PeerLearn" in body
    assert SITE in body, body
    assert "localhost" not in subject + body and "testserver" not in body, body


@override_settings(SITE_URL=SITE)
@pytest.mark.parametrize("prefix", ALLAUTH_EMAILS)
def test_every_account_email_says_peerlearn_and_links_to_the_site(rf, learner, prefix):
    """Sent from a request on another host (a developer's localhost:8101, a proxy's inner name)."""
    request = rf.get("/accounts/", HTTP_HOST="localhost:8101")
    request.user = learner
    with allauth_context.request_context(request):
        get_adapter(request).send_mail(
            f"account/email/{prefix}",
            learner.email,
            {
                "user": learner,
                "code": "ABCD-EFGH",
                "key": "k",
                "password_reset_url": "http://localhost:8101/accounts/password/reset/key/k/",
                "signup_url": "http://localhost:8101/accounts/signup/",
                "activate_url": "http://localhost:8101/accounts/confirm-email/k/",
                "from_email": learner.email,
                "to_email": "new@example.com",
                "deleted_email": "old@example.com",
                "ip": "203.0.113.9",
                "user_agent": "Firefox",
                "timestamp": "now",
            },
        )
    message = mail.outbox[-1]
    _says_peerlearn_at_site(message.subject, message.body)


@override_settings(SITE_URL=SITE)
@pytest.mark.parametrize("template", APP_EMAILS)
def test_every_notification_email_says_peerlearn_and_links_to_the_site(learner, template):
    mentor = approved_mentor()
    session = session_make(mentor=mentor)
    booking = book_and_pay(session, learner)
    booking_accept(booking=booking, mentor=mentor)
    payment = Payment.objects.filter(booking=booking).first()
    context = {
        "user": learner,
        "booking": booking,
        "session": session,
        "mentor": mentor,
        "learner": learner,
        "payment": payment,
        "url": f"{SITE}/bookings/{booking.pk}/",
        "site_url": settings.SITE_URL,
        "subject": "Subject",
        "timezone_name": "Asia/Kolkata",
        "title": "Title",
        "body": "Body",
    }
    for extension in ("txt", "html"):
        body = render_to_string(f"emails/{template}.{extension}", context)
        _says_peerlearn_at_site("[PeerLearn] Subject", body)


@override_settings(SITE_URL="http://localhost:8000/")
def test_a_local_site_url_is_kept_as_it_is():
    assert (
        email_url("http://testserver/accounts/signup/?next=/x/#y")
        == "http://localhost:8000/accounts/signup/?next=/x/#y"
    )
    assert email_url("/profile/") == "http://localhost:8000/profile/"


@pytest.mark.parametrize(("count", "text"), [(1, "1 mentor<"), (2, "2 mentors<")])
def test_counts_agree_with_their_nouns(count, text):
    """ "1 mentors" on the landing's count pill (the live script says the same, see live.js)."""
    html = render_to_string(
        "components/card_row.html",
        {
            "row": "mentors",
            "heading": "Best mentors",
            "count": count,
            "count_label": "mentor",
            "count_label_plural": "mentors",
        },
    )
    assert text in html
