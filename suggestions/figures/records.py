"""A deputy's duty record (履职档案), per year, and a delegation's records as a spreadsheet."""

from collections import defaultdict

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from congress.spreadsheets import xlsx_response
from deputies.models import Deputy, DutyActivity, Reception
from suggestions.models import CoSigner, Suggestion


def duty_record(deputy):
    led = (
        Suggestion.objects.filter(lead_deputy=deputy)
        .exclude(status=Suggestion.Status.DRAFT)
        .select_related("session")
        .order_by("-submitted_on")
    )
    signed = (
        CoSigner.objects.filter(deputy=deputy, confirmed_on__isnull=False)
        .select_related("suggestion__session")
        .order_by("-confirmed_on")
    )
    visits = (
        Reception.objects.filter(deputies=deputy).select_related("station").order_by("-held_on")
    )
    activities = DutyActivity.objects.filter(deputy=deputy).order_by("-held_on")
    years = defaultdict(lambda: {"led": [], "co_signed": [], "visits": [], "activities": []})
    for s in led:
        years[(s.submitted_on or s.session.opens_on).year]["led"].append(s)
    for sig in signed:
        years[sig.suggestion.session.opens_on.year]["co_signed"].append(sig.suggestion)
    for reception in visits:
        years[reception.held_on.year]["visits"].append(reception)
    for activity in activities:
        years[activity.held_on.year]["activities"].append(activity)
    return {"years": sorted(years.items(), reverse=True)}


def delegation_rows(delegation, year):
    """One row per deputy of the delegation: their duties in the year, counted in one query."""

    def in_year(field):
        return Q(**{f"{field}__year": year})

    deputies = (
        Deputy.objects.filter(delegation=delegation)
        .annotate(
            visits=Count(
                "station_visits", filter=in_year("station_visits__held_on"), distinct=True
            ),
            sit_ins=Count(
                "activities",
                filter=in_year("activities__held_on") & Q(activities__kind="sit_in"),
                distinct=True,
            ),
            research=Count(
                "activities",
                filter=in_year("activities__held_on") & Q(activities__kind="research"),
                distinct=True,
            ),
            trainings=Count(
                "activities",
                filter=in_year("activities__held_on") & Q(activities__kind="training"),
                distinct=True,
            ),
            led=Count(
                "led_suggestions",
                filter=in_year("led_suggestions__session__opens_on")
                & ~Q(led_suggestions__status=Suggestion.Status.DRAFT),
                distinct=True,
            ),
            co_signed=Count(
                "signatures",
                filter=in_year("signatures__suggestion__session__opens_on")
                & Q(signatures__confirmed_on__isnull=False),
                distinct=True,
            ),
        )
        .order_by("name")
    )
    for d in deputies:
        yield [
            d.name,
            d.get_level_display(),
            d.occupation,
            d.visits,
            d.sit_ins,
            d.research,
            d.trainings,
            d.led,
            d.co_signed,
        ]


def delegation_workbook(delegation, year):
    header = [
        _("Deputy"),
        _("Level"),
        _("Occupation"),
        _("Station visits"),
        _("Standing committee meetings sat in on"),
        _("Research and inspections"),
        _("Trainings"),
        _("Suggestions led"),
        _("Suggestions co-signed"),
    ]
    return xlsx_response(
        f"duty-records-{delegation.pk}-{year}.xlsx",
        f"{delegation.name}{year}",
        header,
        delegation_rows(delegation, year),
    )
