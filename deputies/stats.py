"""Station figures, each a handful of aggregate queries whatever the number of rows."""

import datetime

from django.db.models import Count, Q, Sum
from django.db.models.functions import ExtractYear

from deputies.models import DutyActivity, LiaisonStation, Problem, Reception

VisitLink = Reception.deputies.through


def year_range(year):
    return datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1)


def city_figures(year):
    start, end = year_range(year)
    receptions = Reception.objects.filter(held_on__gte=start, held_on__lt=end)
    activities = DutyActivity.objects.filter(held_on__gte=start, held_on__lt=end)
    return {
        "year": year,
        "stations": LiaisonStation.objects.count(),
        "receptions": receptions.count(),
        "deputy_visits": VisitLink.objects.filter(
            reception__held_on__gte=start, reception__held_on__lt=end
        ).count(),
        "people_received": receptions.aggregate(n=Sum("people_received"))["n"] or 0,
        "problems_raised": Problem.objects.filter(raised_on__gte=start, raised_on__lt=end).count(),
        "problems_solved": Problem.objects.solved()
        .filter(closed_on__gte=start, closed_on__lt=end)
        .count(),
        "sit_ins": activities.filter(kind=DutyActivity.Kind.SIT_IN).count(),
        "research_deputies": activities.filter(kind=DutyActivity.Kind.RESEARCH)
        .values("deputy")
        .distinct()
        .count(),
    }


def by_division(year):
    """Per county: stations, receptions, deputy visits, people, problems raised and solved."""
    start, end = year_range(year)
    rows = {}

    def merge(queryset, key, **values):
        for row in queryset.values(key).annotate(**values).order_by():
            rows.setdefault(row[key], {}).update({k: row[k] for k in values})

    merge(LiaisonStation.objects, "division", stations=Count("pk"))
    merge(
        Reception.objects.filter(held_on__gte=start, held_on__lt=end),
        "station__division",
        receptions=Count("pk"),
        people_received=Sum("people_received"),
    )
    merge(
        VisitLink.objects.filter(reception__held_on__gte=start, reception__held_on__lt=end),
        "reception__station__division",
        deputy_visits=Count("pk"),
    )
    merge(
        Problem.objects.filter(raised_on__gte=start, raised_on__lt=end),
        "station__division",
        problems_raised=Count("pk"),
    )
    merge(
        Problem.objects.solved().filter(closed_on__gte=start, closed_on__lt=end),
        "station__division",
        problems_solved=Count("pk"),
    )
    return rows


def years():
    """Every year that has receptions, newest first."""
    found = (
        Reception.objects.annotate(year=ExtractYear("held_on"))
        .values_list("year", flat=True)
        .distinct()
        .order_by("-year")
    )
    return list(found)


def station_totals(station):
    return {
        **Reception.objects.filter(station=station).aggregate(
            receptions=Count("pk"), people_received=Sum("people_received")
        ),
        "deputy_visits": VisitLink.objects.filter(reception__station=station).count(),
        **Problem.objects.filter(station=station).aggregate(
            problems_raised=Count("pk"),
            problems_solved=Count("pk", filter=Q(status=Problem.Status.CLOSED, solved=True)),
        ),
    }
