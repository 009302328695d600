"""Every API route × every persona → the expected status, with bearer tokens as apps send them.

The API's own matrix (the web's is core/tests/test_access_matrix.py): a route of ``/api/v1/``
without a row here fails the first test. GET for every route; POST too for every route that acts
on someone's object, so that another person is refused there (404: it is not theirs to know of;
403: theirs, but not their role's to do). Plugins' routes count while their plugin is enabled.
"""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from core.api.tests.helpers import bearer
from core.tests.routes import url_routes

PERSONAS = ("anonymous", "learner", "other_learner", "mentor", "other_mentor", "staff")


def _all(anonymous, learner, mentor, staff) -> dict:
    return {
        "anonymous": anonymous,
        "learner": learner,
        "other_learner": learner,
        "mentor": mentor,
        "other_mentor": mentor,
        "staff": staff,
    }


def _each(anonymous, learner, other_learner, mentor, other_mentor, staff) -> dict:
    return dict(zip(PERSONAS, (anonymous, learner, other_learner, mentor, other_mentor, staff), strict=True))


POST_ONLY = _all(401, 405, 405, 405)  # GET on a POST-only route, signed in or not
# route -> (path, GET statuses, POST statuses or None). "{session}", "{booking}", "{order}" and
# "{mentor}" are ``matrix_objects``: a public session of ``mentor`` and ``learner``'s booking of it
# (in checkout, its test-mode order open).
MATRIX = {
    "api/v1/auth/token/": ("/api/v1/auth/token/", _all(405, 405, 405, 405), None),
    "api/v1/auth/token/second-factor/": ("/api/v1/auth/token/second-factor/", _all(405, 405, 405, 405), None),
    "api/v1/auth/token/refresh/": ("/api/v1/auth/token/refresh/", _all(405, 405, 405, 405), None),
    "api/v1/auth/logout/": ("/api/v1/auth/logout/", _all(405, 405, 405, 405), None),
    # An account from an app: signing up, emailed codes, passwords, two-factor
    "api/v1/auth/signup/": ("/api/v1/auth/signup/", _all(405, 405, 405, 405), None),
    "api/v1/auth/email/verify/": ("/api/v1/auth/email/verify/", _all(405, 405, 405, 405), None),
    "api/v1/auth/email/code/": ("/api/v1/auth/email/code/", _all(405, 405, 405, 405), None),
    "api/v1/auth/password/reset/": ("/api/v1/auth/password/reset/", _all(405, 405, 405, 405), None),
    "api/v1/auth/password/reset/confirm/": ("/api/v1/auth/password/reset/confirm/", _all(405, 405, 405, 405), None),
    "api/v1/me/password/": ("/api/v1/me/password/", POST_ONLY, None),
    "api/v1/me/two-factor/": ("/api/v1/me/two-factor/", _all(401, 200, 200, 200), None),
    "api/v1/me/two-factor/setup/": ("/api/v1/me/two-factor/setup/", POST_ONLY, None),
    "api/v1/me/two-factor/confirm/": ("/api/v1/me/two-factor/confirm/", POST_ONLY, None),
    "api/v1/me/two-factor/disable/": ("/api/v1/me/two-factor/disable/", POST_ONLY, None),
    "api/v1/me/two-factor/recovery-codes/": ("/api/v1/me/two-factor/recovery-codes/", POST_ONLY, None),
    "api/v1/me/avatar/": ("/api/v1/me/avatar/", POST_ONLY, None),  # PUT and DELETE
    "api/v1/me/intro-video/": ("/api/v1/me/intro-video/", _all(401, 403, 200, 403), None),
    "api/v1/me/": ("/api/v1/me/", _all(401, 200, 200, 200), None),
    "api/v1/me/progress/": ("/api/v1/me/progress/", _all(401, 200, 403, 403), None),
    "api/v1/me/settings/": ("/api/v1/me/settings/", _all(401, 200, 200, 200), None),
    "api/v1/sessions/": ("/api/v1/sessions/", _all(200, 200, 200, 200), None),
    "api/v1/sessions/<int:pk>/": ("/api/v1/sessions/{session}/", _all(200, 200, 200, 200), None),
    "api/v1/mentors/": ("/api/v1/mentors/", _all(200, 200, 200, 200), None),
    "api/v1/mentors/<int:pk>/": ("/api/v1/mentors/{mentor}/", _all(200, 200, 200, 200), None),
    # A learner's own bookings, a mentor's bookings of their sessions; anybody else's: 404
    "api/v1/bookings/": ("/api/v1/bookings/", _all(401, 200, 200, 200), None),
    "api/v1/bookings/<int:pk>/": ("/api/v1/bookings/{booking}/", _each(401, 200, 404, 200, 404, 404), None),
    "api/v1/bookings/<int:pk>/checkout/": (
        "/api/v1/bookings/{booking}/checkout/",
        POST_ONLY,
        _each(401, 200, 404, 403, 404, 404),
    ),
    "api/v1/bookings/<int:pk>/payment/": (
        "/api/v1/bookings/{booking}/payment/",
        POST_ONLY,
        _each(401, 400, 404, 403, 404, 404),  # the learner's own: 400, no answer fields sent
    ),
    "api/v1/bookings/<int:pk>/payment-failed/": (
        "/api/v1/bookings/{booking}/payment-failed/",
        POST_ONLY,
        _each(401, 200, 404, 403, 404, 404),
    ),
    "api/v1/bookings/<int:pk>/cancel/": (
        "/api/v1/bookings/{booking}/cancel/",
        POST_ONLY,
        _each(401, 200, 404, 403, 404, 404),
    ),
    "api/v1/bookings/<int:pk>/accept/": (
        "/api/v1/bookings/{booking}/accept/",
        POST_ONLY,
        _each(401, 403, 404, 409, 404, 404),  # the mentor's: 409, the learner has not paid yet
    ),
    "api/v1/bookings/<int:pk>/reject/": (
        "/api/v1/bookings/{booking}/reject/",
        POST_ONLY,
        _each(401, 403, 404, 409, 404, 404),
    ),
    # After a completed session (the matrix's booking is in checkout: nothing to say yet, 204)
    "api/v1/bookings/<int:pk>/after/": ("/api/v1/bookings/{booking}/after/", _each(401, 204, 404, 204, 404, 404), None),
    "api/v1/bookings/<int:pk>/report/": (
        "/api/v1/bookings/{booking}/report/",
        POST_ONLY,
        _each(401, 400, 404, 403, 404, 404),  # the learner's own: 400, no reason given
    ),
    "api/v1/bookings/<int:pk>/went-as-booked/": (
        "/api/v1/bookings/{booking}/went-as-booked/",
        POST_ONLY,
        _each(401, 400, 404, 403, 404, 404),
    ),
    "api/v1/bookings/<int:pk>/feedback/": (
        "/api/v1/bookings/{booking}/feedback/",
        POST_ONLY,
        _each(401, 400, 404, 403, 404, 404),
    ),
    # A session's keepsakes, for the two people of its confirmed booking (the matrix's is in checkout)
    "api/v1/bookings/<int:pk>/recordings/": (
        "/api/v1/bookings/{booking}/recordings/",
        _each(401, 200, 404, 200, 404, 404),
        _each(401, 403, 404, 403, 404, 404),  # only the mentor of a confirmed booking records
    ),
    "api/v1/bookings/<int:pk>/recordings/<int:recording>/": (
        "/api/v1/bookings/{booking}/recordings/999999/",
        _each(401, 404, 404, 404, 404, 404),
        None,
    ),
    "api/v1/bookings/<int:pk>/room/": ("/api/v1/bookings/{booking}/room/", _each(401, 200, 404, 200, 404, 404), None),
    "api/v1/bookings/<int:pk>/recordings/<int:recording>/chunks/": (
        "/api/v1/bookings/{booking}/recordings/999999/chunks/",
        POST_ONLY,
        _each(401, 404, 404, 404, 404, 404),
    ),
    "api/v1/bookings/<int:pk>/recordings/<int:recording>/finish/": (
        "/api/v1/bookings/{booking}/recordings/999999/finish/",
        POST_ONLY,
        _each(401, 404, 404, 404, 404, 404),
    ),
    "api/v1/bookings/<int:pk>/board.png": (
        "/api/v1/bookings/{booking}/board.png",
        _each(401, 404, 404, 404, 404, 404),
        None,
    ),
    "api/v1/receipts/": ("/api/v1/receipts/", _all(401, 200, 200, 200), None),
    "api/v1/receipts/<int:pk>/": ("/api/v1/receipts/999999/", _all(401, 404, 404, 404), None),
    # A mentor's own sessions, earnings and withdrawals (staff, role admin, are not mentors: 403)
    "api/v1/mentor/sessions/": ("/api/v1/mentor/sessions/", _all(401, 403, 200, 403), None),
    "api/v1/mentor/sessions/<int:pk>/": (
        "/api/v1/mentor/sessions/{session}/",
        _each(401, 403, 403, 200, 404, 403),
        None,
    ),
    "api/v1/mentor/sessions/<int:pk>/cancel/": (
        "/api/v1/mentor/sessions/{session}/cancel/",
        _all(401, 403, 405, 403),
        _each(401, 403, 403, 200, 404, 403),
    ),
    "api/v1/mentor/earnings/": ("/api/v1/mentor/earnings/", _all(401, 403, 200, 403), None),
    "api/v1/mentor/earnings/statement/": ("/api/v1/mentor/earnings/statement/", _all(401, 403, 200, 403), None),
    "api/v1/mentor/earnings/statement.csv": ("/api/v1/mentor/earnings/statement.csv", _all(401, 403, 200, 403), None),
    "api/v1/mentor/analytics/": ("/api/v1/mentor/analytics/", _all(401, 403, 200, 403), None),
    "api/v1/mentor/withdrawals/": ("/api/v1/mentor/withdrawals/", _all(401, 403, 200, 403), None),
    # Everyone signed in has their own notifications
    "api/v1/notifications/": ("/api/v1/notifications/", _all(401, 200, 200, 200), None),
    "api/v1/notifications/unread-count/": ("/api/v1/notifications/unread-count/", _all(401, 200, 200, 200), None),
    "api/v1/notifications/read/": ("/api/v1/notifications/read/", POST_ONLY, None),
    # Plugins (present while the plugin is enabled). Gifts: the learner's own booking's window
    "api/v1/p/gifting/bookings/<int:booking_id>/": (
        "/api/v1/p/gifting/bookings/{booking}/",
        _each(401, 200, 404, 403, 403, 403),
        None,
    ),
    "api/v1/p/gifting/bookings/<int:booking_id>/gifts/": (
        "/api/v1/p/gifting/bookings/{booking}/gifts/",
        POST_ONLY,
        None,
    ),
    "api/v1/p/gifting/preview/": ("/api/v1/p/gifting/preview/?rupees=100", _all(401, 200, 200, 200), None),
    "api/v1/p/gifting/gifts/sent/": ("/api/v1/p/gifting/gifts/sent/", _all(401, 200, 200, 200), None),
    "api/v1/p/gifting/gifts/received/": ("/api/v1/p/gifting/gifts/received/", _all(401, 200, 200, 200), None),
    "api/v1/p/gifting/gifts/<int:pk>/": ("/api/v1/p/gifting/gifts/999999/", _all(401, 404, 404, 404), None),
    "api/v1/p/gifting/gifts/<int:pk>/payment/": ("/api/v1/p/gifting/gifts/999999/payment/", POST_ONLY, None),
    "api/v1/p/gifting/gifts/<int:pk>/payment-failed/": (
        "/api/v1/p/gifting/gifts/999999/payment-failed/",
        POST_ONLY,
        None,
    ),
    "api/v1/p/gifting/settings/": ("/api/v1/p/gifting/settings/", _all(401, 403, 200, 403), None),
    "api/v1/p/gamification/me/": ("/api/v1/p/gamification/me/", _all(401, 200, 200, 200), None),
    "api/v1/p/recommendations/sessions/": ("/api/v1/p/recommendations/sessions/", _all(401, 200, 403, 403), None),
    "api/v1/p/recommendations/sessions/<int:session_id>/dismiss/": (
        "/api/v1/p/recommendations/sessions/{session}/dismiss/",
        POST_ONLY,
        None,
    ),
    # The forum reads publicly, as on the web; writing needs a token
    "api/v1/p/forum/boards/": ("/api/v1/p/forum/boards/", _all(200, 200, 200, 200), None),
    "api/v1/p/forum/boards/<slug:slug>/threads/": (
        "/api/v1/p/forum/boards/general/threads/",
        _all(200, 200, 200, 200),
        None,
    ),
    "api/v1/p/forum/threads/<int:pk>/": ("/api/v1/p/forum/threads/999999/", _all(404, 404, 404, 404), None),
    "api/v1/p/forum/threads/<int:pk>/posts/": ("/api/v1/p/forum/threads/999999/posts/", POST_ONLY, None),
    "api/v1/p/forum/boards/<slug:slug>/follow/": ("/api/v1/p/forum/boards/general/follow/", POST_ONLY, None),
    "api/v1/p/forum/threads/<int:pk>/follow/": ("/api/v1/p/forum/threads/999999/follow/", POST_ONLY, None),
    "api/v1/p/forum/posts/<int:pk>/flag/": ("/api/v1/p/forum/posts/999999/flag/", POST_ONLY, None),
    "api/v1/p/forum/posts/<int:pk>/answer/": ("/api/v1/p/forum/posts/999999/answer/", POST_ONLY, None),
    "api/v1/p/forum/posts/<int:pk>/": ("/api/v1/p/forum/posts/999999/", POST_ONLY, None),  # PATCH
    "api/v1/p/forum/search/": ("/api/v1/p/forum/search/?q=django", _all(200, 200, 200, 200), None),
    "api/v1/testmode/orders/<slug:order_id>/pay/": (
        "/api/v1/testmode/orders/{order}/pay/",
        POST_ONLY,
        _each(401, 200, 404, 404, 404, 404),
    ),
}


def api_routes() -> set[str]:
    return {route for route, _module in url_routes() if route.startswith("api/v1/")}


def test_every_api_route_has_a_row():
    missing = api_routes() - set(MATRIX)
    assert not missing, f"API routes without a row in the API's access matrix: {sorted(missing)}"


def test_the_walk_finds_the_api():
    routes = api_routes()
    assert "api/v1/bookings/<int:pk>/accept/" in routes and "api/v1/auth/token/" in routes


def _cases():
    routes = api_routes()
    for route, (path, on_get, on_post) in MATRIX.items():
        if route not in routes:
            continue
        for persona in PERSONAS:
            yield pytest.param(path, "get", persona, on_get[persona], id=f"GET {route} {persona}")
            if on_post is not None:
                yield pytest.param(path, "post", persona, on_post[persona], id=f"POST {route} {persona}")


@pytest.fixture
def matrix_objects(learner, mentor) -> dict:
    from core.bookings.services import booking_checkout_start
    from core.mentoring.tests.factories import session_make
    from core.users.services import mentor_approve

    mentor_approve(mentor=mentor)
    session = session_make(mentor=mentor, hours_from_now=72)
    booking, payment, _order = booking_checkout_start(session=session, learner=learner)
    return {"session": session.pk, "booking": booking.pk, "order": payment.razorpay_order_id, "mentor": mentor.pk}


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "method", "persona", "status"), list(_cases()))
def test_access(request, matrix_objects, path, method, persona, status):
    client = APIClient() if persona == "anonymous" else bearer(request.getfixturevalue(persona))
    path = path.format(**matrix_objects)
    response = getattr(client, method)(path, format="json")
    assert response.status_code == status, f"{persona} {method.upper()} {path}: {response.content[:300]!r}"
    if status >= 400:
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["status"] == status


@pytest.mark.django_db
def test_an_expired_or_forged_token_is_401_everywhere_signed_in(learner, matrix_objects):
    forged = APIClient()
    forged.credentials(HTTP_AUTHORIZATION="Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl")
    for route, (path, on_get, _on_post) in MATRIX.items():
        if route in api_routes() and on_get["anonymous"] == 401:
            response = forged.get(path.format(**matrix_objects))
            assert response.status_code == 401, path
            assert response.json()["code"] == "token_not_valid"
