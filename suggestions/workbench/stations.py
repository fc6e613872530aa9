"""Station work behind login: keepers record receptions, problems are followed to their end,
staff record deputies' duties and export duty records. Access rules live in `Viewer`."""

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from congress.errors import WorkflowError
from congress.models import Session
from congress.tenancy import reverse_in
from congress.viewer import PERSON_RELATIONS, require_staff, viewer_for
from congress.views import service_form_page
from deputies import services
from deputies.access import visible_problems
from deputies.forms import (
    ActivityForm,
    CloseProblemForm,
    DelegationExportForm,
    OutcomeForm,
    PassForm,
    ProblemFormSet,
    ReceptionForm,
    TakeUpForm,
    UnitAnswerForm,
)
from deputies.models import LiaisonStation, Problem
from suggestions.access import visible_suggestions
from suggestions.figures import records
from suggestions.forms import with_unit_aliases
from suggestions.models import Suggestion
from suggestions.services import stations as problem_services

P = Problem.Status


@dataclass(frozen=True)
class ProblemAction:
    form: type
    who: str  # "keeper", "unit" (the unit it was passed to) or "deputy"
    call: Any  # (viewer, problem, data) -> None
    done: str
    when: tuple


PROBLEM_ACTIONS = {
    "on_the_spot": ProblemAction(
        OutcomeForm,
        "keeper",
        lambda v, p, d: services.answer_on_the_spot(problem=p, by=v.user, **d),
        _("Recorded as answered on the spot."),
        (P.OPEN,),
    ),
    "pass": ProblemAction(
        PassForm,
        "keeper",
        lambda v, p, d: problem_services.pass_to_unit(problem=p, by=v.user, **d),
        _("Passed to the unit; it is told."),
        (P.OPEN,),
    ),
    "answer": ProblemAction(
        UnitAnswerForm,
        "unit",
        lambda v, p, d: services.unit_answers(problem=p, by=v.user, **d),
        _("Your answer is recorded."),
        (P.PASSED,),
    ),
    "take_up": ProblemAction(
        TakeUpForm,
        "deputy",
        lambda v, p, d: problem_services.turn_into_suggestion(
            problem=p, deputy=v.deputy, session=Session.objects.current(), by=v.user, **d
        ),
        _("A draft suggestion was made from the problem; finish and submit it."),
        (P.OPEN,),
    ),
    "close": ProblemAction(
        CloseProblemForm,
        "keeper",
        lambda v, p, d: services.close_problem(problem=p, by=v.user, **d),
        _("The problem is closed."),
        (P.OPEN, P.ANSWERED, P.IN_SUGGESTION),
    ),
}


def _may(viewer, problem, who):
    if who == "keeper":
        return viewer.keeps(problem.station_id)
    if who == "unit":
        return viewer.is_staff or problem.unit_id in viewer.unit_ids
    return viewer.deputy is not None


def _visible_problem(viewer, pk):
    problem = (
        visible_problems(viewer)
        .select_related(
            "station__division", "unit", "category", "suggestion_link__suggestion", "reception"
        )
        .filter(pk=pk)
        .first()
    )
    if problem is None:
        raise Http404
    return problem


@login_required
@require_GET
def problem(request, pk):
    viewer = viewer_for(request)
    return problem_page(request, viewer, _visible_problem(viewer, pk))


KEEPER_QUEUE = 30


def keeper_section(viewer):
    """The keeper's queue: their stations' problems not yet closed, the oldest first."""
    waiting = Problem.objects.filter(station__in=viewer.kept_station_ids).exclude(status=P.CLOSED)
    return {
        "keeper_problems": waiting.select_related("station", "unit").order_by("raised_on", "pk")[
            :KEEPER_QUEUE
        ],
        "keeper_waiting": waiting.count(),
    }


def _suggestion_url(viewer, problem):
    """Where the problem's suggestion may be read by this viewer: its workbench page if they
    may see it, its public page once it is public, else nowhere (a keeper and a draft)."""
    linked = problem.suggestion
    if linked is None:
        return None
    if linked.lead_deputy_id in {seat.pk for seat in viewer.seats}:
        # Taken up by this person, perhaps from their seat at another level: on its own site.
        return reverse_in(linked.session.congress, "workbench:suggestion", linked.pk)
    if visible_suggestions(viewer).filter(pk=linked.pk).exists():
        return reverse("workbench:suggestion", args=[linked.pk])
    if Suggestion.objects.public().filter(pk=linked.pk).exists():
        return reverse("suggestions:detail", args=[linked.pk])
    return None


def _unit_aliases(form):
    """The problem forms' unit pickers find a unit by its aliases too (the deputies app, where
    the forms live, sits below the alias table)."""
    return with_unit_aliases(form, *(n for n in ("unit",) if n in form.fields))


def problem_page(request, viewer, problem, bound=None, status=200):
    bound = bound or {}
    forms = {}
    for name, spec in PROBLEM_ACTIONS.items():
        if _may(viewer, problem, spec.who) and (name in bound or problem.status in spec.when):
            forms[name] = bound.get(name) or _unit_aliases(spec.form())
    return render(
        request,
        "workbench/problem.html",
        {
            "problem": problem,
            "viewer": viewer,
            "forms": forms,
            "private": viewer.sees_private_details(problem),
            "outcome": services.problem_outcome(problem),
            "suggestion_url": _suggestion_url(viewer, problem),
            "events": problem.events.select_related("actor").prefetch_related(
                *(f"actor__{rel}" for rel in PERSON_RELATIONS)
            ),
        },
        status=status,
    )


@login_required
@require_POST
def problem_act(request, pk, action):
    viewer = viewer_for(request)
    problem = _visible_problem(viewer, pk)
    spec = PROBLEM_ACTIONS.get(action)
    if spec is None:
        raise Http404
    if not _may(viewer, problem, spec.who):
        raise PermissionDenied
    form = spec.form(request.POST)
    if form.is_valid():
        try:
            result = spec.call(viewer, problem, form.cleaned_data)
        except WorkflowError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, spec.done)
            if action == "take_up":
                return redirect("workbench:draft_edit", pk=result.pk)
            return redirect("stations_work:problem", pk=problem.pk)
    return problem_page(request, viewer, problem, bound={action: form}, status=400)


@login_required
@require_GET
def problem_list(request):
    viewer = viewer_for(request)
    problems = (
        visible_problems(viewer).select_related("station", "unit").order_by("-raised_on", "-pk")
    )
    status = request.GET.get("status", "")
    if status in P.values:
        problems = problems.filter(status=status)
    else:
        status = ""
    return render(
        request,
        "workbench/problem_list.html",
        {
            "page": Paginator(problems, 50).get_page(request.GET.get("page")),
            "status": status,
            "statuses": P.choices,
            "viewer": viewer,
            "query": f"status={status}",
        },
    )


@login_required
@require_GET
def station_list(request):
    viewer = viewer_for(request)
    if not (viewer.is_staff or viewer.is_keeper):
        raise PermissionDenied
    stations = (
        LiaisonStation.objects.select_related("division")
        .annotate(
            open_problems=Count("problems", filter=~Q(problems__status=P.CLOSED)),
        )
        .order_by("division__order", "township", "name")
    )
    if not viewer.is_staff:
        stations = stations.filter(pk__in=viewer.kept_station_ids)
    query = request.GET.get("q", "").strip()[:50]
    if query:
        stations = stations.filter(name__icontains=query)
    return render(
        request,
        "workbench/station_list.html",
        {
            "page": Paginator(stations, 30).get_page(request.GET.get("page")),
            "q": query,
            "viewer": viewer,
            "query": f"q={query}",
        },
    )


@login_required
def reception_new(request, pk):
    viewer = viewer_for(request)
    station = get_object_or_404(LiaisonStation.objects.select_related("division"), pk=pk)
    if not viewer.keeps(station.pk):
        raise PermissionDenied
    data = request.POST if request.method == "POST" else None
    form = ReceptionForm(data, station=station, initial={"held_on": timezone.localdate()})
    problems = ProblemFormSet(data, prefix="problems")
    if data is not None and form.is_valid() and problems.is_valid():
        try:
            services.record_reception(
                station=station,
                by=viewer.user,
                **form.cleaned_data,
                problems=[p for p in problems.cleaned_data if p and p.get("summary")],
            )
        except WorkflowError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The reception is recorded."))
            return redirect("stations_work:problems")
    return render(
        request,
        "workbench/reception_form.html",
        {"station": station, "form": form, "problems": problems, "viewer": viewer},
    )


@login_required
def activity_new(request):
    require_staff(request)
    return service_form_page(
        request,
        ActivityForm(request.POST or None),
        lambda data: services.record_activity(**data),
        title=_("Record a deputy's duty activity"),
        done=_("The activity is recorded."),
        next_url="stations_work:activity_new",
    )


@login_required
@require_GET
def records_export(request):
    require_staff(request)
    form = DelegationExportForm(request.GET or None, initial={"year": timezone.localdate().year})
    if request.GET and form.is_valid():
        return records.delegation_workbook(
            form.cleaned_data["delegation"], form.cleaned_data["year"]
        )
    return render(
        request,
        "workbench/form_page.html",
        {
            "form": form,
            "title": _("Export a delegation's duty records (Excel)"),
            "method": "get",
            "viewer": viewer_for(request),
        },
    )
