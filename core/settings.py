"""PeerLearn settings.

Everything that differs between machines comes from the environment (django-environ).
With no environment at all you get the *embedded default*: SQLite in WAL mode, the
in-memory channel layer, the local-memory cache, Celery tasks run eagerly and emails
printed to the terminal. ``DATABASE_URL`` and ``REDIS_URL`` switch to PostgreSQL and Redis.
``DEBUG=0`` turns on the production hardening checked by ``manage.py check --deploy``.
"""

import sys
from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from whitenoise.compress import Compressor

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# Under pytest the suite talks plain HTTP to the test client and a live server.
TESTING = env.bool("TESTING", default="pytest" in sys.modules)
DEBUG = env.bool("DEBUG", default=False)

if DEBUG or TESTING:
    SECRET_KEY = env("SECRET_KEY", default="insecure-local-development-key-never-use-in-production")
else:
    SECRET_KEY = env("SECRET_KEY")  # required in production

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

# --- Plugins ----------------------------------------------------------------------------
# Names of the apps under plugins/ to enable; `PEERLEARN_PLUGINS=` (empty) disables all.
ALL_PLUGINS = ["gifting", "gamification", "recommendations", "forum"]
# Enabled unless PEERLEARN_PLUGINS says otherwise: only complete plugins, because a page may
# not say "coming soon" or show what is not real. Gifting (issue 13), gamification (issue 14),
# recommendations (issue 15) and the forum (issue 16) are complete.
# CI runs the suite with every plugin enabled (when that is more than these), and with none, too.
DEFAULT_PLUGINS: list[str] = ["gifting", "gamification", "recommendations", "forum"]
PEERLEARN_PLUGINS = env.list("PEERLEARN_PLUGINS", default=DEFAULT_PLUGINS)
_unknown = set(PEERLEARN_PLUGINS) - set(ALL_PLUGINS)
if _unknown:
    raise environ.ImproperlyConfigured(f"Unknown plugins in PEERLEARN_PLUGINS: {sorted(_unknown)}")
# Log every hook call (hook, plugin, arguments, result) on core.pluginmanager.trace at INFO.
PEERLEARN_TRACE_HOOKS = env.bool("PEERLEARN_TRACE_HOOKS", default=False)

INSTALLED_APPS = [
    # ASGI server integration and real time
    "channels",
    # Django
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "core.apps.StaticFilesConfig",  # django.contrib.staticfiles, skipping files we never serve
    # Core (label "core", "users", "realtime")
    "core.apps.CoreConfig",
    "core.users.apps.UsersConfig",
    "core.audit.apps.AuditConfig",
    "core.mentoring.apps.MentoringConfig",
    "core.testmode.apps.TestmodeConfig",
    "core.bookings.apps.BookingsConfig",
    "core.payments.apps.PaymentsConfig",
    "core.realtime.apps.RealtimeConfig",
    "core.room.apps.RoomConfig",
    "core.console.apps.ConsoleConfig",
    "core.api.apps.ApiConfig",
    # Accounts and security
    "allauth",
    "allauth.account",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "import_export",
    # The public API (/api/v1/, docs/decisions/0023-public-api.md)
    "rest_framework",
    "rest_framework_simplejwt.token_blacklist",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    # CMS
    "cms.apps.CmsConfig",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.sitemaps",
    "django.contrib.sitemaps",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    # Plugins last, so core's templates win over a plugin's of the same name.
    *[f"plugins.{name}" for name in PEERLEARN_PLUGINS],
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Cache-Control for private responses, Permissions-Policy for all. Outside the session,
    # CSRF and messages middleware, so it sees every cookie they set; static files never reach it.
    "core.headers.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # After the others, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
    # Sync-only and innermost on purpose: see their docstrings.
    "core.middleware.SecondFactorMiddleware",
    "core.middleware.UserTimezoneMiddleware",
    # Staff in the admin or the CMS: what they change is written to the audit trail.
    "core.audit.context.AuditContextMiddleware",
]

ROOT_URLCONF = env("ROOT_URLCONF", default="core.urls")  # bench/landing.py adds a bare view
ASGI_APPLICATION = "core.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.peerlearn",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------
if env("DATABASE_URL", default=""):
    DATABASES = {"default": env.db("DATABASE_URL")}
    # PostgreSQL's planner assumes spinning disks (random_page_cost = 4) and then hashes whole
    # tables where an index lookup per row is cheaper: the mentor's pending requests read all
    # 10,000 sessions to join 300 of them (bench/dashboards.py). 1.1 is the usual value for SSDs
    # and for data that fits in memory, which is every PeerLearn deployment.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c random_page_cost=1.1")
    # Under ASGI every sync request runs in a thread of its own, so persistent connections
    # pile up (one per thread) until PostgreSQL refuses more: bench/booking_contention.py ran
    # out of connections at 200 learners. A psycopg pool per process bounds them; requests
    # beyond it wait up to DB_POOL_TIMEOUT seconds. Tests use plain connections (test
    # databases are created and dropped under them) unless DB_POOL_MAX_SIZE is set.
    DB_POOL_MAX_SIZE = env.int("DB_POOL_MAX_SIZE", default=0 if TESTING else 16)
    if DB_POOL_MAX_SIZE:
        DATABASES["default"]["CONN_MAX_AGE"] = 0  # the pool keeps the connections
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": min(2, DB_POOL_MAX_SIZE),
            "max_size": DB_POOL_MAX_SIZE,
            "timeout": env.float("DB_POOL_TIMEOUT", default=10.0),
        }
    else:
        DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
        DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env.str("SQLITE_PATH", default=str(BASE_DIR / "db.sqlite3")),
            "OPTIONS": {
                # IMMEDIATE takes the write lock when a transaction starts, so two writers
                # queue instead of failing half-way with "database is locked".
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL;"
                    "PRAGMA synchronous=NORMAL;"
                    "PRAGMA foreign_keys=ON;"
                    "PRAGMA busy_timeout=20000;"
                ),
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: cache, channel layer, Celery --------------------------------------------------
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="peerlearn"),
        }
    }
    # bench/ws_capacity.py at 2,000 sockets found three channels-redis defaults too small:
    # a process's sockets share one Redis list, and at the default capacity of 100 a broadcast
    # to ~1,000 of them was dropped silently; the client's 5 s socket timeout equals the
    # layer's 5 s blocking read, so idle consumers died; and its pool of 100 connections ran
    # out when many sockets closed at once.
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                "hosts": [
                    {
                        "address": REDIS_URL,
                        "socket_timeout": env.float("CHANNEL_LAYER_SOCKET_TIMEOUT", default=30.0),
                        "max_connections": env.int("CHANNEL_LAYER_MAX_CONNECTIONS", default=1000),
                    }
                ],
                "capacity": env.int("CHANNEL_LAYER_CAPACITY", default=5000),
                "prefix": env("CHANNEL_LAYER_PREFIX", default="peerlearn"),
            },
        }
    }
    CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
    CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CELERY_BROKER_URL = "memory://"
    CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE = {
    # Lapsed checkout holds and requests unanswered at the start time (idempotent).
    "bookings-sweep": {"task": "core.bookings.tasks.bookings_sweep_task", "schedule": 60.0},
    # Reminders a day, 15 and 10 minutes before each booked session (each sent once).
    "session-reminders": {
        "task": "core.realtime.tasks.session_reminders_send_task",
        "schedule": 60.0,
        "options": {"expires": 60.0},
    },
    # Fetch stale orders, captures, refunds and payouts from the gateway (webhooks can be lost).
    "payments-reconcile": {
        "task": "core.payments.tasks.payments_reconcile_task",
        "schedule": 300.0,
        "options": {"expires": 300.0},
    },
    # Live rooms: no-show checks and time-outs whose scheduled task was missed (idempotent).
    "rooms-sweep": {"task": "core.mentoring.tasks.rooms_sweep_task", "schedule": 60.0, "options": {"expires": 60.0}},
    # Mentor shares whose EARNINGS_HOLD_HOURS passed without a dispute become available (idempotent).
    "earnings-release": {
        "task": "core.bookings.tasks.earnings_release_due_task",
        "schedule": 300.0,
        "options": {"expires": 300.0},
    },
    # Daily digests of plugins' notification kinds, due at NOTIFICATION_DIGEST_HOUR in each person's timezone.
    "notification-digests": {
        "task": "core.realtime.tasks.notification_digests_send_task",
        "schedule": 900.0,
        "options": {"expires": 900.0},
    },
    # The monthly report of the month before, stored and emailed to Finance (idempotent).
    "monthly-report": {
        "task": "core.console.tasks.monthly_report_task",
        "schedule": crontab(day_of_month=1, hour=1, minute=30),  # 07:00 in India
    },
    # The API's Idempotency-Key answers are kept 24 hours (API_IDEMPOTENCY_HOURS).
    "api-idempotency-purge": {"task": "core.api.tasks.idempotent_requests_purge_task", "schedule": 3600.0},
    "api-email-codes-purge": {"task": "core.api.tasks.email_codes_purge_task", "schedule": 3600.0},
    # Recordings older than RECORDING_RETENTION_DAYS are deleted, files included.
    "recordings-retention": {
        "task": "core.mentoring.tasks.recordings_delete_older_than_task",
        "schedule": crontab(hour=3, minute=15),
    },
}

# --- Users and authentication -----------------------------------------------------------
AUTH_USER_MODEL = "users.User"
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses locked-out accounts and addresses before anyone checks a password.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "core:dashboard"
LOGOUT_REDIRECT_URL = "/"

# django-allauth: email is the login, the address is confirmed with an emailed one-time code.
ACCOUNT_ADAPTER = "core.users.adapter.AccountAdapter"
ACCOUNT_FORMS = {"signup": "core.users.forms.SignupForm"}
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = True
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_TIMEOUT = 15 * 60
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGIN_BY_CODE_ENABLED = False
ACCOUNT_SESSION_REMEMBER = None  # the login form offers "Remember me"
# The plan asks for "Email taken" at registration; login still answers the same for an
# unknown address and a wrong password.
ACCOUNT_PREVENT_ENUMERATION = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[PeerLearn] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
# Failed logins are counted by django-axes (below), not by allauth's own limiter.
ACCOUNT_RATE_LIMITS = {"login_failed": False}

# django-axes: 5 failed logins lock that account *from that address* for 15 minutes, so nobody
# can lock out someone else; an address alone is stopped only after LOGIN_ADDRESS_FAILURE_LIMIT
# failures in the same 15 minutes, for any accounts (core/users/lockout.py). An unknown email
# and a wrong password count and read the same.
AXES_HANDLER = "core.users.lockout.AccountAndAddressHandler"
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
LOGIN_ADDRESS_FAILURE_LIMIT = env.int("LOGIN_ADDRESS_FAILURE_LIMIT", default=100)
AXES_USERNAME_CALLABLE = "core.users.lockout.login_identifier"
AXES_LOCKOUT_TEMPLATE = "account/lockout.html"
AXES_RESET_ON_SUCCESS = True
# The address failures count against. Behind a load balancer or reverse proxy set
# TRUSTED_PROXY_COUNT (env PROXY_COUNT) to the number of proxies that append to
# X-Forwarded-For (one load balancer: 1); then the address the outermost one saw is used. Left
# at 0, X-Forwarded-For is ignored (anyone can forge it), and every login behind a proxy would
# share the proxy's address.
TRUSTED_PROXY_COUNT = env.int("PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "core.users.lockout.client_ip_address"
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_VERBOSE = False

# Login sessions: two weeks with "Remember me", otherwise until the browser closes.
SESSION_COOKIE_AGE = 14 * 24 * 3600
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# --- Internationalisation ---------------------------------------------------------------
LANGUAGE_CODE = "en-in"
TIME_ZONE = "UTC"  # stored in UTC; shown in each user's own timezone
USE_I18N = True
USE_TZ = True

# --- Static and media -------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.str("MEDIA_ROOT", default=str(BASE_DIR / "media"))
# Public uploads (avatars, mentors' intro videos: both are shown to anyone browsing) live under
# MEDIA_ROOT. Private ones (session recordings) live here instead, outside anything served at a
# URL, and only a view that checks access reads them (core/mentoring/storage.py). Production
# serves no MEDIA path from Django at all (core/urls.py mounts it only with DEBUG).
PRIVATE_MEDIA_ROOT = env.str("PRIVATE_MEDIA_ROOT", default=str(BASE_DIR / "private-media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if TESTING
            # hashed names, ES module imports too; production's files compressed as well
            else "core.staticfiles.ModuleManifestStaticFilesStorage"
            if DEBUG
            else "core.staticfiles.CompressedModuleManifestStaticFilesStorage"
        )
    },
}
# Source maps are for developers' tools, fetched rarely: not worth compressing on every collectstatic.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [*Compressor.SKIP_COMPRESS_EXTENSIONS, "map"]
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
MAX_INTRO_VIDEO_BYTES = 50 * 1024 * 1024
MAX_AVATAR_BYTES = 5 * 1024 * 1024

# --- Email ------------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="PeerLearn <no-reply@peerlearn.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
if env("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
else:
    # Embedded default: every message (with its one-time code) is printed in the terminal.
    EMAIL_BACKEND = "core.mail.TerminalEmailBackend"

# --- Wagtail ----------------------------------------------------------------------------
WAGTAIL_SITE_NAME = "PeerLearn"
WAGTAILADMIN_BASE_URL = SITE_URL
WAGTAILADMIN_LOGIN_URL = "account_login"
WAGTAIL_FRONTEND_LOGIN_URL = "account_login"
WAGTAILDOCS_EXTENSIONS = ["pdf", "txt"]
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}

# --- Exports ------------------------------------------------------------------------------
# Admin exports neutralise formulas themselves (core/exports.py), beyond the library's own
# escaping, which only strips a leading "="; a control character in a name becomes a
# replacement character in XLSX instead of failing the export.
IMPORT_EXPORT_ESCAPE_ILLEGAL_CHARS_ON_EXPORT = True
# An import adds rows, so it needs the model's add permission; an export, its view permission.
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "add"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"

# --- Payments (used from the money issue on) ---------------------------------------------
RAZORPAY_KEY_ID = env("RAZORPAY_KEY_ID", default="")
RAZORPAY_KEY_SECRET = env("RAZORPAY_KEY_SECRET", default="")
RAZORPAY_WEBHOOK_SECRET = env("RAZORPAY_WEBHOOK_SECRET", default="")
RAZORPAYX_ACCOUNT_NUMBER = env("RAZORPAYX_ACCOUNT_NUMBER", default="")  # payouts; empty: admins mark paid
RAZORPAY_TIMEOUT_SECONDS = env.float("RAZORPAY_TIMEOUT_SECONDS", default=10.0)
# The gateways by dotted path: Razorpay when its keys are set, else the offline test-mode bank.
# Payments knows only the interface; the test-mode bank is an app above it (setup.cfg's layers).
PAYMENT_GATEWAYS = {
    "razorpay": "core.payments.gateways.razorpay_gateway.RazorpayGateway",
    "testmode": "core.testmode.gateway.TestModeGateway",
}
MENTOR_SHARE_PERCENT = 90
PLATFORM_FEE_PERCENT = 10
# A mentor's share becomes available this long after the session ends; until then the learner
# can report a problem, which holds it until staff settle the dispute
# (docs/decisions/0001-early-end-and-disputes.md, docs/decisions/0006-earnings-availability-and-withdrawals.md).
EARNINGS_HOLD_HOURS = env.int("EARNINGS_HOLD_HOURS", default=48)
# A refund, settlement or platform withdrawal above this needs a second staff member's approval
# (docs/decisions/0022); ₹50,000 by default.
MONEY_APPROVAL_THRESHOLD_PAISE = env.int("MONEY_APPROVAL_THRESHOLD_PAISE", default=5_000_000)
# Monthly reports count months in the platform's own timezone (India's).
REPORT_TIMEZONE = env("REPORT_TIMEZONE", default="Asia/Kolkata")
# The gifting plugin's limits (DECISIONS, "Gifts"): gifts per learner per session, rupees per
# learner per day (in paise), and how long after a session its learner may still send one.
GIFTS_PER_SESSION_MAX = env.int("GIFTS_PER_SESSION_MAX", default=5)
GIFTS_PER_DAY_MAX_PAISE = env.int("GIFTS_PER_DAY_MAX_PAISE", default=2_000_000)
GIFTS_AFTER_SESSION_DAYS = env.int("GIFTS_AFTER_SESSION_DAYS", default=7)

# Named on the Contact, Privacy and Terms pages (India's DPDP Act asks for a grievance contact).
SUPPORT_EMAIL = env("SUPPORT_EMAIL", default="support@peerlearn.in")
GRIEVANCE_OFFICER_NAME = env("GRIEVANCE_OFFICER_NAME", default="The PeerLearn Grievance Officer")
GRIEVANCE_OFFICER_EMAIL = env("GRIEVANCE_OFFICER_EMAIL", default="grievance@peerlearn.in")

# --- Mentoring sessions -------------------------------------------------------------------
SESSION_PRICE_MIN_PAISE = env.int("SESSION_PRICE_MIN_PAISE", default=100_00)  # ₹100
SESSION_PRICE_MAX_PAISE = env.int("SESSION_PRICE_MAX_PAISE", default=50_000_00)  # ₹50,000
SESSION_DURATION_DEFAULT_MINUTES = 60
LANDING_CACHE_SECONDS = 60

# --- The live room ------------------------------------------------------------------------
# STUN/TURN servers for WebRTC, a JSON list of RTCIceServer dicts, e.g.
# [{"urls": "stun:stun.example.com:3478"}, {"urls": "turn:turn.example.com", "username": "u", "credential": "p"}].
# None are needed on localhost.
ICE_SERVERS = env.json("ICE_SERVERS", default=[])
if not isinstance(ICE_SERVERS, list):
    raise environ.ImproperlyConfigured("ICE_SERVERS must be a JSON list of RTCIceServer objects.")
ROOM_OPENS_BEFORE_MINUTES = 10  # the room opens this long before the start
ROOM_GRACE_MINUTES = 15  # ... and closes this long after the end
ROOM_NO_SHOW_MINUTES = 10  # whoever has not joined this long after the start is a no-show
RECORDING_MAX_BYTES = env.int("RECORDING_MAX_BYTES", default=500 * 1024 * 1024)
RECORDING_CHUNK_MAX_BYTES = 5 * 1024 * 1024  # one upload request
# The hour (0-23, in each person's own timezone) after which their daily digest email goes out.
NOTIFICATION_DIGEST_HOUR = env.int("NOTIFICATION_DIGEST_HOUR", default=8)
RECORDING_RETENTION_DAYS = env.int("RECORDING_RETENTION_DAYS", default=30)

# --- Security ---------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads it
if not DEBUG and not TESTING:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# django-csp: only our own origin; WebSockets back to this host.
CONTENT_SECURITY_POLICY = {
    # Wagtail's editor uses inline scripts; its pages are for logged-in editors only.
    "EXCLUDE_URL_PREFIXES": ["/cms/"],
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:"],
        "media-src": ["'self'", "blob:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'", "ws:", "wss:"] if DEBUG or TESTING else ["'self'", "wss:"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}

# --- The public API ---------------------------------------------------------------------
# /api/v1/: JSON only, bearer tokens only (no session cookie, so no CSRF), errors as RFC 9457
# problem details, cursor pages, throttled per person and per address. docs/decisions/0023.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["core.api.authentication.BearerAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "core.api.schema.ProblemAutoSchema",
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.CursorPage",
    "PAGE_SIZE": 20,
    "EXCEPTION_HANDLER": "core.api.problems.problem_exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["core.api.throttling.PersonThrottle", "core.api.throttling.AddressThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        # per signed-in person (or, signed out, per address), and per address whoever asks
        "person": env("API_THROTTLE_PERSON", default="1200/hour"),
        "address": env("API_THROTTLE_ADDRESS", default="3000/hour"),
        # passwords and codes: per address, on top of django-axes' lockout per account
        "sign-in": env("API_THROTTLE_SIGN_IN", default="20/minute"),
    },
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,  # as django-axes counts addresses (core/users/lockout.py)
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env.int("API_ACCESS_MINUTES", default=10)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env.int("API_REFRESH_DAYS", default=14)),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": True,
    # a token is void once its person changes their password (a hash of it rides in the token)
    "CHECK_REVOKE_TOKEN": True,
    "SIGNING_KEY": SECRET_KEY,
    "AUTH_HEADER_TYPES": ("Bearer",),
    "USER_ID_CLAIM": "sub",
    "USER_ID_FIELD": "id",
}
# How long an Idempotency-Key's answer is kept and replayed, as payment APIs do.
API_IDEMPOTENCY_HOURS = 24
SPECTACULAR_SETTINGS = {
    "TITLE": "PeerLearn API",
    "DESCRIPTION": (
        "Everything a learner or a mentor can do on PeerLearn, as JSON. Sign in at `/api/v1/auth/token/` "
        "and send `Authorization: Bearer <access>`. Money is in paise (integers). Errors are RFC 9457 "
        "problem details (`application/problem+json`). Lists are cursor pages: follow `next`."
    ),
    "VERSION": "1",
    "OAS_VERSION": "3.1.0",
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {},
    # Core's groups of operations, in the order the docs show them; plugins' follow, under their names.
    "TAGS": [
        {
            "name": "auth",
            "description": "Sign up and confirm the address with the emailed code; sign in (and the two-factor "
            "step), refresh, sign out; reset a forgotten password.",
        },
        {
            "name": "me",
            "description": "Your profile, picture and intro video; settings (timezone, notifications, payout "
            "account); password and two-factor; a learner's progress.",
        },
        {"name": "sessions", "description": "Public sessions open for booking, searched with typos forgiven."},
        {"name": "mentors", "description": "Mentors' public profiles."},
        {
            "name": "bookings",
            "description": "Book and pay, cancel, a mentor's accept or reject; the live room, its recordings and "
            "whiteboard; after the session; your receipts.",
        },
        {"name": "mentor", "description": "A mentor's own sessions, earnings (also as CSV), analytics, withdrawals."},
        {"name": "notifications", "description": "Your notifications (live: the socket at /ws/notifications/)."},
        {"name": "test mode", "description": "Without Razorpay keys: pay an order with no real money."},
    ],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"persistAuthorization": False, "tryItOutEnabled": False},
    "PREPROCESSING_HOOKS": ["core.api.schema.only_our_api"],
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "core.api.schema.problem_components"],
}

# --- Logging ----------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
        "django.channels.server": {"level": "WARNING"},
    },
}
