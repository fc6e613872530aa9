"""Writing an import: new suggestions brought to the state their sheet gives, in bulk where
the rows allow it (`suggestions.imports.replay`), through the services otherwise."""

from dataclasses import dataclass

from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from congress import cache as page_cache
from congress.models import Session
from suggestions import notifications
from suggestions.figures.summaries import in_step, touched_session
from suggestions.imports import replay as import_replay
from suggestions.models import (
    Assignment,
    CoSigner,
    Event,
    Satisfaction,
    Suggestion,
    WorkflowError,
)
from suggestions.services.assignment import assign, name_responsible_person
from suggestions.services.common import _today, site_text
from suggestions.services.editing import update_suggestion
from suggestions.services.evaluation import close, evaluate
from suggestions.services.intake import register
from suggestions.services.replies import reply
from suggestions.services.sessions import conclude_session

Status = Suggestion.Status
Action = Event.Action


# --- corrections and imports ----------------------------------------------------------------


@in_step
def bring_to_final_state(
    *,
    suggestion,
    lead_unit,
    co_units=(),
    reply_class="",
    satisfaction="",
    assigned_on=None,
    replied_on=None,
    contacted=False,
    responsible_person="",
    by,
    today=None,
):
    """Replay the handling of a concluded suggestion through the ordinary services.

    Registered and assigned on the day given (by default when the session closed), replied
    with its class (by default on its due date: nothing says it was late), rated by its lead
    deputy the same day, and closed; without a rating it is closed once the evaluation period
    has passed. A dissatisfied rating leaves it in re-handling, as it would be in the app;
    in a concluded session it is the deputy's last word, and the suggestion is closed.

    The reference for `import_replay`, which writes the same rows for many new suggestions
    at once (tests/test_import_bulk.py compares the two).
    """
    today = _today(today)
    registered_on, assigned_on = import_replay.concluded_assignment_dates(
        suggestion.session, suggestion.submitted_on, assigned_on
    )
    register(suggestion=suggestion, by=by, on=registered_on)
    assign(suggestion=suggestion, lead_unit=lead_unit, co_units=co_units, by=by, on=assigned_on)
    assignment = suggestion.assignments.get(role=Assignment.Role.LEAD)
    if responsible_person:
        name_responsible_person(
            assignment=assignment, person=responsible_person, by=by, on=assigned_on
        )
    if not reply_class:
        return
    replied_on = import_replay.concluded_reply_date(
        replied_on, assigned_on, assignment.due_on, today
    )
    reply(
        assignment=assignment,
        reply_class=reply_class,
        text=import_replay.imported_reply_text(),
        signed_by=import_replay.imported_signature(),
        by=by,
        on=replied_on,
        imported=True,
    )
    last_word = suggestion.session.is_concluded
    if satisfaction:
        evaluate(
            suggestion=suggestion,
            deputy=suggestion.lead_deputy,
            satisfaction=satisfaction,
            contacted=contacted,
            last_word=last_word,
            by=by,
            on=replied_on,
        )
        if satisfaction != Satisfaction.DISSATISFIED or last_word:
            close(suggestion=suggestion, by=by, on=replied_on)
        return
    closes_on = import_replay.unrated_closing_date(replied_on, today)
    if closes_on:
        close(suggestion=suggestion, by=by, on=closes_on)


@in_step
def import_suggestions(*, session, plans, by, on=None, progress=None, bulk=True):
    """Save a checked import all at once: every row or none. Returns the counts.

    New rows are created; with handling columns they are brought to their final state, in
    bulk by `import_replay` (the rows the services would write, a few statements per thousand
    suggestions) or, with `bulk=False` and for a row the bulk replay cannot take, through
    `bring_to_final_state` one service at a time. Rows of suggestions already in the session
    apply their changes through `update_suggestion`; unchanged rows are skipped, so importing
    a file twice changes nothing. Every event the import writes is marked as imported. The
    session row is locked so that two imports cannot take the same numbers, and the session's
    summary rows are recounted once, at the end. Nobody is notified of replayed work.
    `progress(n)` is called as suggestions are brought to their final state (the command).
    """
    on = _today(on)
    plans = list(plans)
    refused = [p for p in plans if p.action == "refused"]
    if refused:
        raise WorkflowError(
            _("%(count)s row(s) have problems; nothing was imported.") % {"count": len(refused)}
        )
    session = Session.objects.select_for_update().get(pk=session.pk)
    first_event = Event.objects.aggregate(n=Max("pk"))["n"] or 0
    touched_session(session)
    # The new suggestions are written in bulk (no signal): their session's pages are stale.
    page_cache.bump_now_and_on_commit(page_cache.session(session.pk))
    new = [p for p in plans if p.action == "create"]
    numbers = [p.values["number"] for p in new]
    if Suggestion.objects.filter(session=session, number__in=numbers).exists():
        raise WorkflowError(_("Some numbers were taken meanwhile; check the file again."))
    suggestions, replays = [], []
    for p in new:
        suggestion = Suggestion(
            session=session,
            number=p.values["number"],
            title=p.values["title"],
            content=p.values["content"],
            category=p.category,
            lead_deputy=p.lead,
            delegation=p.lead.delegation,
            period=p.values["period"],
            submitted_on=p.values["submitted_on"],
            status=Status.SUBMITTED,
        )
        # Created in its final state when the bulk replay can take it (None: the services).
        replay = import_replay.prepare(suggestion, p, today=on) if bulk and p.conclude else None
        suggestions.append(suggestion)
        replays.append(replay)
    import_replay.insert(
        Suggestion,
        import_replay.SUGGESTION_COLUMNS,
        ([getattr(s, name) for name in import_replay.SUGGESTION_COLUMNS] for s in suggestions),
    )
    ids = dict(
        Suggestion.objects.filter(session=session, number__in=numbers).values_list("number", "pk")
    )
    for suggestion in suggestions:
        suggestion.pk = ids[suggestion.number]
        suggestion._state.adding, suggestion._state.db = False, "default"
    created = suggestions
    # Plain INSERTs (`import_replay.insert`): a session of 10,000 has some 20,000 co-signers,
    # 200,000 text bands and 70,000 events, too many rows for Django to prepare one by one.
    import_replay.insert(
        CoSigner,
        ["suggestion_id", "deputy_id", "confirmed_on"],
        (
            (s.pk, deputy.pk, s.submitted_on)
            for s, p in zip(created, new, strict=True)
            for deputy in p.co_signers
        ),
    )
    import_replay.index(created)  # links to earlier sessions are found at registration
    reason = site_text(gettext_lazy("imported from a file"))
    import_replay.insert(
        Event,
        import_replay.EVENT_COLUMNS,
        (
            (s.pk, Action.ENTERED.value, "", "", s.submitted_on, by and by.pk, reason, True, True)
            for s in created
        ),
    )
    with notifications.muted():
        concluded = import_replay.write(
            [r for r in replays if r is not None],
            session=session,
            by=by,
            progress=progress,
        )
        serviced = []  # suggestions the services wrote to: their events are marked below
        for suggestion, plan, replay in zip(created, new, replays, strict=True):
            if plan.conclude and replay is None:
                suggestion.session = session
                _conclude(suggestion, plan, by, on)
                serviced.append(suggestion.pk)
                concluded += 1
                if progress and concluded % 100 == 0:
                    progress(concluded)
        updated = 0
        for plan in plans:
            if plan.action != "update":
                continue
            updated += 1
            suggestion = plan.existing
            serviced.append(suggestion.pk)
            if plan.changes:
                update_suggestion(suggestion=suggestion, changes=plan.changes, by=by, reason=reason)
                suggestion.refresh_from_db()
            if plan.conclude:
                _conclude(suggestion, plan, by, on)
                concluded += 1
            elif plan.responsible_change:
                name_responsible_person(
                    assignment=plan.responsible_lead, person=plan.responsible_person, by=by, on=on
                )
        if session.is_concluded:  # a past session: replied but unrated rows close too
            mine = [s.pk for s in created] + [p.existing.pk for p in plans if p.existing]
            conclude_session(session=session, by=by, on=on, only=mine)
            serviced.extend(
                Event.objects.filter(
                    pk__gt=first_event, action=Action.SESSION_CONCLUDED
                ).values_list("suggestion_id", flat=True)
            )
    if serviced:
        Event.objects.filter(pk__gt=first_event, suggestion_id__in=serviced).update(imported=True)
    return ImportCounts(created=len(created), updated=updated, concluded=concluded)


def _conclude(suggestion, plan, by, on):
    try:
        _replay(suggestion, plan, by, on)
    except WorkflowError as error:  # say which row, since the whole import is undone
        raise WorkflowError(f"{plan.where}: {error}") from error


def _replay(suggestion, plan, by, on):
    bring_to_final_state(
        suggestion=suggestion,
        lead_unit=plan.lead_unit,
        co_units=plan.co_units,
        reply_class=plan.reply_class,
        satisfaction=plan.satisfaction,
        assigned_on=plan.values.get("assigned_on"),
        replied_on=plan.values.get("replied_on"),
        responsible_person=plan.responsible_person,
        by=by,
        today=on,
    )


@dataclass
class ImportCounts:
    created: int = 0
    updated: int = 0
    concluded: int = 0
