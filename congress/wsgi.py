import os

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "congress.settings")
application = get_wsgi_application()


def refuse_default_key():
    """A server with DEBUG off never runs on the key committed to the repository."""
    if not settings.DEBUG and settings.SECRET_KEY == settings.INSECURE_DEFAULT_SECRET_KEY:
        raise ImproperlyConfigured(
            "SECRET_KEY is the insecure default committed to the repository, and DEBUG is off. "
            "Set SECRET_KEY in the environment (or in .env; `make serve` writes a random one), "
            'e.g. python -c "import secrets; print(secrets.token_urlsafe(50))".'
        )


refuse_default_key()
