"""Where a station's problem meets the suggestion workflow: a deputy takes it up as a draft
suggestion, or staff pass it to a handling unit, whose members are told."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from deputies import services as problems
from deputies.models import Problem
from suggestions import notifications
from suggestions.models import ProblemLink
from suggestions.services.intake import create_draft

ProblemStatus = Problem.Status
ProblemAction = problems.Action


@transaction.atomic
def pass_to_unit(*, problem, unit, by, on=None):
    on = on or timezone.localdate()
    problem = problems.lock_problem(problem)
    problems.require_problem_status(
        problem, [ProblemStatus.OPEN], _("Only an open problem can be passed to a unit.")
    )
    from_status = problem.status
    problem.status, problem.handling = ProblemStatus.PASSED, Problem.Handling.UNIT
    problem.unit, problem.passed_on = unit, on
    problems.save_problem_move(
        problem, from_status, ProblemAction.PASSED, by=by, on=on, note=str(unit)
    )
    notifications.notify(
        notifications.unit_users([unit]),
        gettext_lazy("A problem raised at %(station)s was passed to your unit: %(summary)s"),
        {"station": problem.station, "summary": problem.summary[:60]},
    )
    return problem


@transaction.atomic
def turn_into_suggestion(*, problem, deputy, session, category, title, by):
    """A deputy takes the problem up as a draft suggestion that links back to it."""
    problem = problems.lock_problem(problem)
    problems.require_problem_status(
        problem, [ProblemStatus.OPEN], _("Only an open problem can become a suggestion.")
    )
    content = (
        _("Raised by the public at %(station)s on %(date)s:")
        % {"station": problem.station, "date": problem.raised_on}
        + "\n\n"
        + problem.summary
    )
    suggestion = create_draft(
        deputy=deputy, session=session, title=title, content=content, category=category, by=by
    )
    from_status = problem.status
    problem.status, problem.handling = ProblemStatus.IN_SUGGESTION, Problem.Handling.SUGGESTION
    ProblemLink.objects.create(problem=problem, suggestion=suggestion)
    problems.save_problem_move(
        problem,
        from_status,
        ProblemAction.TAKEN_UP,
        by=by,
        on=timezone.localdate(),
        note=str(deputy),
    )
    return suggestion
