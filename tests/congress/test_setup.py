"""The two-command setup: `make run` loads the demo only into an empty database."""

from io import StringIO

from django.core.management import call_command

from congress.models import Term
from suggestions.models import Suggestion


def test_make_run_loads_the_demo_only_into_an_empty_database(db):
    Term.objects.create(number=1, name="真实数据", starts_on="2021-01-01")
    out = StringIO()
    call_command("load_demo", force=True, if_empty=True, stdout=out)
    assert "not loaded" in out.getvalue()
    assert not Suggestion.objects.exists()
