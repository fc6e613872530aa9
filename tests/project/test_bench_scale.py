"""bench/scale.py works: a small build, then every page it times answers 200."""

import pytest

from bench import scale
from suggestions.figures import stats
from suggestions.models import Assignment, Event, Suggestion

pytestmark = pytest.mark.django_db


def test_small_scale_bench_builds_in_proportion_and_times_every_page():
    scale.build(2000, per_session=1000, progress=lambda line: None)
    assert Suggestion.objects.count() == 2000
    assert Assignment.objects.count() > 1000
    assert Event.objects.count() > 5 * 2000
    # The build leaves the summary rows equal to a live count.
    assert stats.session_overview(None).closed == Suggestion.objects.filter(status="closed").count()
    lines = []
    times, loads, unknowns = scale.measure(repeat=1, load=False, out=lines.append)
    assert len(times) == len(scale.pages()) + len(scale.login_pages()) > 20
    assert loads == {} and unknowns == {}
    assert any("/suggestions/ last page" in line for line in lines)
