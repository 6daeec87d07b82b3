"""Django settings for Luoshi, read from ``LUOSHI_*`` environment variables.

SQLite under ``LUOSHI_DATA_DIR`` needs no set-up; ``LUOSHI_DATABASE_URL`` points
elsewhere (``postgresql://user@host:5432/name``).
"""

import datetime as dt
import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from luoshi.core.clock import read_fixed_today

BASE_DIR = Path(__file__).resolve().parent


def env_bool(name: str, default: bool = False) -> bool:
    """A yes/no variable: 1/true/yes/on or 0/false/no/off."""
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"环境变量 {name} 的值 {value!r} 无效：请用 1/0、true/false、yes/no 或 on/off")


def env_int(name: str, default: int) -> int:
    """An integer variable."""
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"环境变量 {name} 的值 {value!r} 不是整数") from None


def env_list(name: str, default: list[str]) -> list[str]:
    """A comma-separated list."""
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DATA_DIR = Path(os.environ.get("LUOSHI_DATA_DIR") or "var").resolve()


def _secret_key() -> str:
    """The configured key, else one generated once and kept in the data directory."""
    configured = os.environ.get("LUOSHI_SECRET_KEY")
    if configured:
        return configured
    key_file = DATA_DIR / "secret_key"
    try:
        return key_file.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(50)
        key_file.write_text(key, encoding="utf-8")
        key_file.chmod(0o600)
        return key


SECRET_KEY = _secret_key()


def _fixed_today() -> dt.date | None:
    """``LUOSHI_TODAY``, else the date ``luoshi demo`` keeps in the data directory: read
    once here, so the clock never asks the database."""
    try:
        return read_fixed_today(DATA_DIR)
    except ValueError as exc:
        raise ImproperlyConfigured(str(exc)) from None


LUOSHI_TODAY = _fixed_today()
DEBUG = env_bool("LUOSHI_DEBUG", False)
ALLOWED_HOSTS = env_list("LUOSHI_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("LUOSHI_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",  # so the API docs use the Swagger UI files django-ninja ships, not a CDN
    "django_tasks",
    "django_tasks_db",
    "luoshi.core",
    "luoshi.accounts",
    "luoshi.plans",
    "luoshi.reporting",
    "luoshi.supervision",
    "luoshi.projects",
    "luoshi.bulletins",
    "luoshi.jobs",
    "luoshi.audit",
    "luoshi.web",
    "luoshi.api",
    "luoshi.demo",  # the top floor: nothing below imports it
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "luoshi.urls"
WSGI_APPLICATION = "luoshi.wsgi.application"

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
            ],
        },
    },
]


def _database(url: str | None) -> dict:
    """One database from a URL; the default is an SQLite file in WAL mode under DATA_DIR."""
    if not url:
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{DATA_DIR / 'luoshi.sqlite3'}"
    try:
        # persistent connections (a new one per request cost more than the request's queries)
        config = dj_database_url.parse(
            url, conn_max_age=env_int("LUOSHI_DB_CONN_MAX_AGE", 60), conn_health_checks=True
        )
    except ValueError as exc:
        raise ImproperlyConfigured(f"LUOSHI_DATABASE_URL 无法识别：{exc}") from None
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["OPTIONS"] = {
            # WAL lets readers work while one writer writes; IMMEDIATE takes the write lock at
            # BEGIN so concurrent writers queue (up to the timeout) instead of failing mid-way.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
            "transaction_mode": "IMMEDIATE",
            "timeout": env_int("LUOSHI_SQLITE_TIMEOUT", 30),
        }
    elif config["ENGINE"].startswith("django.db.backends.postgresql"):
        config.setdefault("OPTIONS", {})["connect_timeout"] = env_int("LUOSHI_DB_CONNECT_TIMEOUT", 5)
    return config


DATABASES = {"default": _database(os.environ.get("LUOSHI_DATABASE_URL"))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Django's four rules, with Chinese messages and help texts (accounts/validators.py)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "luoshi.accounts.validators.UserAttributeSimilarityValidator"},
    {"NAME": "luoshi.accounts.validators.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "luoshi.accounts.validators.CommonPasswordValidator"},
    {"NAME": "luoshi.accounts.validators.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
# Chinese whatever language the browser asks for (Django's own texts, dates, weekdays)
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = DATA_DIR / "files"
MEDIA_URL = "files/"
# ---------------------------------------------------------------- several servers (files, jobs)
# Uploaded files (evidence, plan sources, bulletins) go to one storage every server shares:
# LUOSHI_FILES_DIR, a folder (a shared mount when there are several servers; default
# DATA_DIR/files), or an S3-compatible bucket when LUOSHI_S3_BUCKET is set (django-storages;
# `pip install "luoshi[s3]"`). Sessions are kept in the database (Django's default
# SESSION_ENGINE), so any server answers any signed-in user.
if os.environ.get("LUOSHI_FILES_DIR"):
    MEDIA_ROOT = Path(os.environ["LUOSHI_FILES_DIR"]).resolve()
if os.environ.get("LUOSHI_S3_BUCKET"):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["LUOSHI_S3_BUCKET"],
            "endpoint_url": os.environ.get("LUOSHI_S3_ENDPOINT") or None,
            "region_name": os.environ.get("LUOSHI_S3_REGION") or None,
            "access_key": os.environ.get("LUOSHI_S3_ACCESS_KEY") or None,
            "secret_key": os.environ.get("LUOSHI_S3_SECRET_KEY") or None,
            "location": os.environ.get("LUOSHI_S3_PREFIX", ""),
            # private files: pages hand them out through Luoshi's permission checks
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
            "addressing_style": os.environ.get("LUOSHI_S3_ADDRESSING") or None,
        },
    }
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# Background jobs (reminders, bulletins, status rebuilds, large imports): Django's tasks
# framework (django-tasks) on its database backend, so the queue is a table of the one
# database; `luoshi worker` runs them on any number of machines.
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", "reminders"],
    }
}
# a notice channel that failed is tried again after RETRY_SECONDS, doubling each time, up
# to MAX_ATTEMPTS tries; a delivery claimed longer than CLAIM_SECONDS ago by a worker that
# never finished (killed) is taken up again
LUOSHI_DELIVERY_RETRY_SECONDS = env_int("LUOSHI_DELIVERY_RETRY_SECONDS", 60)
LUOSHI_DELIVERY_MAX_ATTEMPTS = env_int("LUOSHI_DELIVERY_MAX_ATTEMPTS", 8)
LUOSHI_DELIVERY_CLAIM_SECONDS = env_int("LUOSHI_DELIVERY_CLAIM_SECONDS", 300)
# a document job (bulletin, 旬调度, 季讲评, a large plan import) running longer than this
# shows 超时 and may be queued again (its worker was killed); a plan file larger than
# IMPORT_INLINE_BYTES is parsed as a job, a smaller one in the request
LUOSHI_JOB_CLAIM_SECONDS = env_int("LUOSHI_JOB_CLAIM_SECONDS", 300)
# finished and failed jobs (and their files) are pruned after this many days
LUOSHI_JOB_KEEP_DAYS = env_int("LUOSHI_JOB_KEEP_DAYS", 30)
LUOSHI_IMPORT_INLINE_BYTES = env_int("LUOSHI_IMPORT_INLINE_BYTES", 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 60 * 1024 * 1024

SESSION_COOKIE_AGE = env_int("LUOSHI_SESSION_SECONDS", 8 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
LOGIN_URL = "/login/"

EMAIL_HOST = os.environ.get("LUOSHI_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("LUOSHI_EMAIL_PORT", 25)
DEFAULT_FROM_EMAIL = os.environ.get("LUOSHI_EMAIL_FROM", "luoshi@localhost")
EMAIL_HOST_USER = os.environ.get("LUOSHI_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("LUOSHI_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("LUOSHI_EMAIL_TLS", False)
EMAIL_USE_SSL = env_bool("LUOSHI_EMAIL_SSL", False)
EMAIL_TIMEOUT = env_int("LUOSHI_EMAIL_TIMEOUT", 10)
# absolute links in reminder emails and group-robot messages, e.g. http://luoshi.xx.gov.cn
SITE_URL = os.environ.get("LUOSHI_SITE_URL", "").rstrip("/")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    # django-axes warns of every failed login; the audit log records them (LOGIN_FAILED)
    "loggers": {"axes": {"level": "ERROR"}},
}

# ---------------------------------------------------------------- web (pages, login, security)
# The web block: settings owned by the pages, login and security code.


MIDDLEWARE += [
    "csp.middleware.CSPMiddleware",
    "luoshi.web.middleware.IdleTimeoutMiddleware",
    "luoshi.audit.middleware.AuditMiddleware",
]
TEMPLATES[0]["OPTIONS"]["context_processors"].append("luoshi.web.context.luoshi_context")

AUTHENTICATION_BACKENDS = [
    "luoshi.accounts.auth.LockoutBackend",  # django-axes: a locked name or address goes no further
    "luoshi.accounts.auth.ModelBackend",  # Django's, reading the user with its profile and unit
]
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/login/"

# 等保 baseline (django-axes, see accounts/lockout.py): 5 failed logins of one account name
# from one address lock that name from that address for 15 minutes; 20 from one address,
# whatever the names, lock the address. Nobody elsewhere can lock the coordinator out.
LUOSHI_LOGIN_FAILURE_LIMIT = env_int("LUOSHI_LOGIN_FAILURE_LIMIT", 5)
LUOSHI_ADDRESS_FAILURE_LIMIT = env_int("LUOSHI_ADDRESS_FAILURE_LIMIT", 20)
LUOSHI_LOCKOUT_MINUTES = env_int("LUOSHI_LOCKOUT_MINUTES", 15)
INSTALLED_APPS += ["axes"]
MIDDLEWARE += ["axes.middleware.AxesMiddleware"]
AXES_HANDLER = "luoshi.accounts.lockout.LockoutHandler"
AXES_FAILURE_LIMIT = LUOSHI_LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = dt.timedelta(minutes=LUOSHI_LOCKOUT_MINUTES)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_RESET_ON_SUCCESS = False  # the handler clears the name's own count, never the address's
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # the lock ends when the message says
AXES_LOCKOUT_CALLABLE = "luoshi.web.views.auth.locked_out"
AXES_CLIENT_IP_CALLABLE = "luoshi.core.addresses.client_address"
AXES_VERBOSE = False
AXES_DISABLE_ACCESS_LOG = True  # logins and logouts are in the audit log already
AXES_ENABLE_ADMIN = False  # the coordinator's 账号安全 page shows the locks; every admin writes audit rows

# The second factor (django-otp, TOTP in an authenticator app; accounts/otp.py). The roles
# that must use it, comma-separated: coordinator, office, reporter, head, leader, verifier
# and admin (superusers and staff). Empty by default: many intranet desks have no phone
# allowed or at hand, so a deployment turns it on for the roles its rules name (e.g.
# coordinator,leader,admin); anyone may enrol of their own accord at /account/otp/.
INSTALLED_APPS += ["django_otp", "django_otp.plugins.otp_totp"]
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    "django_otp.middleware.OTPMiddleware",
)
MIDDLEWARE.insert(
    MIDDLEWARE.index("luoshi.web.middleware.IdleTimeoutMiddleware") + 1,
    "luoshi.web.middleware.SecondFactorMiddleware",
)
# a password someone else set is changed before anything else (after the second factor)
MIDDLEWARE.insert(
    MIDDLEWARE.index("luoshi.web.middleware.SecondFactorMiddleware") + 1,
    "luoshi.web.middleware.PasswordChangeMiddleware",
)
LUOSHI_REQUIRE_2FA_ROLES = env_list("LUOSHI_REQUIRE_2FA_ROLES", [])
OTP_TOTP_ISSUER = "落实"
# sign out after this many seconds without a request (0: only the session lifetime)
LUOSHI_IDLE_SECONDS = env_int("LUOSHI_IDLE_SECONDS", 30 * 60)
LUOSHI_TRUST_X_FORWARDED_FOR = env_bool("LUOSHI_TRUST_X_FORWARDED_FOR", False)
# reverse proxies in front of Luoshi that append to X-Forwarded-For (nginx: 1); the client's
# address for the lock-out and the audit log is taken that many hops from the right
LUOSHI_TRUSTED_PROXIES = env_int("LUOSHI_TRUSTED_PROXIES", 1 if LUOSHI_TRUST_X_FORWARDED_FOR else 0)
# passwords: at least 10 characters of all four classes
AUTH_PASSWORD_VALIDATORS += [{"NAME": "luoshi.accounts.validators.CharacterClassValidator"}]

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Behind HTTPS (LUOSHI_SECURE_COOKIES on): cookies only over HTTPS, HSTS, and the proxy's
# X-Forwarded-Proto taken to say the browser came in over HTTPS (the proxy sets it,
# overwriting what a client sent). Off by default: the intranet often serves plain HTTP.
SESSION_COOKIE_SECURE = env_bool("LUOSHI_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if SESSION_COOKIE_SECURE else None
SECURE_HSTS_SECONDS = env_int("LUOSHI_HSTS_SECONDS", 365 * 24 * 3600) if SESSION_COOKIE_SECURE else 0
CSRF_FAILURE_VIEW = "luoshi.web.views.errors.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
NINJA_PAGINATION_PER_PAGE = 100

# Content-Security-Policy (django-csp): only this site's own script files and style sheets;
# no inline <script>, no on…= handler, no style attribute (templates pass data through
# json_script and data- attributes; app.js sets computed positions and colours through the
# CSSOM, which the policy does not govern). Nothing is loaded from another site.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# ---------------------------------------------------------------- limits (what input may be)
# Checked by luoshi.core.limits at every entry point: pages, API, uploads, the CLI.
LUOSHI_LIMITS = {
    "report_text_max": env_int("LUOSHI_REPORT_TEXT_MAX", 5000),
    "upload_max_bytes": env_int("LUOSHI_UPLOAD_MAX_BYTES", 20 * 1024 * 1024),
    "xlsx_max_rows": env_int("LUOSHI_XLSX_MAX_ROWS", 20000),
    "xlsx_max_expanded_bytes": env_int("LUOSHI_XLSX_MAX_EXPANDED_BYTES", 50 * 1024 * 1024),
    "xlsx_max_members": env_int("LUOSHI_XLSX_MAX_MEMBERS", 500),
    "xlsx_max_ratio": env_int("LUOSHI_XLSX_MAX_RATIO", 200),
}
# refuse NUL and other control characters in any request, after sign-in is known
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.messages.middleware.MessageMiddleware") + 1,
    "luoshi.web.middleware.ControlCharacterMiddleware",
)
