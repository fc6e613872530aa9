"""A deputy's duty record (履职档案), gathered per year."""

from collections import defaultdict

from suggestions.models import CoSigner, Suggestion


def duty_record(deputy):
    led = (
        Suggestion.objects.filter(lead_deputy=deputy)
        .exclude(status="draft")
        .select_related("session")
        .order_by("-submitted_on")
    )
    signed = (
        CoSigner.objects.filter(deputy=deputy, confirmed_on__isnull=False)
        .select_related("suggestion__session")
        .order_by("-confirmed_on")
    )
    years = defaultdict(lambda: {"led": [], "co_signed": []})
    for s in led:
        years[(s.submitted_on or s.session.opens_on).year]["led"].append(s)
    for sig in signed:
        years[sig.suggestion.session.opens_on.year]["co_signed"].append(sig.suggestion)
    return {"years": sorted(years.items(), reverse=True)}
