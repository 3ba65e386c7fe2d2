"""Django settings for Hongfan. Everything deployment-specific comes from the environment
(see .env.example); helpers in hongfan.core.env raise ImproperlyConfigured on bad values."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from hongfan.core.env import (
    env_base64_key,
    env_bool,
    env_int,
    env_list,
    env_secret,
    env_str,
    load_dotenv,
)

BASE_DIR = Path(__file__).resolve().parent.parent
load_dotenv(BASE_DIR / ".env")

HONGFAN_ENV = env_str("HONGFAN_ENV", "dev")
if HONGFAN_ENV not in {"dev", "test", "prod"}:
    raise ImproperlyConfigured("HONGFAN_ENV must be one of dev, test, prod")
IS_PROD = HONGFAN_ENV == "prod"

# Development keys are fixed so a fresh checkout runs; production must set its own.
_DEV_SECRET = "dev-only-secret-key-not-for-production-hongfan-0123456789"
_DEV_PII_KEY = "ZGV2LW9ubHktcGlpLWtleS1ob25nZmFuLTMyYnl0ZXM="  # 32 bytes, dev only
_DEV_HASH_KEY = "dev-only-hash-key-hongfan"

SECRET_KEY = env_secret("HONGFAN_SECRET_KEY", None if IS_PROD else _DEV_SECRET, min_length=50)
# Malformed personal-data keys stop the start-up here, not at the first encryption.
PII_ENCRYPTION_KEY = env_base64_key("HONGFAN_PII_KEY", None if IS_PROD else _DEV_PII_KEY, nbytes=32)
PII_HASH_KEY = env_secret("HONGFAN_PII_HASH_KEY", None if IS_PROD else _DEV_HASH_KEY, min_length=16)
for _name, _value, _dev in (
    ("HONGFAN_SECRET_KEY", SECRET_KEY, _DEV_SECRET),
    ("HONGFAN_PII_KEY", PII_ENCRYPTION_KEY, _DEV_PII_KEY),
    ("HONGFAN_PII_HASH_KEY", PII_HASH_KEY, _DEV_HASH_KEY),
):
    if IS_PROD and _value == _dev:
        raise ImproperlyConfigured(f"{_name} must be set to a real secret in production")

DEBUG = env_bool("HONGFAN_DEBUG", HONGFAN_ENV == "dev")
ALLOWED_HOSTS = env_list("HONGFAN_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("HONGFAN_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "django_filters",
    "django_htmx",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "auditlog",
    "huey.contrib.djhuey",
    "hongfan.core",
    "hongfan.accounts",
    "hongfan.org",
    "hongfan.points",
    "hongfan.workdays",
    "hongfan.notices",
    "hongfan.orglife",
    "hongfan.study",
    "hongfan.recognition",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "hongfan.accounts.middleware.SecurityPolicyMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "hongfan.urls"
WSGI_APPLICATION = "hongfan.wsgi.application"

# Django's renderer, with 请选择 for the empty choice instead of "---------".
FORM_RENDERER = "hongfan.core.forms.FormRenderer"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "hongfan" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "hongfan.core.context_processors.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'hongfan.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # (perf, issue 11 §2) SQLite keeps its connection between requests too (CONN_MAX_AGE=60
    # above): opening one and running the PRAGMAs below cost ~6 ms of CPU per request.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        # wal_autocheckpoint: copy the WAL back into the database every ~40 MB instead of
        # every 4 MB: fewer checkpoints (each waits for two fsyncs) under a stream of writes;
        # 350-390 -> 440 single awards/s on the 1.5 M points bench. Durability is unchanged.
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;"
            " PRAGMA wal_autocheckpoint=10000;"
        ),
    }
    DATABASES["default"]["TEST"] = {
        "NAME": env_str("HONGFAN_TEST_DB", str(BASE_DIR / "var" / "test.sqlite3"))
    }
else:
    # Django's queries bind their parameters on the client and are never prepared; this only
    # lets the points award engine prepare its own statements
    # (hongfan/points/services/awarding.py: _cursor). Django's default, None, turns preparing
    # off for the whole connection.
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = 5
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth and security policy -----------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
PASSWORD_HASHERS = env_list(
    "HONGFAN_PASSWORD_HASHERS",
    [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
    if HONGFAN_ENV == "test"
    else ["django.contrib.auth.hashers.PBKDF2PasswordHasher"],
)

# Defaults of the security policy; the security admin can change them in the UI
# (accounts.SecurityPolicy); these values seed it.
SECURITY_DEFAULTS = {
    "lockout_failures": env_int("HONGFAN_LOCKOUT_FAILURES", 5, minimum=1),
    "lockout_minutes": env_int("HONGFAN_LOCKOUT_MINUTES", 30, minimum=1),
    "ip_throttle_failures": env_int("HONGFAN_IP_THROTTLE_FAILURES", 30, minimum=10),
    "ip_throttle_window_minutes": env_int("HONGFAN_IP_THROTTLE_WINDOW_MINUTES", 15, minimum=1),
    "password_min_length": env_int("HONGFAN_PASSWORD_MIN_LENGTH", 8, minimum=6),
    "password_min_classes": env_int("HONGFAN_PASSWORD_MIN_CLASSES", 3, minimum=1),
    "password_max_age_days": env_int("HONGFAN_PASSWORD_MAX_AGE_DAYS", 90, minimum=0),
    "session_idle_minutes": env_int("HONGFAN_SESSION_IDLE_MINUTES", 30, minimum=1),
    "admin_session_hours": env_int("HONGFAN_ADMIN_SESSION_HOURS", 8, minimum=1),
    "member_idle_minutes": env_int("HONGFAN_MEMBER_IDLE_MINUTES", 120, minimum=1),
    "member_session_hours": env_int("HONGFAN_MEMBER_SESSION_HOURS", 12, minimum=1),
    "remember_device_days": env_int("HONGFAN_REMEMBER_DEVICE_DAYS", 7, minimum=0),
    "require_2fa_for_admins": env_bool("HONGFAN_REQUIRE_2FA_FOR_ADMINS", False),
}
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "hongfan.accounts.validators.PolicyPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "hongfan.accounts.validators.UsernameInPasswordValidator"},
    {"NAME": "hongfan.accounts.validators.PasswordHistoryValidator", "OPTIONS": {"count": 5}},
]

AXES_ENABLED = env_bool("HONGFAN_AXES_ENABLED", True)
# By username (staff of one hospital share an IP address), but by username and address from
# an address the account logged in from before; per-address throttling across usernames is
# ours (hongfan.accounts.selectors.login_wait_seconds). See docs/decisions/0002 and 0006.
AXES_LOCKOUT_PARAMETERS = "hongfan.accounts.policy.axes_lockout_parameters"
AXES_ENABLE_ACCESS_FAILURE_LOG = True  # one row per failure: the per-address count reads it
AXES_FAILURE_LIMIT = "hongfan.accounts.policy.axes_failure_limit"
AXES_COOLOFF_TIME = "hongfan.accounts.policy.axes_cooloff_time"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "hongfan.accounts.views.login.lockout_response"
AXES_USERNAME_FORM_FIELD = "username"
AXES_VERBOSE = False
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]
# Lockout is by username on purpose (shared hospital NAT); see docs/decisions/0002.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

SESSION_COOKIE_HTTPONLY = True
# Served over HTTPS (the default in production): secure cookies, HTTP redirected to HTTPS
# and HSTS. Behind nginx, which terminates TLS and sets X-Forwarded-Proto, also set
# HONGFAN_BEHIND_PROXY=true (which also takes the client's address from the proxy's
# X-Forwarded-For entry). An intranet served over plain HTTP sets
# HONGFAN_SECURE_COOKIES=false (and `check --deploy` rightly warns about it).
SESSION_COOKIE_SECURE = env_bool("HONGFAN_SECURE_COOKIES", IS_PROD)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("HONGFAN_SSL_REDIRECT", SESSION_COOKIE_SECURE)
SECURE_HSTS_SECONDS = env_int(
    "HONGFAN_HSTS_SECONDS", 365 * 24 * 3600 if SESSION_COOKIE_SECURE else 0, minimum=0
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("HONGFAN_HSTS_INCLUDE_SUBDOMAINS", True)
# Preloading is for public domains submitted to the browsers' list (hstspreload.org); a
# hospital's Hongfan runs under an intranet or sub-domain name that is never submitted, so
# the flag stays off and its deploy check (security.W021) is silenced below.
SECURE_HSTS_PRELOAD = env_bool("HONGFAN_HSTS_PRELOAD", False)
if not SECURE_HSTS_PRELOAD:
    SILENCED_SYSTEM_CHECKS.append("security.W021")
BEHIND_PROXY = env_bool("HONGFAN_BEHIND_PROXY", False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # The client's address from the proxy's X-Forwarded-For entry (audit, lockout, throttle).
    MIDDLEWARE.insert(0, "hongfan.core.middleware.ProxyClientAddressMiddleware")
# The longest a cookie lives (a member's remembered device); each login sets its own expiry
# from the security policy (hongfan.accounts.middleware).
SESSION_COOKIE_AGE = int(timedelta(days=30).total_seconds())
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# --- Content-Security-Policy (django-csp) -------------------------------------------------
# Every asset is vendored and served from our own origin, and no page carries an inline
# script, an event-handler attribute, a style attribute or a <style> element (the template
# test in hongfan/core/tests/test_csp.py keeps it so): 'self' suffices. data: images and
# fonts for Bootstrap's SVG icons; blob: images for the claim-photo preview.
from csp.constants import NONE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# Right after SecurityMiddleware, so that responses made by later middleware carry it too.
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "csp.middleware.CSPMiddleware",
)

OTP_TOTP_ISSUER = "红帆 Hongfan"

# --- i18n -----------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "hongfan" / "static"]
STATIC_ROOT = BASE_DIR / "var" / "static"
# Uploaded evidence (claim photos) is private: served only through views that check access.
MEDIA_ROOT = Path(env_str("HONGFAN_MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
MEDIA_URL = "/media/"
UPLOAD_IMAGE_MAX_BYTES = env_int("HONGFAN_UPLOAD_IMAGE_MAX_BYTES", 5 * 1024 * 1024, minimum=1024)

DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# A failed import's upload is kept here for an hour, for its download with the errors marked
# (outside MEDIA_ROOT: never served as a file).
IMPORT_FAILURE_DIR = Path(
    env_str("HONGFAN_IMPORT_FAILURE_DIR", str(BASE_DIR / "var" / "import-failures"))
)
IMPORT_MAX_BYTES = env_int("HONGFAN_IMPORT_MAX_BYTES", 20 * 1024 * 1024, minimum=1024)
# Reading one uploaded spreadsheet (core/spreadsheets.py) stops after this many seconds.
IMPORT_MAX_SECONDS = env_int("HONGFAN_IMPORT_MAX_SECONDS", 60, minimum=1)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "hongfan.core.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "红帆 Hongfan API",
    "DESCRIPTION": "Party-building and medical work in public hospitals",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
}

# --- Notifications and the background worker (huey) --------------------------------------
# Where hongfan.core.notify.notify delivers: dotted paths of hongfan.core.notify.NotifyBackend
# subclasses, e.g. "hongfan.notices.backends.InboxBackend,hongfan.notices.backends.LogSmsBackend".
HONGFAN_NOTIFY_BACKENDS = env_list(
    "HONGFAN_NOTIFY_BACKENDS", ["hongfan.notices.backends.InboxBackend"]
)


def _http_url(name: str) -> str:
    """An optional http(s) URL from the environment; a malformed one stops the start-up."""
    value = env_str(name, "").strip()
    if value:
        parts = urlsplit(value)
        if parts.scheme not in {"http", "https"} or not parts.hostname or " " in value:
            raise ImproperlyConfigured(f"{name} must be an http(s) URL, got {value!r}")
    return value


# The address members use (for links in e-mails and SMS), e.g. https://hongfan.example.org
HONGFAN_SITE_URL = _http_url("HONGFAN_SITE_URL")
# HttpSmsBackend: POST {"mobile", "text"} as JSON with "Authorization: Bearer <token>".
HONGFAN_SMS_URL = _http_url("HONGFAN_SMS_URL")
HONGFAN_SMS_TOKEN = env_str("HONGFAN_SMS_TOKEN", "")
# WechatWorkBackend (企业微信: corp id, the app's secret and agent id) and
# WechatOfficialBackend (公众号: app id, secret and the template message's id). The API's
# address is configurable so that tests can point it at a local fake server.
HONGFAN_WECHAT_API_URL = _http_url("HONGFAN_WECHAT_API_URL")
HONGFAN_WECHAT_CORP_ID = env_str("HONGFAN_WECHAT_CORP_ID", "")
HONGFAN_WECHAT_CORP_SECRET = env_str("HONGFAN_WECHAT_CORP_SECRET", "")
HONGFAN_WECHAT_AGENT_ID = env_str("HONGFAN_WECHAT_AGENT_ID", "")
HONGFAN_WECHAT_APP_ID = env_str("HONGFAN_WECHAT_APP_ID", "")
HONGFAN_WECHAT_APP_SECRET = env_str("HONGFAN_WECHAT_APP_SECRET", "")
HONGFAN_WECHAT_TEMPLATE_ID = env_str("HONGFAN_WECHAT_TEMPLATE_ID", "")
# Which field of the chosen template gets what: "<field>:<title|body|category|time>,…"
HONGFAN_WECHAT_TEMPLATE_FIELDS = env_str(
    "HONGFAN_WECHAT_TEMPLATE_FIELDS", "first:title,keyword1:category,keyword2:time,remark:body"
)
HONGFAN_WECHAT_TIMEOUT = env_int("HONGFAN_WECHAT_TIMEOUT", 5, minimum=1)
# WeChat web authorisation (公众号网页授权) with the same 公众号 (APP_ID, APP_SECRET above):
# binding an openid to an account and logging in inside WeChat's browser. Off unless
# HONGFAN_WECHAT_LOGIN is on (the 公众号 must list this site's domain for 网页授权 first).
# The base URLs are settings so that tests (and a gateway in a closed network) can stand in.
HONGFAN_WECHAT_LOGIN = env_bool("HONGFAN_WECHAT_LOGIN", False)
if HONGFAN_WECHAT_LOGIN and not (HONGFAN_WECHAT_APP_ID and HONGFAN_WECHAT_APP_SECRET):
    raise ImproperlyConfigured(
        "HONGFAN_WECHAT_LOGIN needs HONGFAN_WECHAT_APP_ID and HONGFAN_WECHAT_APP_SECRET"
    )
HONGFAN_WECHAT_AUTHORIZE_URL = _http_url("HONGFAN_WECHAT_AUTHORIZE_URL") or (
    "https://open.weixin.qq.com/connect/oauth2/authorize"
)
HONGFAN_WECHAT_TOKEN_URL = _http_url("HONGFAN_WECHAT_TOKEN_URL") or (
    "https://api.weixin.qq.com/sns/oauth2/access_token"
)
HONGFAN_WECHAT_OAUTH_BACKEND = env_str(
    "HONGFAN_WECHAT_OAUTH_BACKEND", "hongfan.accounts.backends.WechatWebOAuth"
)
# EmailBackend: Django's SMTP settings.
EMAIL_HOST = env_str("HONGFAN_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("HONGFAN_EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("HONGFAN_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = env_str("HONGFAN_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("HONGFAN_EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = env_str("HONGFAN_EMAIL_FROM", "hongfan@localhost")

# Tasks run in `manage.py run_huey` (make worker); tests run them at once, in memory.
HUEY_FILE = Path(env_str("HONGFAN_HUEY_FILE", str(BASE_DIR / "var" / "huey.sqlite3")))
HUEY = {
    "huey_class": "huey.SqliteHuey",
    "name": "hongfan",
    "filename": str(HUEY_FILE),
    "immediate": env_bool("HONGFAN_HUEY_IMMEDIATE", HONGFAN_ENV == "test"),
    "consumer": {"workers": env_int("HONGFAN_HUEY_WORKERS", 2, minimum=1), "worker_type": "thread"},
}
if not HUEY["immediate"]:
    HUEY_FILE.parent.mkdir(parents=True, exist_ok=True)  # SqliteHuey opens it at start-up

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("HONGFAN_LOG_LEVEL", "WARNING")},
    # notification deliveries (masked numbers only) are worth seeing in the worker's log
    "loggers": {
        "hongfan.notify": {"level": env_str("HONGFAN_NOTIFY_LOG_LEVEL", "INFO")},
        "huey": {"propagate": False},  # `run_huey` gives it a handler of its own
    },
}
