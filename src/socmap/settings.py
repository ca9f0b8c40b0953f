"""Django settings for socmap.

SQLite is the embedded default so that one command runs socmap on a fresh machine;
``DATABASE_URL`` selects PostgreSQL (production, and the second CI pass).
Everything that differs between machines comes from environment variables.
"""

import os
import secrets
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("SOCMAP_VAR_DIR", PROJECT_DIR / "var"))


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _local_secret_key() -> str:
    """A per-checkout key kept in var/, so development sessions survive restarts."""
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


DEBUG = _env_bool("SOCMAP_DEBUG", True)
SECRET_KEY = os.environ.get("SOCMAP_SECRET_KEY") or _local_secret_key()
ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("SOCMAP_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "socmap.orgs",
    "socmap.audit",
    "socmap.people",
    "socmap.threats",
    "socmap.scoring",
    "socmap.plans",
    "socmap.disruptions",
    "socmap.lifetime",
    "socmap.intel",
    "socmap.networks",
    "socmap.performance",
    "socmap.profiles",
    "socmap.search",
    "socmap.security",
    "socmap.retention",
    "socmap.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "socmap.security.middleware.BadInputMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "socmap.orgs.middleware.AbsoluteSessionLimitMiddleware",
    "socmap.security.middleware.SecondFactorMiddleware",
    "socmap.audit.context.AuditContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "socmap.security.middleware.SecurityHeadersMiddleware",
    "axes.middleware.AxesMiddleware",
    "socmap.orgs.middleware.RememberScopeMiddleware",
]

ROOT_URLCONF = "socmap.urls"
WSGI_APPLICATION = "socmap.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "socmap.web.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'socmap.sqlite3'}",
        conn_max_age=int(os.environ.get("SOCMAP_DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers carry on while one writer works; IMMEDIATE takes the write lock at the
    # start of a transaction, so two writers queue instead of failing half way.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "orgs.User"

# Argon2 first: new and re-hashed passwords use it; the others only verify old hashes.
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

# Log-in lockout (django-axes): after SOCMAP_LOGIN_FAILURE_LIMIT failures for one username, or
# from one address, further attempts are refused until the cool-off ends or an administrator
# unlocks the account (socmap unlock-user, or the user's sign-in security page); audited.
AUTHENTICATION_BACKENDS = [
    "socmap.security.backends.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("SOCMAP_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("SOCMAP_LOGIN_COOLOFF_HOURS", "0.25"))  # hours
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # either one locks
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "socmap.security.views.locked_out"
AXES_USERNAME_CALLABLE = "socmap.security.backends.lockout_username"
AXES_VERBOSE = False
# Second factor (django-otp TOTP with recovery codes): the issuer shown by authenticator apps.
OTP_TOTP_ISSUER = os.environ.get("SOCMAP_TOTP_ISSUER", "socmap")
# Minutes a reason given to open a restricted record stays good for (security/reads.py).
SOCMAP_ACCESS_REASON_SECONDS = int(os.environ.get("SOCMAP_ACCESS_REASON_SECONDS", str(30 * 60)))

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

# Sessions end after a period of inactivity and, whatever the activity, after a working shift.
SESSION_COOKIE_AGE = int(os.environ.get("SOCMAP_SESSION_IDLE_SECONDS", str(30 * 60)))
# the idle limit is renewed at most once a minute (orgs.middleware), not by saving every request
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SOCMAP_SESSION_ABSOLUTE_SECONDS = int(
    os.environ.get("SOCMAP_SESSION_ABSOLUTE_SECONDS", str(10 * 60 * 60))
)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # collectstatic fills it in production
WHITENOISE_USE_FINDERS = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Uploads (population tables, later imports) are parsed in memory up to this size.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
SOCMAP_MAX_UPLOAD_BYTES = int(os.environ.get("SOCMAP_MAX_UPLOAD_BYTES", str(50 * 1024 * 1024)))
# Any request body beyond this is refused (413) before it is read; a little above the upload
# limit so that a file at the limit and its form fields still fit. The reverse proxy should
# refuse the same (client_max_body_size) so that big bodies never reach socmap at all.
SOCMAP_MAX_REQUEST_BYTES = int(
    os.environ.get("SOCMAP_MAX_REQUEST_BYTES", str(SOCMAP_MAX_UPLOAD_BYTES + 1024 * 1024))
)
# Days a submitted disruption claim may wait before it is overdue for validation.
SOCMAP_DISRUPTION_VALIDATION_DAYS = int(os.environ.get("SOCMAP_DISRUPTION_VALIDATION_DAYS", "28"))

# 4P plans: review interval, LRO workload limit, how the neighbourhood briefing says to submit
# intelligence (plans.services reads these, with the same defaults).
SOCMAP_PLAN_REVIEW_DAYS = int(os.environ.get("SOCMAP_PLAN_REVIEW_DAYS", "90"))
SOCMAP_LRO_THREAT_LIMIT = int(os.environ.get("SOCMAP_LRO_THREAT_LIMIT", "8"))
if os.environ.get("SOCMAP_INTELLIGENCE_SUBMISSION"):
    SOCMAP_INTELLIGENCE_SUBMISSION = os.environ["SOCMAP_INTELLIGENCE_SUBMISSION"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("SOCMAP_LOG_LEVEL", "WARNING")},
}
