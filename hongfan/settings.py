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
    env_pii_keys,
    env_redis_url,
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
# --- issue 11 (keys): personal-data key ring and the audit chain key -------------------
# HONGFAN_PII_KEYS="k2:<b64>,k1:<b64>" (first encrypts, all decrypt) or the legacy single
# HONGFAN_PII_KEY (id k1). See docs/decisions/0012-key-rotation-and-audit-chain.md.
PII_KEYS = env_pii_keys(
    "HONGFAN_PII_KEYS", "HONGFAN_PII_KEY", None if IS_PROD else _DEV_PII_KEY, nbytes=32
)
PII_CURRENT_KEY_ID = PII_KEYS[0][0]
PII_ENCRYPTION_KEY = PII_KEYS[0][1]  # the current key (tests override it alone)
PII_HASH_KEY = env_secret("HONGFAN_PII_HASH_KEY", None if IS_PROD else _DEV_HASH_KEY, min_length=16)
_DEV_AUDIT_CHAIN_KEY = "dev-only-audit-chain-key-hongfan"
AUDIT_CHAIN_KEY = env_secret(
    "HONGFAN_AUDIT_CHAIN_KEY", None if IS_PROD else _DEV_AUDIT_CHAIN_KEY, min_length=16
)
# Audit rows (core's AuditEvent, auditlog's LogEntry, axes' AccessLog) younger than this
# are never deleted; the floor is the 180 days 等保 asks for.
AUDIT_RETENTION_DAYS = env_int("HONGFAN_AUDIT_RETENTION_DAYS", 180, minimum=180)
for _name, _value, _dev in (
    ("HONGFAN_SECRET_KEY", SECRET_KEY, _DEV_SECRET),
    *(("HONGFAN_PII_KEYS/HONGFAN_PII_KEY", _key, _DEV_PII_KEY) for _, _key in PII_KEYS),
    ("HONGFAN_PII_HASH_KEY", PII_HASH_KEY, _DEV_HASH_KEY),
    ("HONGFAN_AUDIT_CHAIN_KEY", AUDIT_CHAIN_KEY, _DEV_AUDIT_CHAIN_KEY),
):
    if IS_PROD and _value == _dev:
        raise ImproperlyConfigured(f"{_name} must be set to a real secret in production")
# --- end issue 11 (keys) ---------------------------------------------------------------

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
    "hongfan.service",
]

MIDDLEWARE = [
    # issue 11 (logs): first, so every record carries the request id; the proxy-address
    # middleware, when installed below, goes before it.
    "hongfan.core.middleware.RequestIdMiddleware",
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
    # the session's user, read by a query compiled once per process; authenticates no one
    # (named by the login view; sessions made before it name ModelBackend, still honoured)
    "hongfan.accounts.backends.SessionUserBackend",
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

# The public home-nursing booking page (service): bookings (and wrong status checks) one
# client address may make, in django-ratelimit's "<n>/<period>" (s, m, h, d). The test suite
# books from one address many times; its own test of the limit sets a small one.
NURSING_BOOKING_RATE = env_str(
    "HONGFAN_NURSING_BOOKING_RATE", "1000/h" if HONGFAN_ENV == "test" else "10/h"
)
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

# --- Static files and error pages (issue 11, production server) ---------------------------
# whitenoise serves /static/ from the production server itself (or nginx serves var/static;
# see docs/deployment.md). In production `collectstatic` (make serve / make demo) writes
# hashed names (bootstrap.min.<hash>.css) with .gz and .br beside each file; whitenoise sends
# the compressed variant the browser accepts and, for hashed names, a far-future
# Cache-Control (immutable). Development and tests keep Django's plain storage (no
# collectstatic needed; whitenoise then reads the app's static folders directly);
# HONGFAN_STATIC_MANIFEST=true/false overrides.
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "hongfan" / "static"]
STATIC_ROOT = Path(env_str("HONGFAN_STATIC_ROOT", str(BASE_DIR / "var" / "static")))
STATIC_MANIFEST = env_bool("HONGFAN_STATIC_MANIFEST", IS_PROD)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_MANIFEST
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Without the manifest, whitenoise reads the files where they are (no collectstatic step;
# the empty STATIC_ROOT only spares whitenoise's "no directory" warning).
WHITENOISE_USE_FINDERS = DEBUG or not STATIC_MANIFEST
if not STATIC_MANIFEST:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Files at the site's root (/favicon.ico), served by whitenoise without a hash.
WHITENOISE_ROOT = BASE_DIR / "hongfan" / "public"
# Right after SecurityMiddleware and CSP (static responses carry their headers too) and
# before sessions, auth and everything that reads the database.
MIDDLEWARE.insert(
    MIDDLEWARE.index("csp.middleware.CSPMiddleware") + 1,
    "whitenoise.middleware.WhiteNoiseMiddleware",
)
# A CSRF failure answers with our Chinese page (400/403/404/500: handlers in hongfan/urls.py).
CSRF_FAILURE_VIEW = "hongfan.core.views.csrf_failure"
# --- end of static files and error pages --------------------------------------------------
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
    "DEFAULT_SCHEMA_CLASS": "hongfan.core.api.ApiSchema",  # issue 11: errors described
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "hongfan.core.pagination.Pagination",  # issue 11: page >= 1
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "hongfan.core.api.exception_handler",
}
# --- The API schema (issue 11, apischema): docs/api.md; tested by core/tests/test_api_contract.py
SPECTACULAR_SETTINGS = {
    "TITLE": "红帆 Hongfan API",
    "DESCRIPTION": (
        "Party-building and medical work in public hospitals. Session authentication "
        "(log in through the site; unsafe methods also send X-CSRFToken); errors are "
        '{"detail": "…"} or, for a 400, {field: ["…"]}. See docs/api.md.'
    ),
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # a request body and a response body are separate components (read-only fields, files)
    "COMPONENT_SPLIT_REQUEST": True,
}
# --- end of the API schema block

# --- Backups (issue 11 §3: manage.py backup / restore, docs/backup.md) ----------------------
# Where `manage.py backup` writes hongfan-<YYYYMMDD-HHMMSS>-<vendor>.hfbak and its .sha256.
# A relative path is taken from the project folder.
HONGFAN_BACKUP_DIR = BASE_DIR / env_str("HONGFAN_BACKUP_DIR", "var/backups")
# Optional: base64 of 32 random bytes; when set, backups are encrypted (AES-256-GCM) and a
# restore needs the same key. A malformed key stops the start-up here.
HONGFAN_BACKUP_KEY = (
    env_base64_key("HONGFAN_BACKUP_KEY", None, nbytes=32)
    if env_str("HONGFAN_BACKUP_KEY", "").strip()
    else ""
)
# Retention when `backup` is given no --keep-daily/--keep-weekly: delete Hongfan's backups
# older than this many days (0: keep every backup).
HONGFAN_BACKUP_KEEP_DAYS = env_int("HONGFAN_BACKUP_KEEP_DAYS", 0, minimum=0)

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

# --- Logs and /healthz (issue 11) ---------------------------------------------------------
# Every line carries the request id (a huey task's id in the worker) and passes a net that
# masks ID numbers and mobiles (hongfan.core.logging). JSON lines in production, plain text
# in development and tests. One access line per request on "hongfan.access" (method, path
# without its query string, status, duration, user id, client address).
LOG_FORMAT = env_str("HONGFAN_LOG_FORMAT", "json" if IS_PROD else "text")
if LOG_FORMAT not in {"json", "text"}:
    raise ImproperlyConfigured(f"HONGFAN_LOG_FORMAT must be json or text, got {LOG_FORMAT!r}")
_LOG_LEVELS = {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}


def _log_level(name: str, default: str) -> str:
    value = env_str(name, default).strip().upper()
    if value not in _LOG_LEVELS:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(sorted(_LOG_LEVELS))}")
    return value


# --- Redis at city scale (issue 11 §4: redis) --------------------------------------------------
# HONGFAN_REDIS_URL (redis://host:port/db) moves the task queue, the cache and the session
# reads to Redis, for a city running several app processes; unset, a hospital's single box
# keeps SQLite for the queue, per-process memory for the cache and the database for sessions.
# The login lockout stays in the database either way. See docs/decisions/0013.
HONGFAN_REDIS_URL = env_redis_url("HONGFAN_REDIS_URL")
# Prefix of every key (cache) and the queue's name: two installations may share one Redis.
HONGFAN_REDIS_PREFIX = env_str("HONGFAN_REDIS_PREFIX", "hongfan").strip()
if not HONGFAN_REDIS_PREFIX.replace("-", "").replace("_", "").isalnum():
    raise ImproperlyConfigured("HONGFAN_REDIS_PREFIX must be letters, digits, - or _")
if HONGFAN_REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": HONGFAN_REDIS_URL,
            "KEY_PREFIX": HONGFAN_REDIS_PREFIX,
        }
    }
    # Sessions read from Redis, written through to the database: a Redis restart (or an
    # eviction) logs nobody out, a remembered device keeps its days.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    HUEY = {
        **{k: v for k, v in HUEY.items() if k != "filename"},
        "huey_class": "huey.RedisHuey",
        "name": HONGFAN_REDIS_PREFIX,
        "connection": {"url": HONGFAN_REDIS_URL},
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # Django's database sessions, the row read by a query compiled once per process
    SESSION_ENGINE = "hongfan.accounts.backends"
# Failures, lockouts and known addresses stay rows in the database with or without Redis:
# the per-address throttle, the known-address rule and the 账号解锁 list read them (0006).
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
# --- end of Redis ------------------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "hongfan.core.logging.RequestIdFilter"},
        "pii": {"()": "hongfan.core.logging.PiiFilter"},
    },
    "formatters": {
        "text": {"()": "hongfan.core.logging.TextFormatter"},
        "json": {"()": "hongfan.core.logging.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id", "pii"],
            "formatter": LOG_FORMAT,
        }
    },
    "root": {"handlers": ["console"], "level": _log_level("HONGFAN_LOG_LEVEL", "WARNING")},
    "loggers": {
        # Django's own handlers (a DEBUG-only console, mail to ADMINS) are replaced: its
        # records reach the root's handler, masked and with the request id.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        # runserver's request lines hold the query string; the access line replaces them.
        "django.server": {"handlers": [], "level": "ERROR", "propagate": True},
        "hongfan.access": {"level": _log_level("HONGFAN_ACCESS_LOG_LEVEL", "INFO")},
        # notification deliveries (masked numbers only) are worth seeing in the worker's log
        "hongfan.notify": {"level": _log_level("HONGFAN_NOTIFY_LOG_LEVEL", "INFO")},
        # huey's lines (a task started, done, failed with its traceback) at INFO as
        # `run_huey` would log them, but through the same handler (format, request id =
        # task id, masking); having a handler, `run_huey` adds none of its own.
        "huey": {
            "handlers": ["console"],
            "level": _log_level("HONGFAN_HUEY_LOG_LEVEL", "INFO"),
            "propagate": False,
        },
    },
}
# /healthz (hongfan.core.health): free space required on the disks of the database, the
# uploads and the backups; how long the worker's heartbeat may be silent.
HEALTH_MIN_FREE_MB = env_int("HONGFAN_HEALTH_MIN_FREE_MB", 1024, minimum=0)
HEALTH_WORKER_STALE_MINUTES = env_int("HONGFAN_HEALTH_WORKER_STALE_MINUTES", 5, minimum=2)
# A monitor may probe the app server itself over HTTP on the loopback.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# --- end of logs and /healthz ---------------------------------------------------------------
