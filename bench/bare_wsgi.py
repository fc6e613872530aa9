"""The project's WSGI application plus a bare view at /__bare__/, for bench/scale.py.

The bare view (`HttpResponse("ok")`, through the same middleware) is the ceiling a page's
throughput is compared with, served by the same gunicorn in the same run.
"""

import os

import django
from django.conf import settings
from django.http import HttpResponse
from django.urls import path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "congress.settings")
django.setup()

from django.core.wsgi import get_wsgi_application  # noqa: E402

from congress import urls as project_urls  # noqa: E402


def bare(request):
    return HttpResponse("ok")


class urls:  # noqa: N801  (a stand-in urlconf module)
    urlpatterns = [path("__bare__/", bare), *project_urls.urlpatterns]


settings.ROOT_URLCONF = urls
application = get_wsgi_application()
