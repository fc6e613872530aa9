"""Settings, read from environment variables with safe defaults (SQLite, DEBUG off)."""

import os
from pathlib import Path
from urllib.parse import unquote, urlparse

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    return os.environ.get(name, str(default)).lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DEBUG")
# A deployment sets its own key; the default only serves a local checkout.
SECRET_KEY = os.environ.get("SECRET_KEY", "insecure-local-checkout-key")
ALLOWED_HOSTS = os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")

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
    "congress",
    "deputies",
    "suggestions",
    "demo",  # the demo congress (load_demo); no models
]

MIDDLEWARE = [
    "congress.cache.PublicPageCacheMiddleware",  # anonymous public pages, see congress/cache.py
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

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
DATABASE_ROUTERS = ["congress.routers.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
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
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "noreply@congress.example")

# The handling rules. These are the defaults of DOMAIN.md; cities differ, so a deployment may
# override any of them with SUGGESTION_RULES_<NAME>=<number> in the environment.
SUGGESTION_RULES = {
    "REPLY_MONTHS": 3,  # reply due this many months after assignment
    "MAX_REPLY_MONTHS": 6,  # an approved extension never goes past this
    "REHANDLING_MONTHS": 1,  # a new reply after a dissatisfied evaluation
    "CO_OPINION_MONTHS": 1,  # co-handlers send their views to the lead unit
    "RETURN_REQUEST_DAYS": 10,  # a unit may ask to return a wrong assignment
    "ASSIGN_WITHIN_WORKDAYS": 5,  # between-session suggestions are assigned this fast
    "EVALUATION_DAYS": 30,  # after this, staff may close an unevaluated reply
    "DUE_SOON_DAYS": 7,  # "due soon" warnings
}
for _name in SUGGESTION_RULES:
    if os.environ.get(f"SUGGESTION_RULES_{_name}"):
        SUGGESTION_RULES[_name] = int(os.environ[f"SUGGESTION_RULES_{_name}"])

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

# Django's cache framework: local memory by default (one process), Redis when REDIS_URL is set
# (shared by every worker and machine; the public pages' version lives there).
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    }
# A cached public page is dropped at the next write anyway; this only bounds the memory.
PUBLIC_PAGE_SECONDS = int(os.environ.get("PUBLIC_PAGE_SECONDS", 600))

NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 200
