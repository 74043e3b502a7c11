"""Settings for Handlingsplan, driven by environment variables.

Defaults are safe for development: SQLite in the project folder, Celery tasks run
eagerly, email printed to the console. Production switches on with variables.
"""

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise RuntimeError("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "dev-only-insecure-key-handlingsplan"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",  # allauth's sessions page uses naturaltime
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "django_htmx",
    "tree_queries",
    "django_filters",
    # Not "rest_framework": the API renders JSON only, and its translations would
    # replace Django's own form messages on the pages ("påkrevd" for "påkrevet").
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI's files, served by us: no CDN
    "organisations",
    "plans",
    "goals",
    "calendar_app",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.gzip.GZipMiddleware",  # text only when asked; padded against BREACH
    "organisations.middleware.NotModifiedKeepsPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.locale.OrganisationLocaleMiddleware",  # never the browser's Accept-Language
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "organisations.middleware.LoginRequiredMiddleware",
    "organisations.middleware.MfaRequiredMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "django.template.context_processors.i18n",
                "organisations.context_processors.navigation",
            ],
        },
    },
    {
        # The partials drawn once per measure (config/jinja2.py); only these live here.
        "NAME": "jinja2",
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {"environment": "config.jinja2.environment"},
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Two people saving at once must wait for each other, not get "database is
    # locked": take the write lock when the transaction begins (a deferred one
    # cannot wait for it), wait up to 20 s for it, and let readers read during
    # a write (WAL).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "organisations.User"
AUTHENTICATION_BACKENDS = [  # Django's and allauth's, reading the person from the cache
    "organisations.backends.ModelBackend",
    "organisations.backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_REDIRECT_URL = "home"
LOGIN_URL = "account_login"

# django-allauth: the email address is the login.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
ACCOUNT_ADAPTER = "organisations.adapter.AccountAdapter"
# Accounts come by invitation: sign-up is open only to a visitor who followed a
# pending invitation's link, unless the installation opens it to everyone.
OPEN_SIGNUP = env_bool("OPEN_SIGNUP", False)
# How many days an invitation's link works after it was (last) sent.
INVITATION_EXPIRY_DAYS = int(os.environ.get("INVITATION_EXPIRY_DAYS", "14"))
ACCOUNT_FORMS = {"signup": "organisations.forms_invitations.InvitationSignupForm"}
# Failed logins are counted in the shared cache, per client address and per
# (address, account): the block falls on the guesser's address, so nobody can
# lock an owner out from elsewhere (organisations/adapter.py). An address may
# fail a few accounts' worth before it is blocked altogether. A password reset
# clears the count.
LOGIN_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
LOGIN_FAILURE_WINDOW = int(os.environ.get("LOGIN_FAILURE_WINDOW", str(15 * 60)))  # seconds
ACCOUNT_RATE_LIMITS = {
    "login_failed": (
        f"{4 * LOGIN_FAILURE_LIMIT}/{LOGIN_FAILURE_WINDOW}s/ip,"
        f"{LOGIN_FAILURE_LIMIT}/{LOGIN_FAILURE_WINDOW}s/key"
    ),
}
# Behind the trusted proxy (TRUSTED_PROXY=1, Caddy) the client's address is the
# last one in X-Forwarded-For; otherwise REMOTE_ADDR, never a header a client sets.
ALLAUTH_TRUSTED_PROXY_COUNT = 1 if env_bool("TRUSTED_PROXY", False) else 0

# Second factors: an authenticator app (TOTP), passkeys and security keys
# (WebAuthn), recovery codes. Organisation admins must have one
# (organisations.middleware.MfaRequiredMiddleware); everyone else may.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_TOTP_ISSUER = "Handlingsplan"
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG  # passkeys on http://127.0.0.1 in development

LANGUAGE_CODE = "nb"
LANGUAGES = [
    ("nb", _("Norwegian Bokmål")),
    ("nn", _("Norwegian Nynorsk")),
    ("sv", _("Swedish")),
    ("en", _("English")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Oslo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH")  # for the file-based backend
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Handlingsplan <noreply@localhost>")
# Absolute links in emails and feeds point here.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Celery: without a broker, tasks run in-process so the demo needs nothing else.
REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", REDIS_URL)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
# An adopted plan's PDF is rendered after the commit by a worker, so the first
# download is instant; without a broker it is rendered when first downloaded.
PLAN_PDF_IN_BACKGROUND = env_bool("PLAN_PDF_IN_BACKGROUND", bool(CELERY_BROKER_URL))
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "UTC"
# Every periodic task, in one place. Each run expires before the next, so a
# backlog never piles up; exactly one beat runs (docker-compose.yml).
CELERY_BEAT_SCHEDULE = {
    "reminders-hourly": {
        "task": "calendar_app.tasks.reminders_hourly",
        "schedule": crontab(minute=0),
        "options": {"expires": 50 * 60},
    },
    "dispatch-retries": {
        "task": "calendar_app.tasks.dispatch_deliveries",
        "schedule": crontab(minute="*/10"),
        "options": {"expires": 9 * 60},
    },
    "dispatch-webhooks": {
        "task": "calendar_app.tasks.dispatch_webhooks",
        "schedule": crontab(minute="*/2"),
        "options": {"expires": 90},
    },
    # Personal data is kept no longer than the privacy page says.
    "prune-deliveries": {
        "task": "calendar_app.tasks.prune_deliveries",
        "schedule": crontab(minute=30, hour=3),
        "options": {"expires": 23 * 60 * 60},
    },
    "clear-expired-sessions": {
        "task": "organisations.tasks.clear_expired_sessions",
        "schedule": crontab(minute=40, hour=3),
        "options": {"expires": 23 * 60 * 60},
    },
}
# Sent and failed reminder deliveries are deleted after this many days (privacy page).
REMINDER_DELIVERY_RETENTION_DAYS = int(os.environ.get("REMINDER_DELIVERY_RETENTION_DAYS", "90"))

# The API (/api/v1/): personal access tokens or the session, JSON only. Every
# object comes through the same scoped querysets as the pages; a token acts with
# its person's rights within its scope. Limits per token and per client address.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "organisations.api_auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["organisations.api_auth.TokenScopePermission"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["organisations.api_auth.SmallJSONParser"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": [
        "organisations.api_auth.TokenRateThrottle",
        "organisations.api_auth.AddressRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "token": os.environ.get("API_RATE_PER_TOKEN", "2000/hour"),
        "address": os.environ.get("API_RATE_PER_ADDRESS", "600/minute"),
    },
    # The client's address as for the login limits: never a header a client sets.
    "NUM_PROXIES": 1 if env_bool("TRUSTED_PROXY", False) else 0,
    "EXCEPTION_HANDLER": "organisations.api_auth.exception_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Handlingsplan API",
    "DESCRIPTION": "Plans, goals, measures, targets, events and the annual wheel.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "PlanStatusEnum": "plans.models.PlanStatus",
        "MeasureStatusEnum": "goals.models.MeasureStatus",
        "EventStatusEnum": "calendar_app.models.EventStatus",
    },
}

# Webhooks go to HTTPS addresses on the internet; these hosts may take plain HTTP
# (a receiver on the same machine in tests or development), e.g. "127.0.0.1".
WEBHOOK_INSECURE_HOSTS = env_list("WEBHOOK_INSECURE_HOSTS", "")

# One cache for every web process (login limits, rendered PDFs): Redis when
# REDIS_URL is set, else this process's memory, which is enough for one process.
CACHES = {
    "default": (
        {
            "BACKEND": "config.cache.RedisCache",  # Django's, reusing its client
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "handlingsplan"),
        }
        if REDIS_URL
        else {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "KEY_PREFIX": "handlingsplan",
            # Plan pages keep one entry per measure: room for a few large plans.
            "OPTIONS": {"MAX_ENTRIES": 20_000},
        }
    )
}

# Sessions are written to the database and read from the cache: a signed-in
# reader's request costs no session query, and a cache flush logs nobody out.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# Content-Security-Policy (django-csp): scripts and styles only from our own
# static files; a script tag also carries the request's nonce. No inline code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
# Permissions-Policy: no powerful feature is used, except passkeys (WebAuthn).
PERMISSIONS_POLICY = {
    "accelerometer": [],
    "autoplay": [],
    "browsing-topics": [],
    "camera": [],
    "display-capture": [],
    "encrypted-media": [],
    "geolocation": [],
    "gyroscope": [],
    "hid": [],
    "idle-detection": [],
    "magnetometer": [],
    "microphone": [],
    "midi": [],
    "payment": [],
    "publickey-credentials-create": ["self"],
    "publickey-credentials-get": ["self"],
    "screen-wake-lock": [],
    "serial": [],
    "usb": [],
    "xr-spatial-tracking": [],
}

# Trust X-Forwarded-Proto only when a proxy that sets it is the sole way in
# (Caddy in docker-compose.yml); otherwise any client could claim HTTPS.
if env_bool("TRUSTED_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "weasyprint": {"level": "ERROR"},
        "weasyprint.progress": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
