"""Settings, read from environment variables with safe defaults (SQLite, DEBUG off)."""

import os
from pathlib import Path
from urllib.parse import unquote, urlparse

from csp.constants import NONE, SELF
from dotenv import load_dotenv

from congress.middleware import static_file_headers

BASE_DIR = Path(__file__).resolve().parent.parent
# `make serve` keeps its generated SECRET_KEY in an untracked .env; the real environment wins.
load_dotenv(BASE_DIR / ".env", override=False)


def env_bool(name, default=False):
    return os.environ.get(name, str(default)).lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG")
# A deployment sets its own key; the default only serves a local checkout. With DEBUG off the
# WSGI application refuses to start on it (congress/wsgi.py).
INSECURE_DEFAULT_SECRET_KEY = "insecure-local-checkout-key"
SECRET_KEY = os.environ.get("SECRET_KEY", INSECURE_DEFAULT_SECRET_KEY)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# Hardening, each from the environment (deploy/production.env sets them all for HTTPS behind
# nginx; `check --deploy` then reports no warning).
# Behind nginx (deploy/nginx.conf): trust its X-Forwarded-Proto, and take the client's address
# for login lockouts from the last X-Forwarded-For entry, the one nginx itself added.
BEHIND_PROXY = env_bool("SECURE_PROXY_SSL_HEADER")
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT")
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # a load balancer may probe the backend over http
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS")
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD")
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE")
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE")
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "ninja",
    "csp",
    "huey.contrib.djhuey",
    "congress",
    "deputies",
    "suggestions",
    "reports",
    "demo",  # the demo congress (load_demo); no models
    "congress.lockout.LockoutConfig",  # django-axes, last: lockout after repeated failed logins
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # /c/<slug>/… is that congress's site; the congress is active for the rest (tenancy.py).
    "congress.tenancy.CongressMiddleware",
    # Anonymous public pages (congress/pages.py): after the https redirect and the static files,
    # before anything that loads a session or sets a cookie.
    "congress.pages.PublicPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "congress.history.ActingUserMiddleware",  # who a deletion's trace names
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "congress.middleware.PrivatePagesMiddleware",
    "axes.middleware.AxesMiddleware",
    # Last, so it sees a view's exception first: a database outage is a 503 page, not a 500.
    "congress.middleware.DatabaseUnavailableMiddleware",
]

# Content-Security-Policy (django-csp): scripts and styles from this site only, none inline;
# images also as data: URIs (the bundled Swagger UI draws its icons so); no framing.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

ROOT_URLCONF = "congress.urls"
WSGI_APPLICATION = "congress.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "suggestions.workbench.notifications.unread_count",
                "congress.tenancy.site",
            ],
        },
    },
]


def database_from_url(url):
    """postgres://user:password@host:port/name -> a Django DATABASES entry."""
    parsed = urlparse(url)
    if parsed.scheme in {"postgres", "postgresql"}:
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parsed.path.lstrip("/")),
            "USER": unquote(parsed.username or ""),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": parsed.hostname or "",
            "PORT": str(parsed.port or ""),
        }
    if parsed.scheme == "sqlite":
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": parsed.path or ":memory:"}
    raise ValueError(f"Unsupported DATABASE_URL scheme: {parsed.scheme}")


DATABASES = {
    "default": database_from_url(os.environ["DATABASE_URL"])
    if os.environ.get("DATABASE_URL")
    else {"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / "db.sqlite3"}
}
# A read replica for anonymous public pages (congress/routers.py). Under test it mirrors the
# default database, so the tests read what they wrote.
if os.environ.get("REPLICA_DATABASE_URL"):
    DATABASES["replica"] = {
        **database_from_url(os.environ["REPLICA_DATABASE_URL"]),
        "TEST": {"MIRROR": "default"},
    }
# The tests' own database (default: test_ and the name), e.g. for two runs side by side.
if os.environ.get("TEST_DATABASE_NAME"):
    DATABASES["default"]["TEST"] = {"NAME": os.environ["TEST_DATABASE_NAME"]}
DATABASE_ROUTERS = ["congress.routers.ReplicaRouter"]
DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("CONN_MAX_AGE", "0"))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Concurrent clicks wait instead of failing with "database is locked": WAL lets readers
    # run beside the writer, IMMEDIATE takes the write lock when a transaction begins (a
    # read-then-write transaction cannot fail to upgrade), and a writer waits up to 20 s.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }

# Redis when REDIS_URL is set (shared by every web process), else each process's own memory.
# The cache only speeds pages up: when it is unreachable or full, pages are rendered without it
# (congress/cache.py), so its client gives up fast rather than hold a request.
REDIS_URL = os.environ.get("REDIS_URL", "")
# CACHE_DIR: a cache every process on the machine shares (`make serve` sets it when there is no
# Redis), so a write in one gunicorn worker or in the job worker drops the pages the others
# would serve. Local memory is right for one process only (`make run`, the tests); with DEBUG
# off, `check --deploy` refuses it (congress.E001, congress/checks.py).
CACHE_DIR = os.environ.get("CACHE_DIR", "")
# Bounded: Redis by its own `maxmemory` (docs/operators.md), the others by MAX_ENTRIES.
CACHE_MAX_ENTRIES = int(os.environ.get("CACHE_MAX_ENTRIES", "5000"))
CACHES = {
    "default": {
        "BACKEND": "congress.redis_cache.PooledRedisCache",  # Django's, one client per pool
        "LOCATION": REDIS_URL,
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
    if REDIS_URL
    else {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str((BASE_DIR / CACHE_DIR).resolve()),  # absolute (caches.W003)
        "OPTIONS": {"MAX_ENTRIES": CACHE_MAX_ENTRIES},
    }
    if CACHE_DIR
    else {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "OPTIONS": {"MAX_ENTRIES": CACHE_MAX_ENTRIES},
    }
}
# How long a stored public page is kept at most; a write to what it shows outdates it sooner.
PUBLIC_PAGE_SECONDS = int(os.environ.get("PUBLIC_PAGE_SECONDS", 600))
# While writes keep outdating a page, it is rendered again at most once per this many seconds
# (its visitors get the copy before meanwhile); the first change after a quiet spell shows at once.
PUBLIC_PAGE_REFRESH_SECONDS = int(os.environ.get("PUBLIC_PAGE_REFRESH_SECONDS", 2))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses a locked-out account or address first
    "django.contrib.auth.backends.ModelBackend",
]
# Lockout after AXES_FAILURE_LIMIT failed logins, per account and (separately) per address, on
# the site's and the admin's login, for AXES_COOLOFF_HOURS; staff unlock earlier in the back
# office (登录锁定 › 登录尝试: delete the row). A success resets the count.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "1"))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "congress.accounts.client_ip"
AXES_VERBOSE = False
# Password reset by mail exists only when real mail is configured (congress/accounts.py).
PASSWORD_RESET_TIMEOUT = 60 * 60  # an hour: a reset link is short-lived
PASSWORD_RESET_PER_HOUR = int(os.environ.get("PASSWORD_RESET_PER_HOUR", "5"))
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/workbench/"
LOGOUT_REDIRECT_URL = "/"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
# Hashed names and gzip/brotli copies made by collectstatic; whitenoise serves them with
# far-future caching (make serve runs collectstatic).
STORAGES = {
    # Like FileSystemStorage; a full or read-only disk is a message, not a 500 (congress/files.py).
    "default": {"BACKEND": "congress.files.SafeFileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Static files carry the pages' security headers (CSP, no framing, nosniff, referrer policy).
WHITENOISE_ADD_HEADERS_FUNCTION = static_file_headers
MEDIA_URL = "media/"  # never served as such: attachments go through a view that checks access
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Behind nginx: the view allows, nginx sends the file from this internal location.
SENDFILE_X_ACCEL = env_bool("SENDFILE_X_ACCEL")
SENDFILE_URL_PREFIX = "/protected-media/"

# Mail: SMTP once EMAIL_HOST is set, else the console (nothing leaves the machine).
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL")
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "noreply@congress.example")
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", DEFAULT_FROM_EMAIL)

# The installation's own congress: its site is at /, and what was here before there were many
# congresses belongs to it. Rename it in the back office; add others with `add_congress`.
DEFAULT_CONGRESS = {
    "NAME": os.environ.get("DEFAULT_CONGRESS_NAME", "吕梁市人民代表大会"),
    "SHORT_NAME": os.environ.get("DEFAULT_CONGRESS_SHORT_NAME", "吕梁市"),
    "SLUG": os.environ.get("DEFAULT_CONGRESS_SLUG", "lvliang"),
    "LEVEL": os.environ.get("DEFAULT_CONGRESS_LEVEL", "city"),
}

# The handling rules: the default rule profile (each congress may set some differently in its
# own). These are the defaults of DOMAIN.md; a deployment may override any of them with
# SUGGESTION_RULES_<NAME>=<number> in the environment.
SUGGESTION_RULES = {
    "REPLY_MONTHS": 3,  # reply due this many months after assignment
    "MAX_REPLY_MONTHS": 6,  # an approved extension never goes past this
    "REHANDLING_MONTHS": 1,  # a new reply after a dissatisfied evaluation
    "CO_OPINION_MONTHS": 1,  # co-handlers send their views to the lead unit
    "RETURN_REQUEST_DAYS": 10,  # a unit may ask to return a wrong assignment
    "ASSIGN_WITHIN_WORKDAYS": 5,  # between-session suggestions are assigned this fast
    "EVALUATION_DAYS": 30,  # after this, staff may close an unevaluated reply
    "DUE_SOON_DAYS": 7,  # "due soon" warnings
    "PROMISE_MAX_YEARS": 5,  # a B/C reply's promise falls due within this many years
    "PUBLISH_DAYS": 30,  # a closed suggestion's reply is published within this many days
}
for _name in SUGGESTION_RULES:
    if os.environ.get(f"SUGGESTION_RULES_{_name}"):
        SUGGESTION_RULES[_name] = int(os.environ[f"SUGGESTION_RULES_{_name}"])

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"one_line_refusals": {"()": "congress.logs.OneLineRefusals"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        # The worker (run_huey) logs each job through its own handler; once is enough.
        "huey": {"handlers": [], "level": "INFO", "propagate": False},
        # A 403 is one line (method, path, status, user id), not a traceback.
        "django.request": {"filters": ["one_line_refusals"], "level": "WARNING"},
    },
}

# Background jobs (Huey): the worker is `manage.py run_huey`; it runs the periodic jobs too
# (reminders, stale import previews, its own heartbeat). Redis when REDIS_URL is set, else an
# embedded SQLite queue under var/ that needs nothing installed. With DEBUG on (make run, no
# worker) tasks run at once in the calling process; HUEY_IMMEDIATE overrides either way.
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))
HUEY = {
    "name": "congress",
    "immediate": env_bool("HUEY_IMMEDIATE", DEBUG),
    "utc": False,  # crontab times are the congress's local time (TIME_ZONE)
    "consumer": {"workers": int(os.environ.get("HUEY_WORKERS", "2")), "worker_type": "thread"},
}
if REDIS_URL:
    HUEY |= {"huey_class": "huey.RedisHuey", "connection": {"url": REDIS_URL}}
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    HUEY |= {"huey_class": "huey.SqliteHuey", "filename": str(VAR_DIR / "huey.sqlite3")}

# A save or delete of a row the summary rows and flags derive from, made outside a change-set
# (suggestions.figures.summaries): True raises (the tests), False logs a warning and recounts
# the suggestion's session, so a write some code forgot to note never leaves the figures wrong.
SUMMARIES_STRICT = env_bool("SUMMARIES_STRICT")

NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 200

# A suggestion list export of more rows than this, asked by a logged-in user, is written by a
# background job (progress on its page, then a download link); smaller ones are answered at once.
# Anonymous visitors get the CSV streamed whatever its size. Job results are kept this many days.
EXPORT_INLINE_ROWS = int(os.environ.get("EXPORT_INLINE_ROWS", "5000"))
JOB_RESULT_DAYS = int(os.environ.get("JOB_RESULT_DAYS", "7"))
# A job still running after this many hours lost its worker; it is marked failed.
JOB_MAX_HOURS = int(os.environ.get("JOB_MAX_HOURS", "12"))
# A running job's worker renews its lease a few times per this many seconds; a job whose lease
# lapsed lost its worker (kill -9, a crash) and is failed at the next look (congress/jobs.py).
JOB_LEASE_SECONDS = float(os.environ.get("JOB_LEASE_SECONDS", "30"))
