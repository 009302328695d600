"""Root URLconf. It names cms and plugins only as dotted strings or through the plugin manager."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from core import admin_site, pluginmanager, plugins_page, views
from core.bookings import calendar as booking_calendar
from core.bookings import urls as bookings_urls
from core.dashboards import urls as dashboard_urls
from core.realtime import urls as realtime_urls
from core.room import urls as room_urls
from core.users import urls as users_urls

# Django admin asks staff for a TOTP code on top of the password, and shows money in rupees.
admin_site.configure(admin.site)

# The profile pages keep one namespace, ``users``: the Settings tab, with the notification
# choices, is core.realtime's.
users_patterns = ([*users_urls.urlpatterns, *realtime_urls.profile_urlpatterns], "users")

# The session page (core/dashboards/session.py) and the live room keep one namespace,
# ``mentoring`` (``mentoring:session-detail``, ``mentoring:room``…); the session page's "Book and
# pay" stays ``bookings:booking-start``.
mentoring_patterns = ([*dashboard_urls.session_urlpatterns, *room_urls.urlpatterns], "mentoring")
bookings_patterns = ([*bookings_urls.urlpatterns, *dashboard_urls.booking_urlpatterns], "bookings")

core_patterns = (
    [
        path("dashboard/", views.dashboard_redirect, name="dashboard"),
        *dashboard_urls.urlpatterns,
        path("live/", views.landing_live, name="landing-live"),
        path("styleguide/", views.styleguide, name="styleguide"),
    ],
    "core",
)

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    # A person's private calendar feed: the token in the address is its only key.
    path("calendar/<slug:token>.ics", booking_calendar.calendar_feed, name="calendar-feed"),
    path("admin/plugins/", admin.site.admin_view(plugins_page.plugin_list), name="staff-plugins"),
    path("api/", include(("core.api.urls", "api"))),
    path("admin/console/", include(("core.console.urls", "console"))),
    path("admin/", admin.site.urls),
    path("", include(users_patterns)),  # /accounts/suggest/ and /profile/…
    path("accounts/", include("allauth.urls")),
    path("", include(core_patterns)),
    path("cms/", include("wagtail.admin.urls")),
    path("documents/", include("wagtail.documents.urls")),
    path("testmode/", include("core.testmode.urls")),
    path("payments/", include("core.payments.urls")),
    path("pay/", include("core.payments.pay_urls")),  # a payment for a plugin's purpose
    path("bookings/", include(bookings_patterns)),
    path("", include(mentoring_patterns)),  # sessions/<pk>/ and the live room, session/<room_id>/
    path("notifications/", include("core.realtime.urls")),
    *pluginmanager.plugin_urlpatterns(),
]

if settings.DEBUG:
    # Public uploads only (avatars, intro videos). Private files (recordings) live outside
    # MEDIA_ROOT, in PRIVATE_MEDIA_ROOT, and only views that check access read them.
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# `/` from the landing page's cache, then Wagtail serves every other page: keep these last.
urlpatterns += [path("", include("cms.urls")), path("", include("wagtail.urls"))]

handler403 = "core.views.permission_denied"
handler404 = "core.views.page_not_found"
handler500 = "core.views.server_error"
