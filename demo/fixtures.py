"""Reading the demo's fixtures, and its constants."""

import json

from django.conf import settings

from congress.models import Term

FIXTURES = settings.BASE_DIR / "fixtures" / "demo"
PASSWORD = "demo12345"
DEMO_MARKER_TERM = 3


def load(name):
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def is_loaded():
    return Term.objects.filter(number=DEMO_MARKER_TERM).exists()
