"""Every URL the project defines × every persona → the expected status.

A new URL of ours (core, cms, plugins) without a row here makes this test fail: decide
who may open it, and add the row. Third-party entry points we rely on have rows too.
"""

import pytest

from core.tests.routes import url_routes
from core.users.tests.helpers import force_login_verified

PERSONAS = ("anonymous", "learner", "mentor", "other_learner", "other_mentor", "staff")
OURS = ("core.", "cms.", "plugins.")


def _all(anonymous=None, learner=None, mentor=None, staff=None) -> dict:
    """Expected status for each persona; the "other_" personas behave like their role."""
    return {
        "anonymous": anonymous,
        "learner": learner,
        "other_learner": learner,
        "mentor": mentor,
        "other_mentor": mentor,
        "staff": staff,
    }


def _each(anonymous, learner, other_learner, mentor, other_mentor, staff) -> dict:
    """Expected status for each persona, where the "other_" personas differ (someone else's booking)."""
    return {
        "anonymous": anonymous,
        "learner": learner,
        "other_learner": other_learner,
        "mentor": mentor,
        "other_mentor": other_mentor,
        "staff": staff,
    }


# route (as Django prints it) -> (path to request, expected status per persona)
# "{session}", "{room}" and "{booking}" in a path are filled by ``matrix_objects``: a public
# session of ``mentor``, its room id, and a booking of it owned by ``learner``.
MATRIX = {
    "healthz": ("/healthz", _all(200, 200, 200, 200)),
    "accounts/suggest/": ("/accounts/suggest/?email=a@gmial.com", _all(200, 200, 200, 200)),
    "accounts/two-factor/": ("/accounts/two-factor/", _all(302, 302, 302, 302)),  # only while a code is due
    # Profile pages: everyone signed in, always their own (no ids in the addresses)
    "profile/": ("/profile/", _all(302, 200, 200, 200)),
    "profile/settings/": ("/profile/settings/", _all(302, 200, 200, 200)),
    "profile/security/": ("/profile/security/", _all(302, 200, 200, 200)),
    "dashboard/": ("/dashboard/", _all(302, 302, 302, 302)),
    "dashboard/learner/": ("/dashboard/learner/", _all(302, 200, 403, 403)),
    # The learner's dashboard sections (learners only; their own data only: see core/dashboards/tests)
    "dashboard/learner/browse/": ("/dashboard/learner/browse/?q=pyhton", _all(302, 200, 403, 403)),
    "dashboard/learner/bookings/": ("/dashboard/learner/bookings/", _all(302, 200, 403, 403)),
    "dashboard/learner/bookings/<int:pk>/cancel/": (
        "/dashboard/learner/bookings/{booking}/cancel/",
        _all(405, 405, 405, 405),  # POST only
    ),
    "dashboard/learner/payments/": ("/dashboard/learner/payments/", _all(302, 200, 403, 403)),
    "dashboard/learner/payments/<int:pk>/receipt/": (
        "/dashboard/learner/payments/999999/receipt/",  # another learner's receipt: 404 as well (tested)
        _all(302, 404, 403, 403),
    ),
    "dashboard/learner/progress/": ("/dashboard/learner/progress/", _all(302, 200, 403, 403)),
    "dashboard/mentor/": ("/dashboard/mentor/", _all(302, 403, 200, 403)),
    # The mentor's dashboard sections (mentors only; someone else's session is 404)
    "dashboard/mentor/sessions/": ("/dashboard/mentor/sessions/", _all(302, 403, 200, 403)),
    "dashboard/mentor/sessions/new/": ("/dashboard/mentor/sessions/new/", _all(302, 403, 200, 403)),
    "dashboard/mentor/sessions/price-preview/": (
        "/dashboard/mentor/sessions/price-preview/?price=1000",
        _all(302, 403, 200, 403),
    ),
    "dashboard/mentor/sessions/<int:pk>/edit/": (
        "/dashboard/mentor/sessions/{session}/edit/",
        _each(302, 403, 403, 200, 404, 403),
    ),
    "dashboard/mentor/sessions/<int:pk>/cancel/": (
        "/dashboard/mentor/sessions/{session}/cancel/",
        _all(405, 405, 405, 405),  # POST only
    ),
    "dashboard/mentor/bookings/": ("/dashboard/mentor/bookings/", _all(302, 403, 200, 403)),
    "dashboard/mentor/earnings/": ("/dashboard/mentor/earnings/", _all(302, 403, 200, 403)),
    "dashboard/mentor/earnings.csv": ("/dashboard/mentor/earnings.csv", _all(302, 403, 200, 403)),
    "dashboard/mentor/withdrawals/": ("/dashboard/mentor/withdrawals/", _all(302, 403, 200, 403)),
    "dashboard/mentor/analytics/": ("/dashboard/mentor/analytics/", _all(302, 403, 200, 403)),
    "live/": ("/live/", _all(200, 200, 200, 200)),
    "payments/razorpay/webhook/": ("/payments/razorpay/webhook/", _all(405, 405, 405, 405)),  # POST only
    # Checkout of a payment for a plugin's purpose: its payer only, everyone else 404 (the payer's
    # own: core/payments/tests/test_purpose.py). The matrix's order is a booking's: no purpose page.
    "pay/<slug:order_id>/": ("/pay/{order}/", _all(302, 404, 404, 404)),
    "pay/<slug:order_id>/return/": ("/pay/{order}/return/", _all(302, 404, 404, 404)),
    # Django admin (staff with a verified TOTP device only: the matrix's staff typed their code;
    # a password-only session is refused everywhere: core/tests/test_second_factor_gate.py)
    "admin/payments/journalentry/": ("/admin/payments/journalentry/", _all(302, 302, 302, 200)),
    "admin/": ("/admin/", _all(302, 302, 302, 200)),  # the console's home (core/admin_site.py)
    "admin/plugins/": ("/admin/plugins/", _all(302, 302, 302, 200)),  # the plugins staff page
    # The operator's console (staff; each page checks its own permission: core/console/tests)
    "admin/console/people/block/": ("/admin/console/people/block/?ids={mentor}", _all(302, 302, 302, 200)),
    "admin/console/people/unblock/": ("/admin/console/people/unblock/?ids={mentor}", _all(302, 302, 302, 200)),
    "admin/mentoring/mentoringsession/<path:object_id>/change/": (  # the session's page is its support view
        "/admin/mentoring/mentoringsession/{session}/change/",
        _all(302, 302, 302, 302),
    ),
    "admin/payments/ledgeraccount/<path:object_id>/change/": (  # an account's statement
        "/admin/payments/ledgeraccount/999999/change/",
        _all(302, 302, 302, 404),
    ),
    "admin/console/moneyapproval/<int:pk>/decide/": (  # a second staff member's decision
        "/admin/console/moneyapproval/999999/decide/",
        _all(302, 302, 302, 404),
    ),
    "admin/console/monthlyreport/<int:pk>/csv/": ("/admin/console/monthlyreport/999999/csv/", _all(302, 302, 302, 404)),
    "admin/console/monthlyreport/<int:pk>/pdf/": ("/admin/console/monthlyreport/999999/pdf/", _all(302, 302, 302, 404)),
    "admin/console/monthlyreport/generate/": ("/admin/console/monthlyreport/generate/", _all(302, 302, 302, 200)),
    "admin/console/people/erase/": ("/admin/console/people/erase/?ids={mentor}", _all(302, 302, 302, 200)),
    "admin/console/exportjob/": ("/admin/console/exportjob/", _all(302, 302, 302, 200)),  # one's own exports
    "admin/console/exportjob/<int:pk>/download/": (
        "/admin/console/exportjob/999999/download/",
        _all(302, 302, 302, 404),
    ),
    "admin/console/mentors/queue/": ("/admin/console/mentors/queue/", _all(302, 302, 302, 200)),
    "admin/console/sessions/<int:pk>/": ("/admin/console/sessions/{session}/", _all(302, 302, 302, 200)),
    "admin/console/sessions/<int:pk>/cancel/": ("/admin/console/sessions/{session}/cancel/", _all(302, 302, 302, 200)),
    "admin/console/bookings/<int:pk>/cancel/": ("/admin/console/bookings/{booking}/cancel/", _all(302, 302, 302, 200)),
    "admin/payments/withdrawal/platform/": ("/admin/payments/withdrawal/platform/", _all(302, 302, 302, 200)),
    "admin/bookings/dispute/<int:pk>/settle/": ("/admin/bookings/dispute/1/settle/", _all(302, 302, 302, 404)),
    "admin/payments/payment/<int:pk>/refund/": ("/admin/payments/payment/999999/refund/", _all(302, 302, 302, 404)),
    "styleguide/": ("/styleguide/", _all(404, 404, 404, 200)),
    # Offline test-mode gateway: checkout of one's own order only; payout controls for staff
    "testmode/checkout/<slug:order_id>/": ("/testmode/checkout/order_TESTmissing0000/", _all(302, 404, 404, 404)),
    "testmode/payouts/": ("/testmode/payouts/", _all(302, 403, 403, 200)),
    # Bookings: a learner sees only their own, a mentor only those of their sessions (others: 404)
    "sessions/<int:pk>/": ("/sessions/{session}/", _all(200, 200, 200, 200)),
    # A mentor's public page, for everyone; the short address redirects to it
    "mentors/<int:pk>-<slug:slug>/": ("/mentors/{mentor}-meera-mentor/", _all(200, 200, 200, 200)),
    "mentors/<int:pk>/": ("/mentors/{mentor}/", _all(301, 301, 301, 301)),
    "mentors/<int:pk>/follow/": ("/mentors/{mentor}/follow/", _all(405, 405, 405, 405)),  # POST only
    # For crawlers, public: the sitemap of public pages, and robots.txt
    "robots.txt": ("/robots.txt", _all(200, 200, 200, 200)),
    # A private calendar feed: its secret token is the only key (a wrong one is 404 for everyone)
    "calendar/<slug:token>.ics": ("/calendar/not-a-token.ics", _all(404, 404, 404, 404)),
    "profile/calendar/reset/": ("/profile/calendar/reset/", _all(302, 405, 405, 405)),  # POST only
    "profile/tour/done/": ("/profile/tour/done/", _all(302, 405, 405, 405)),  # POST only
    "sitemap.xml": ("/sitemap.xml", _all(200, 200, 200, 200)),
    # The live room: its mentor and its confirmed learner only (the matrix's learner is still in
    # checkout: 403 with the reason; the mentor, with nobody confirmed yet, reads that it is closed)
    "session/<slug:room_id>/": ("/session/{room}/", _each(302, 403, 403, 200, 403, 403)),
    "session/<slug:room_id>/recordings/": ("/session/{room}/recordings/", _all(302, 405, 405, 405)),  # POST only
    "session/<slug:room_id>/recordings/<int:pk>/": (
        "/session/{room}/recordings/999999/",  # participants' downloads: see core/mentoring/tests
        _all(302, 404, 404, 404),
    ),
    "session/<slug:room_id>/recordings/<int:pk>/chunk/": (
        "/session/{room}/recordings/999999/chunk/",
        _all(302, 405, 405, 405),  # POST only
    ),
    "session/<slug:room_id>/recordings/<int:pk>/finish/": (
        "/session/{room}/recordings/999999/finish/",
        _all(302, 405, 405, 405),  # POST only
    ),
    "session/<slug:room_id>/board.png": ("/session/{room}/board.png", _each(302, 404, 404, 200, 404, 404)),
    "session/<slug:room_id>/chat.txt": ("/session/{room}/chat.txt", _each(302, 404, 404, 200, 404, 404)),
    "session/<slug:room_id>/feedback/": ("/session/{room}/feedback/", _all(302, 403, 403, 403)),
    "bookings/": ("/bookings/", _all(302, 200, 403, 403)),
    "bookings/start/<int:session_pk>/": ("/bookings/start/{session}/", _all(405, 405, 405, 405)),  # POST only
    "bookings/<int:pk>/": ("/bookings/{booking}/", _each(302, 200, 404, 200, 404, 404)),
    "bookings/<int:pk>/pay/": ("/bookings/{booking}/pay/", _all(405, 405, 405, 405)),  # POST only
    "bookings/<int:pk>/return/": ("/bookings/{booking}/return/", _each(302, 302, 404, 404, 404, 404)),
    "bookings/<int:pk>/accept/": ("/bookings/{booking}/accept/", _all(302, 405, 405, 405)),  # POST only
    "bookings/<int:pk>/reject/": ("/bookings/{booking}/reject/", _all(302, 405, 405, 405)),  # POST only
    "bookings/<int:pk>/report/": ("/bookings/{booking}/report/", _all(405, 405, 405, 405)),  # POST only
    "bookings/<int:pk>/went-as-booked/": ("/bookings/{booking}/went-as-booked/", _all(405, 405, 405, 405)),
    # Notifications: everyone signed in has their own (the list never shows anyone else's)
    "notifications/": ("/notifications/", _all(302, 200, 200, 200)),
    "notifications/read/": ("/notifications/read/", _all(302, 405, 405, 405)),  # POST only
    "notifications/catch-up/": ("/notifications/catch-up/?after=0", _all(302, 200, 200, 200)),
    # Plugins (present only while the plugin is enabled)
    # The forum: anyone reads (threads are meant to be found); writing needs an account
    "p/forum/": ("/p/forum/", _all(200, 200, 200, 200)),
    "p/forum/<slug:slug>/": ("/p/forum/general/", _all(200, 200, 200, 200)),
    "p/forum/<slug:slug>/new/": ("/p/forum/general/new/", _all(302, 200, 200, 200)),
    "p/forum/<slug:slug>/follow/": ("/p/forum/general/follow/", _all(405, 405, 405, 405)),  # POST only
    "p/forum/search/": ("/p/forum/search/?q=django", _all(200, 200, 200, 200)),
    "p/forum/t/<int:pk>/follow/": ("/p/forum/t/999999/follow/", _all(405, 405, 405, 405)),  # POST only
    "p/forum/t/<int:pk>-<slug:slug>/": ("/p/forum/t/999999-none/", _all(404, 404, 404, 404)),
    "p/forum/t/<int:pk>/": ("/p/forum/t/999999/", _all(404, 404, 404, 404)),
    "p/forum/t/<int:pk>/reply/": ("/p/forum/t/999999/reply/", _all(405, 405, 405, 405)),  # POST only
    "p/forum/t/<int:pk>/moderate/": ("/p/forum/t/999999/moderate/", _all(405, 405, 405, 405)),  # POST only
    "p/forum/post/<int:pk>/edit/": ("/p/forum/post/999999/edit/", _all(302, 404, 404, 404)),
    "p/forum/post/<int:pk>/answer/": ("/p/forum/post/999999/answer/", _all(405, 405, 405, 405)),  # POST only
    "p/forum/post/<int:pk>/flag/": ("/p/forum/post/999999/flag/", _all(302, 404, 404, 404)),
    "p/forum/post/<int:pk>/moderate/": ("/p/forum/post/999999/moderate/", _all(405, 405, 405, 405)),  # POST only
    # The gift form of the learner's own booking (its session not open for gifts: the page says so)
    "p/gifting/give/<int:booking_id>/": ("/p/gifting/give/{booking}/", _each(302, 200, 404, 403, 403, 403)),
    "p/gifting/preview/": ("/p/gifting/preview/?rupees=100", _all(302, 200, 200, 200)),
    "p/gifting/sent/<slug:token>/": (f"/p/gifting/sent/{'0' * 32}/", _all(302, 404, 404, 404)),  # one's own gifts
    "p/gifting/settings/": ("/p/gifting/settings/", _all(405, 405, 405, 405)),  # POST only
    "p/recommendations/dismiss/<int:session_id>/": (
        "/p/recommendations/dismiss/{session}/",
        _all(405, 405, 405, 405),  # POST only: "Not interested" on a suggested session
    ),
    "": ("/", _all(200, 302, 302, 302)),  # cms.views.home: the landing page
}

# Entry points of the libraries we mount: the landing page, admin, CMS, accounts.
THIRD_PARTY = {
    "content page": ("/about/", _all(200, 200, 200, 200)),
    "django admin": ("/admin/", _all(302, 302, 302, 200)),
    "wagtail admin": ("/cms/", _all(302, 302, 302, 200)),
    "login": ("/accounts/login/", _all(200, 302, 302, 302)),
    "signup": ("/accounts/signup/", _all(200, 302, 302, 302)),
    "password reset": ("/accounts/password/reset/", _all(200, 200, 200, 200)),
    # The API's schema and docs (drf-spectacular) are public, as its catalogue is
    "api schema": ("/api/schema/", _all(200, 200, 200, 200)),
    "api docs": ("/api/docs/", _all(200, 200, 200, 200)),
}


def our_routes() -> set[str]:
    """Our routes but the API's, which answer bearer tokens, not sessions: their own matrix is
    ``core/api/tests/test_access_matrix.py``."""
    return {route for route, module in url_routes() if module.startswith(OURS) and not route.startswith("api/")}


def test_every_url_of_ours_has_a_row():
    missing = our_routes() - set(MATRIX)
    assert not missing, f"URLs without a row in the access matrix: {sorted(missing)}"


def _cases():
    routes = our_routes()
    for route, (url, expected) in MATRIX.items():
        if route in routes:
            for persona in PERSONAS:
                yield pytest.param(url, persona, expected[persona], id=f"{route}-{persona}")
    for name, (url, expected) in THIRD_PARTY.items():
        for persona in PERSONAS:
            yield pytest.param(url, persona, expected[persona], id=f"{name}-{persona}")


@pytest.fixture
def matrix_objects(learner, mentor) -> dict:
    """A public session of ``mentor``, its room id, and a booking of it owned by ``learner`` (in checkout)."""
    from core.bookings.services import booking_checkout_start
    from core.mentoring.tests.factories import session_make
    from core.users.services import mentor_approve

    mentor_approve(mentor=mentor)
    session = session_make(mentor=mentor)
    booking, payment, _order = booking_checkout_start(session=session, learner=learner)
    return {
        "session": session.pk,
        "booking": booking.pk,
        "room": session.room_id,
        "order": payment.razorpay_order_id,
        "mentor": mentor.pk,
    }


@pytest.mark.django_db
@pytest.mark.parametrize(("url", "persona", "status"), list(_cases()))
def test_access(client, request, url, persona, status):
    if "{" in url:
        url = url.format(**request.getfixturevalue("matrix_objects"))
    if persona == "staff":
        force_login_verified(client, request.getfixturevalue(persona))  # password and code, as staff must
    elif persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    response = client.get(url)
    assert response.status_code == status, f"{persona} GET {url}"
    if status == 302 and persona == "anonymous" and not url.startswith(("/admin/", "/cms/")):
        assert response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.django_db
def test_the_403_page_points_to_the_persons_own_dashboard(client, learner):
    client.force_login(learner)
    response = client.get("/dashboard/mentor/")
    assert response.status_code == 403
    assert b'href="/dashboard/learner/"' in response.content
