"""What happens at the liaison stations: receptions and the problems the public raise there.

Like the suggestion workflow, each change is one function that checks the current state,
locks the row and refuses with a readable `WorkflowError`.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congress.errors import WorkflowError
from congress.history import describe_changes, log_action
from deputies.models import DutyActivity, Problem, ProblemEvent, Reception

Status = Problem.Status
Action = ProblemEvent.Action


def write_problem_event(problem, action, *, by, on, note="", from_status=""):
    """The problem's timeline, as `congress.history.log_action` writes it."""
    return ProblemEvent.objects.create(
        problem=problem,
        action=action,
        from_status=from_status,
        to_status=problem.status if from_status else "",
        occurred_on=on,
        actor=by,
        note=note,
    )


def _record(problem, action, *, by, on, from_status="", note=""):
    """Write the problem's history line; a move names the statuses it went from and to."""
    return log_action(problem, action, by=by, on=on, note=note, from_status=from_status)


def save_problem_move(problem, from_status, action, *, by, on, note=""):
    problem.save()
    return _record(problem, action, by=by, on=on, from_status=from_status, note=note)


@transaction.atomic
def record_reception(*, station, held_on, deputies, people_received, note="", problems=(), by):
    """A reception and the problems raised at it; `problems` are dicts of the Problem fields."""
    if held_on > timezone.localdate():
        raise WorkflowError(_("A reception cannot be dated in the future."))
    if people_received < 0:
        raise WorkflowError(_("The number of people received cannot be negative."))
    problems = [p for p in problems if p.get("summary", "").strip()]
    if len(problems) > people_received:
        raise WorkflowError(_("More problems were recorded than people received."))
    reception = Reception.objects.create(
        station=station, held_on=held_on, people_received=people_received, note=note, recorded_by=by
    )
    reception.deputies.set(deputies)
    for fields in problems:
        problem = Problem.objects.create(
            reception=reception, station=station, raised_on=held_on, **fields
        )
        _record(problem, Action.RAISED, by=by, on=held_on, note=str(station))
    return reception


def lock_problem(problem):
    return Problem.objects.select_for_update().get(pk=problem.pk)


def require_problem_status(problem, allowed, message):
    if problem.status not in allowed:
        raise WorkflowError(message)


@transaction.atomic
def answer_on_the_spot(*, problem, outcome, person_told=True, by, on=None):
    on = on or timezone.localdate()
    problem = lock_problem(problem)
    require_problem_status(
        problem, [Status.OPEN], _("Only an open problem can be answered on the spot.")
    )
    if not outcome.strip():
        raise WorkflowError(_("Say how the problem was answered."))
    from_status = problem.status
    problem.status, problem.handling = Status.CLOSED, Problem.Handling.ON_THE_SPOT
    problem.outcome, problem.solved, problem.person_told, problem.closed_on = (
        outcome,
        True,
        person_told,
        on,
    )
    save_problem_move(problem, from_status, Action.ANSWERED_ON_THE_SPOT, by=by, on=on, note=outcome)
    return problem


@transaction.atomic
def unit_answers(*, problem, answer, by, on=None):
    on = on or timezone.localdate()
    problem = lock_problem(problem)
    require_problem_status(
        problem, [Status.PASSED], _("This problem is not waiting for the unit's answer.")
    )
    if not answer.strip():
        raise WorkflowError(_("The answer is empty."))
    from_status = problem.status
    problem.status, problem.unit_answer, problem.answered_on = Status.ANSWERED, answer, on
    save_problem_move(
        problem, from_status, Action.UNIT_ANSWERED, by=by, on=on, note=str(problem.unit)
    )
    return problem


@transaction.atomic
def close_problem(*, problem, outcome, solved, person_told, by, on=None):
    """Close a problem: how it was solved (or why not) and whether the person was told."""
    on = on or timezone.localdate()
    problem = lock_problem(problem)
    require_problem_status(
        problem,
        [Status.OPEN, Status.ANSWERED, Status.IN_SUGGESTION],
        _("This problem cannot be closed now."),
    )
    if problem.status == Status.IN_SUGGESTION and (
        problem.suggestion is None
        or problem.suggestion.status not in problem.suggestion.REPLIED_STATUSES
    ):
        raise WorkflowError(_("Wait for the reply to the suggestion before closing the problem."))
    if not outcome.strip():
        raise WorkflowError(_("Say how the problem was solved, or why it was not."))
    from_status = problem.status
    problem.status, problem.outcome, problem.solved = Status.CLOSED, outcome, solved
    problem.person_told, problem.closed_on = person_told, on
    save_problem_move(problem, from_status, Action.CLOSED, by=by, on=on, note=outcome)
    return problem


PROBLEM_EDITABLE = ["summary", "category", "person_name", "person_phone", "raised_on"]


@transaction.atomic
def update_problem(*, problem, changes, by, on=None):
    """Correct a problem's details (the back office); the history names each field changed.

    Its workflow (status, unit, suggestion, outcome) moves only through the functions above.
    """
    on = on or timezone.localdate()
    problem = lock_problem(problem)
    unknown = set(changes) - set(PROBLEM_EDITABLE)
    if unknown:
        raise WorkflowError(
            _("These fields change only through the workflow: %(fields)s")
            % {"fields": ", ".join(sorted(unknown))}
        )
    note = describe_changes(problem, changes, private=["person_name", "person_phone"])
    if not note:
        return problem
    for field, value in changes.items():
        setattr(problem, field, value)
    problem.save(update_fields=list(changes))
    _record(problem, Action.EDITED, by=by, on=on, note=note)
    return problem


def record_activity(*, deputy, kind, held_on, title, note=""):
    if not title.strip():
        raise WorkflowError(_("The title is empty."))
    return DutyActivity.objects.create(
        deputy=deputy, kind=kind, held_on=held_on, title=title, note=note
    )


def problem_outcome(problem):
    """What the public and the station see as the problem's outcome so far (no personal data)."""
    if problem.status == Status.CLOSED:
        return problem.outcome
    if problem.status == Status.ANSWERED:
        return problem.unit_answer
    if problem.status == Status.IN_SUGGESTION and problem.suggestion:
        s = problem.suggestion
        if s.status in (s.Status.DRAFT, s.Status.SUBMITTED):
            return _("Taken up in a suggestion by a deputy.")
        return _("Taken up in suggestion %(number)s: %(status)s") % {
            "number": s.number_label,
            "status": s.get_status_display(),
        }
    return ""
