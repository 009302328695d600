"""Gifts end to end through core's money machinery (test-mode gateway): giving from the room and
after the session, the limits, the mentor's switch, refunds by staff, and the statements."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta
from html import unescape

import pytest
from django.db.models import Sum
from django.utils import timezone

from core import pluginmanager
from core.mentoring.models import MentoringSession
from core.mentoring.services import session_complete
from core.mentoring.tests.factories import session_booked
from core.payments.models import AccountKind, JournalEntry, Payment, PaymentStatus, Posting
from core.payments.selectors import balances_get
from core.realtime.models import Notification
from core.users.tests.factories import totp_code
from core.users.tests.helpers import force_login_verified
from plugins.gifting.models import Gift, GiftJar, GiftStatus

pytestmark = pytest.mark.django_db

ADMIN_PAYMENTS = "/admin/payments/payment/"


@pytest.fixture
def booked(mentor, learner):
    """A confirmed session starting in 5 minutes: the room is open."""
    return session_booked(mentor=mentor, learner=learner)


@pytest.fixture
def gifting_disabled():
    """The plugin's hooks unregistered for one test, as with ``PEERLEARN_PLUGINS`` without it."""
    module = pluginmanager.pm.get_plugin("gifting")
    pluginmanager.pm.unregister(name="gifting")
    yield
    pluginmanager.pm.register(module, name="gifting")


def available(user) -> int:
    return balances_get(user=user)[AccountKind.MENTOR_AVAILABLE]


def ledger_balanced() -> bool:
    """Every journal entry's postings sum to zero (the books balance)."""
    sums = Posting.objects.values("entry_id").annotate(total=Sum("amount_paise")).values_list("total", flat=True)
    return all(total == 0 for total in sums)


def token_of(page: str) -> str:
    return re.search(r'name="token" value="([0-9a-f]{32})"', page).group(1)


def give(client, booking, *, preset="100", custom="", message="", token="", next_url=""):
    data = {"preset": preset, "custom": custom, "message": message, "token": token, "next": next_url}
    return client.post(f"/p/gifting/give/{booking.pk}/", data)


def pay(client, checkout_url: str, action: str = "pay"):
    """On core's checkout page: to the test-mode bank, Pay (or Fail), and back."""
    order_id = checkout_url.strip("/").split("/")[-1]
    callback = f"/pay/{order_id}/return/"
    assert client.get(checkout_url).status_code == 200
    bank = client.post(f"/testmode/checkout/{order_id}/", {"callback": callback, "action": action})
    return client.post(callback, bank.context["fields"])


def text(response) -> str:
    return unescape(response.content.decode())


def notes(user) -> list[tuple[str, str]]:
    return list(Notification.objects.filter(user=user).order_by("pk").values_list("kind", "title"))


# --- In the room --------------------------------------------------------------------------------


def test_the_learner_gifts_from_the_room_and_the_mentor_is_thanked_with_90_percent(
    client, booked, mentor, learner, django_capture_on_commit_callbacks
):
    session, booking = booked
    client.force_login(learner)
    room = client.get(f"/session/{session.room_id}/").content.decode()
    assert 'data-testid="gift-button"' in room and "coming soon" not in room
    for rupees in ("₹50", "₹100", "₹200", "₹500", "Other"):
        assert f"<span>{rupees}</span>" in room
    assert "Gift ₹100 + platform fee ₹10 = ₹110; Meera Mentor receives ₹90" in room
    assert 'target="_blank"' in room  # the call goes on while the learner pays
    token = token_of(room)

    answer = give(client, booking, preset="100", message="Thanks a lot!", token=token, next_url="/ignored")
    assert answer.status_code == 302 and answer["Location"].startswith("/pay/order_")
    gift = Gift.objects.get()
    assert (gift.status, gift.price_paise, gift.amount_paise, gift.mentor_share_paise) == (
        "started",
        10000,
        11000,
        9000,
    )
    assert (gift.learner, gift.mentor, gift.booking_id, gift.message) == (learner, mentor, booking.pk, "Thanks a lot!")

    with django_capture_on_commit_callbacks(execute=True):
        back = pay(client, answer["Location"])
    assert back.status_code == 302
    gift.refresh_from_db()
    assert gift.status == GiftStatus.PAID and gift.paid_at is not None
    payment = Payment.objects.get(purpose="gift")
    assert (payment.status, payment.amount_paise, payment.mentor_id) == (PaymentStatus.CAPTURED, 11000, mentor.pk)
    assert available(mentor) == 9000  # at once: a gift is not a service still to be delivered
    assert ledger_balanced()
    assert ("gifting.gift_received", "Thank you! Asha Learner sent you a gift of ₹100") in notes(mentor)
    assert Notification.objects.get(user=mentor, kind="gifting.gift_received").body.startswith("“Thanks a lot!”")
    assert ("gifting.gift_sent", "₹100 Sent to Meera Mentor") in notes(learner)

    room = client.get(f"/session/{session.room_id}/").content.decode()
    assert "₹100 Sent" in room


def test_a_double_submit_is_one_gift_and_one_payment(client, booked, learner, django_capture_on_commit_callbacks):
    session, booking = booked
    client.force_login(learner)
    token = token_of(client.get(f"/session/{session.room_id}/").content.decode())
    first = give(client, booking, token=token)
    second = give(client, booking, token=token)
    assert first["Location"] == second["Location"]
    assert Gift.objects.count() == 1 and Payment.objects.filter(purpose="gift").count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        pay(client, first["Location"])
        again = give(client, booking, token=token)  # the form sent once more after paying
    assert again.status_code == 302
    assert Payment.objects.get(purpose="gift").status == PaymentStatus.CAPTURED
    assert JournalEntry.objects.filter(reference__startswith="capture:").count() == 2  # the booking's and the gift's


def test_a_failed_payment_leaves_the_gift_unpaid_and_can_be_retried(
    client, booked, mentor, learner, django_capture_on_commit_callbacks
):
    _session, booking = booked
    client.force_login(learner)
    checkout = give(client, booking)["Location"]
    failed = pay(client, checkout, action="fail")
    assert failed["Location"] == checkout
    said = [str(message) for message in client.get(checkout).context["messages"]]
    assert said == ["Gift failed, retry? Nothing was charged. 2 more tries with this method."]
    assert Gift.objects.get().status == GiftStatus.STARTED and available(mentor) == 0
    with django_capture_on_commit_callbacks(execute=True):
        pay(client, checkout)
    assert Gift.objects.get().status == GiftStatus.PAID and available(mentor) == 9000


@pytest.mark.parametrize(
    ("preset", "custom", "error"),
    [
        ("custom", "0", "The smallest gift is ₹10."),
        ("custom", "-5", "The smallest gift is ₹10."),
        ("custom", "10.5", "A gift is a whole number of rupees."),
        ("custom", "10001", "The largest gift is ₹10,000."),
        ("custom", "", "Enter the amount, in whole rupees."),
        ("75", "", "Choose one of the amounts, or Other."),
        ("", "", "Choose an amount."),
        ("custom", "5\x00", "A gift is a whole number of rupees."),
    ],
)
def test_bad_amounts_are_refused_clearly_and_write_nothing(client, booked, learner, preset, custom, error):
    _session, booking = booked
    client.force_login(learner)
    answer = give(client, booking, preset=preset, custom=custom)
    assert answer.status_code == 400
    assert error in text(answer)
    assert not Gift.objects.exists() and not Payment.objects.filter(purpose="gift").exists()


def test_a_custom_amount_and_its_cost_line(client, booked, learner):
    _session, booking = booked
    client.force_login(learner)
    line = client.get("/p/gifting/preview/", {"rupees": "250", "mentor": "Meera"}).content.decode()
    assert line == "Gift ₹250 + platform fee ₹25 = ₹275; Meera receives ₹225"
    assert "whole rupees from ₹10" in client.get("/p/gifting/preview/", {"rupees": "2.5"}).content.decode()
    answer = give(client, booking, preset="custom", custom="250")
    assert answer.status_code == 302 and Gift.objects.get().price_paise == 25000


def test_only_the_confirmed_learner_of_the_session_gifts(client, booked, mentor, learner, other_learner):
    _session, booking = booked
    client.force_login(other_learner)
    assert give(client, booking).status_code == 404  # someone else's booking
    client.force_login(mentor)
    assert give(client, booking).status_code == 403  # mentors do not gift
    assert not Gift.objects.exists()


def test_before_the_room_opens_and_after_seven_days_gifts_are_refused(
    client, mentor, learner, django_capture_on_commit_callbacks
):
    session, booking = session_booked(mentor=mentor, learner=learner, starts_in=timedelta(hours=3))
    client.force_login(learner)
    early = give(client, booking)
    assert early.status_code == 400 and "Gifts open with the room" in text(early)

    MentoringSession.objects.filter(pk=session.pk).update(
        starts_at=timezone.now() - timedelta(hours=2), ends_at=timezone.now() - timedelta(hours=1)
    )
    session_complete(session=session)
    page = client.get(f"/bookings/{booking.pk}/").content.decode()
    assert 'data-testid="gift-after"' in page and "Thank Meera Mentor with a gift" in page
    assert give(client, booking).status_code == 302  # within the 7 days

    MentoringSession.objects.filter(pk=session.pk).update(completed_at=timezone.now() - timedelta(days=7, minutes=1))
    assert 'data-testid="gift-after"' not in client.get(f"/bookings/{booking.pk}/").content.decode()
    late = give(client, booking, token="")
    assert late.status_code == 400 and "closed 7 days after it ended" in text(late)
    assert Gift.objects.count() == 1


def test_five_gifts_per_session_at_most(client, booked, learner, django_capture_on_commit_callbacks):
    _session, booking = booked
    client.force_login(learner)
    for _ in range(5):
        with django_capture_on_commit_callbacks(execute=True):
            pay(client, give(client, booking, preset="50")["Location"])
    sixth = give(client, booking, preset="50")
    assert sixth.status_code == 400
    assert "You have sent the most gifts one session can take (5)." in text(sixth)
    assert Gift.objects.filter(status=GiftStatus.PAID).count() == 5 and Gift.objects.count() == 5


def test_a_daily_cap_per_learner(client, booked, learner, settings):
    settings.GIFTS_PER_DAY_MAX_PAISE = 30_000  # ₹300
    _session, booking = booked
    client.force_login(learner)
    assert give(client, booking, preset="200").status_code == 302  # an open checkout counts too
    over = give(client, booking, preset="200")
    assert over.status_code == 400
    assert "That is over today's gift limit: you can send up to ₹100 more today." in text(over)
    assert give(client, booking, preset="100").status_code == 302
    full = give(client, booking, preset="50")
    assert "You have reached today's gift limit." in text(full)


def test_a_mentor_who_turns_gifts_off_gets_none(client, booked, mentor, learner):
    session, booking = booked
    client.force_login(mentor)
    profile = client.get("/profile/").content.decode()
    assert 'data-testid="gift-settings"' in profile and 'name="accepts_gifts" checked' in profile
    assert client.post("/p/gifting/settings/", {}).status_code == 302  # the box unticked
    assert GiftJar.objects.get(mentor=mentor).accepts_gifts is False

    client.force_login(learner)
    assert 'data-testid="gift-button"' not in client.get(f"/session/{session.room_id}/").content.decode()
    refused = give(client, booking)
    assert refused.status_code == 400 and "Meera Mentor does not take gifts." in text(refused)
    assert client.post("/p/gifting/settings/", {"accepts_gifts": "on"}).status_code == 403  # a learner has no jar

    client.force_login(mentor)
    client.post("/p/gifting/settings/", {"accepts_gifts": "on"})
    client.force_login(learner)
    assert 'data-testid="gift-button"' in client.get(f"/session/{session.room_id}/").content.decode()


def test_the_mentor_has_no_gift_button(client, booked, mentor):
    session, _booking = booked
    client.force_login(mentor)
    assert 'data-testid="gift-button"' not in client.get(f"/session/{session.room_id}/").content.decode()


# --- Statements, refunds, off and on ------------------------------------------------------------


def _paid_gift(client, booking, learner, callbacks, *, preset="100", message=""):
    client.force_login(learner)
    with callbacks(execute=True):
        pay(client, give(client, booking, preset=preset, message=message)["Location"])
    return Gift.objects.get(status=GiftStatus.PAID)


def test_gifts_show_in_the_mentors_statement_and_csv_and_the_learners_payments(
    client, booked, mentor, learner, django_capture_on_commit_callbacks
):
    _session, booking = booked
    _paid_gift(client, booking, learner, django_capture_on_commit_callbacks)
    payments = client.get("/dashboard/learner/payments/").content.decode()
    assert "Gift" in payments and "₹110" in payments
    client.force_login(mentor)
    statement = client.get("/dashboard/mentor/earnings/").content.decode()
    assert "Gift" in statement and "₹90" in statement
    rows = list(csv.reader(io.StringIO(client.get("/dashboard/mentor/earnings.csv").content.decode())))
    gift_rows = [row for row in rows if row[2].startswith("Gift: A gift for Meera Mentor")]
    assert len(gift_rows) == 1 and gift_rows[0][4:7] == ["100.00", "10.00", "90.00"]


def test_staff_refund_a_gift_and_both_people_are_told(
    client, booked, mentor, learner, staff, django_capture_on_commit_callbacks
):
    _session, booking = booked
    gift = _paid_gift(client, booking, learner, django_capture_on_commit_callbacks)
    payment = Payment.objects.get(purpose="gift")
    force_login_verified(client, staff)
    assert gift.reference in client.get("/admin/gifting/gift/").content.decode()
    change = client.get(f"/admin/gifting/gift/{gift.pk}/change/").content.decode()
    assert f'href="{ADMIN_PAYMENTS}{payment.pk}/refund/"' in change
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"{ADMIN_PAYMENTS}{payment.pk}/refund/",
            {"amount": "110", "reason": "Sent twice by mistake", "otp_token": totp_code(staff)},
        )
    gift.refresh_from_db()
    assert (gift.status, gift.refunded_paise) == (GiftStatus.REFUNDED, 11000)
    assert available(mentor) == 0 and ledger_balanced()
    assert ("gifting.gift_refunded", "Gift refunded: ₹110") in notes(learner)
    assert ("gifting.gift_refunded", "Gift refunded: ₹110") in notes(mentor)
    told = Notification.objects.get(user=learner, kind="gifting.gift_refunded").body
    assert "Why: Sent twice by mistake" in told


def test_staff_refund_part_of_a_gift(client, booked, mentor, learner, staff, django_capture_on_commit_callbacks):
    _session, booking = booked
    gift = _paid_gift(client, booking, learner, django_capture_on_commit_callbacks, preset="200")  # ₹220 paid
    payment = Payment.objects.get(purpose="gift")
    force_login_verified(client, staff)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"{ADMIN_PAYMENTS}{payment.pk}/refund/",
            {"amount": "110", "reason": "Half, as agreed", "otp_token": totp_code(staff)},
        )
    gift.refresh_from_db()
    assert (gift.status, gift.refunded_paise) == (GiftStatus.PAID, 11000)  # still a gift, half of it back
    assert available(mentor) == 18000 - 9000 and ledger_balanced()
    assert ("gifting.gift_refunded", "Gift refunded: ₹110") in notes(learner)
    assert "Why: Half, as agreed" in Notification.objects.get(user=mentor, kind="gifting.gift_refunded").body


def test_without_the_plugin_the_button_goes(client, booked, learner, gifting_disabled):
    session, _booking = booked
    client.force_login(learner)
    response = client.get(f"/session/{session.room_id}/")
    assert response.status_code == 200 and 'data-testid="gift-button"' not in text(response)


def test_past_gifts_keep_their_label_while_the_plugin_is_off(
    client, booked, learner, django_capture_on_commit_callbacks
):
    _session, booking = booked
    _paid_gift(client, booking, learner, django_capture_on_commit_callbacks)
    module = pluginmanager.pm.get_plugin("gifting")
    pluginmanager.pm.unregister(name="gifting")
    try:
        payments = client.get("/dashboard/learner/payments/").content.decode()
        assert "Gift" in payments and "₹110" in payments
    finally:
        pluginmanager.pm.register(module, name="gifting")
