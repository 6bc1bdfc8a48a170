"""Vangnet settings: one module, every value from the environment via typed helpers.

SQLite under ``var/`` unless ``DATABASE_URL`` is set. In production mode
(``VANGNET_MODE=production``) a secret key and the allowed hosts are required and the
secure cookie/HSTS settings are on; ``vangnet check --deploy`` then reports nothing.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import dj_database_url

from vangnet.lib.env import ConfigError, Env

env = Env()
PACKAGE_DIR = Path(__file__).resolve().parent

MODE = env.choice(
    "VANGNET_MODE",
    "development",
    "development (local, demo) or production (secure cookies, HTTPS, secret key required)",
    ("development", "production"),
)
PRODUCTION = MODE == "production"
DEBUG = env.bool("VANGNET_DEBUG", False, "show Django's debug pages (never in production)")
if PRODUCTION and DEBUG:
    raise ConfigError("VANGNET_DEBUG=1 is not allowed with VANGNET_MODE=production")

DATA_DIR = Path(
    env.str("VANGNET_DATA_DIR", "var", "folder for the SQLite database, uploads and secrets")
).resolve()

_secret = env.str(
    "VANGNET_SECRET_KEY",
    "",
    "signing key (required in production; development generates var/secret.key)",
    secret=True,
)
if not _secret:
    if PRODUCTION:
        raise ConfigError(
            "VANGNET_SECRET_KEY (or VANGNET_SECRET_KEY_FILE) must be set in production mode"
        )
    _key_file = DATA_DIR / "secret.key"
    if _key_file.exists():
        _secret = _key_file.read_text(encoding="utf-8").strip()
    else:
        import secrets

        DATA_DIR.mkdir(parents=True, exist_ok=True)
        _secret = secrets.token_urlsafe(50)
        _key_file.write_text(_secret, encoding="utf-8")
        _key_file.chmod(0o600)
SECRET_KEY = _secret

ALLOWED_HOSTS = env.list(
    "VANGNET_ALLOWED_HOSTS",
    "" if PRODUCTION else "127.0.0.1,localhost,testserver",
    "comma-separated host names the site answers to (required in production)",
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise ConfigError("VANGNET_ALLOWED_HOSTS must name the site's host in production mode")
CSRF_TRUSTED_ORIGINS = env.list(
    "VANGNET_CSRF_TRUSTED_ORIGINS",
    "",
    "origins allowed to post forms, e.g. https://vangnet.example.nl",
)

# --- database -------------------------------------------------------------------------
_default_db = f"sqlite:///{DATA_DIR / 'vangnet.sqlite3'}"

# Uploaded attachments: under the data folder, never served as static or media files; only
# access-checked views stream them (MEDIA_URL is not routed).
MEDIA_ROOT = DATA_DIR / "private"
_db_url = env.str(
    "DATABASE_URL",
    _default_db,
    "postgres://user:pass@host:5432/name or sqlite:///path (default: var/vangnet.sqlite3)",
    secret=True,
)
try:
    _db = dj_database_url.parse(_db_url, conn_max_age=60 if "postgres" in _db_url else 0)
except ValueError as exc:
    raise ConfigError(f"DATABASE_URL is not a usable database URL: {exc}") from None
if _db["ENGINE"] not in ("django.db.backends.postgresql", "django.db.backends.sqlite3"):
    raise ConfigError("DATABASE_URL must point at PostgreSQL (postgres://) or SQLite (sqlite:///)")
if _db["ENGINE"] == "django.db.backends.sqlite3":
    if _db["NAME"] and _db["NAME"] != ":memory:":
        Path(_db["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    _db["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    _db["TEST"] = {"NAME": ""}  # in-memory for tests
else:
    _db["CONN_HEALTH_CHECKS"] = True
    _db.setdefault("TEST", {})
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- applications ---------------------------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "axes",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "vangnet.core.apps.CoreConfig",
    "vangnet.accounts.apps.AccountsConfig",
    "vangnet.organisations.apps.OrganisationsConfig",
    "vangnet.concerns.apps.ConcernsConfig",
    "vangnet.cases.apps.CasesConfig",
    "vangnet.incidents.apps.IncidentsConfig",
    "vangnet.measures.apps.MeasuresConfig",
    "vangnet.sharing.apps.SharingConfig",
    "vangnet.meetings.apps.MeetingsConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "vangnet.accounts.middleware.SessionLifetimeMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "vangnet.accounts.middleware.MfaRequiredMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "vangnet.urls"
WSGI_APPLICATION = "vangnet.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "vangnet.core.context_processors.navigation",
            ],
        },
    }
]

# --- accounts, login, MFA, lockout ----------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_ADAPTER = "vangnet.accounts.adapters.AccountAdapter"
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_RATE_LIMITS = {"login_failed": False}  # lockout is django-axes' job (database-backed)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_TOTP_ISSUER = "Vangnet"
MFA_TOTP_TOLERANCE = 1
MFA_PASSKEY_LOGIN_ENABLED = False
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = not PRODUCTION

AXES_FAILURE_LIMIT = env.int(
    "VANGNET_LOGIN_FAILURE_LIMIT", 5, "failed logins before an account is locked", minimum=1
)
AXES_COOLOFF_TIME = timedelta(
    minutes=env.int("VANGNET_LOCKOUT_MINUTES", 15, "minutes an account stays locked", minimum=1)
)
# Lock per account, not per IP address: a whole school shares one address, and one
# mistyping colleague must not lock out the building. Per-account locking stops guessing.
AXES_LOCKOUT_PARAMETERS = ["username"]
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_USERNAME_FORM_FIELD = "login"
AXES_USERNAME_CALLABLE = "vangnet.accounts.adapters.axes_username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "account/lockout.html"
AXES_VERBOSE = False
AXES_IPWARE_PROXY_COUNT = env.int(
    "VANGNET_PROXY_COUNT", 0, "number of reverse proxies in front of Vangnet (for client IPs)"
)

# Sessions live server-side in the database: logout deletes them, idle and absolute
# lifetimes are enforced by SessionLifetimeMiddleware.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
IDLE_TIMEOUT = timedelta(
    minutes=env.int("VANGNET_IDLE_MINUTES", 15, "minutes without activity before logout", minimum=1)
)
SESSION_MAX_AGE = timedelta(
    hours=env.int("VANGNET_SESSION_HOURS", 12, "absolute session lifetime in hours", minimum=1)
)
SESSION_COOKIE_AGE = int(SESSION_MAX_AGE.total_seconds())
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_NAME = "vangnet_session"
CSRF_COOKIE_HTTPONLY = True

# --- security ---------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env.bool(
        "VANGNET_SSL_REDIRECT", True, "redirect plain HTTP to HTTPS in production"
    )
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    if AXES_IPWARE_PROXY_COUNT:
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    if not SECURE_SSL_REDIRECT:
        SILENCED_SYSTEM_CHECKS.append("security.W008")

from csp.constants import NONE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "connect-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

# --- i18n -------------------------------------------------------------------------------
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", "Nederlands"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

# --- static files ---------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
# src/vangnet/static belongs to the project package, which is not an installed app: name it
# so the finders (runserver, whitenoise in development, the test live server) and
# collectstatic see vangnet.css and htmx.
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG
if not PRODUCTION:
    STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}

# --- background tasks -----------------------------------------------------------------
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# --- e-mail -----------------------------------------------------------------------------
EMAIL_HOST = env.str("VANGNET_EMAIL_HOST", "", "SMTP server; unset: mail is written to the log")
EMAIL_PORT = env.int("VANGNET_EMAIL_PORT", 587, "SMTP port")
EMAIL_HOST_USER = env.str("VANGNET_EMAIL_USER", "", "SMTP user name")
EMAIL_HOST_PASSWORD = env.str("VANGNET_EMAIL_PASSWORD", "", "SMTP password", secret=True)
EMAIL_USE_TLS = True
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = env.str(
    "VANGNET_FROM_EMAIL", "Vangnet <noreply@vangnet.invalid>", "sender address of e-mail"
)
SITE_URL = env.str(
    "VANGNET_SITE_URL",
    "",
    "address people open Vangnet at, for the link in reminder e-mail "
    "(default: https:// and the first allowed host)",
)

# --- Vangnet ------------------------------------------------------------------------------
UPLOAD_MAX_MB = env.int(
    "VANGNET_UPLOAD_MAX_MB", 10, "largest attachment (e.g. with an incident) in MB", minimum=1
)
BENCH_ENABLED = env.bool(
    "VANGNET_BENCH", False, "expose the bare comparison view used by `vangnet bench`"
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"axes": {"level": "ERROR"}},
}
