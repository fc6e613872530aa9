"""A unit's reply and what follows it: revisions, follow-ups of B/C promises, publication."""

import datetime
import difflib
import os
import re

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from suggestions import notifications
from suggestions.figures.summaries import in_step
from suggestions.models import (
    Assignment,
    Event,
    Reply,
    ReplyClass,
    Suggestion,
    WorkflowError,
)
from suggestions.services.assignment import _lock_assignment
from suggestions.services.checks import (
    check_follow_up,
    check_publish,
    check_reply,
    check_revise_reply,
)
from suggestions.services.common import (
    _lock,
    _move,
    _record,
    _refresh_due_on,
    _today,
    rule,
    site_text,
)

Status = Suggestion.Status
Action = Event.Action


# --- replies ---------------------------------------------------------------------------------


def _check_reply_fields(reply_class, text, signed_by):
    if reply_class not in ReplyClass.values:
        raise WorkflowError(_("The reply class must be one of A, B, C and D."))
    if not text.strip():
        raise WorkflowError(_("The reply text is empty."))
    if not signed_by.strip():
        raise WorkflowError(_("A reply is signed by the unit's head."))


def _summary_class(suggestion):
    """The lead unit's class; with split handling, the least favourable of the units' classes."""
    classes = list(
        suggestion.replies.current()
        .order_by("-replied_on", "-id")
        .values_list("assignment__role", "reply_class")
    )
    lead = [c for role, c in classes if role == Assignment.Role.LEAD]
    if lead:
        return lead[0]
    return max((c for _role, c in classes), default="")


def IMPORTED_PROMISE():  # noqa: N802  (a site-language text, computed when used)
    return site_text(gettext_lazy("As in the paper reply (imported; no date to follow up)."))


def _check_promise(reply_class, promise, promised_by, promise_year, on):
    """A B or C reply promises what will be done and by when: a date, or a year (列入计划).

    Returns (promised_by, year_only); A and D replies promise nothing.
    """
    promise = (promise or "").strip()
    if reply_class not in (ReplyClass.B, ReplyClass.C):
        if promise or promised_by or promise_year:
            raise WorkflowError(_("Only a B or C reply makes a promise; leave the promise empty."))
        return None, False
    if not promise:
        raise WorkflowError(_("A B or C reply says what will be done (the promise)."))
    if promised_by and promise_year:
        raise WorkflowError(_("Give the promise either a date or a year, not both."))
    if promise_year:
        if not on.year <= promise_year <= on.year + rule("PROMISE_MAX_YEARS"):
            raise WorkflowError(
                _("The promised year must be between %(first)s and %(last)s.")
                % {"first": on.year, "last": on.year + rule("PROMISE_MAX_YEARS")}
            )
        return datetime.date(promise_year, 12, 31), True
    if not promised_by:
        raise WorkflowError(_("A B or C reply says by when: a date, or a year for 列入计划."))
    if promised_by <= on:
        raise WorkflowError(_("The promised date must be after the reply's date."))
    if promised_by.year > on.year + rule("PROMISE_MAX_YEARS"):
        raise WorkflowError(
            _("A promise cannot be more than %(years)s years away.")
            % {"years": rule("PROMISE_MAX_YEARS")}
        )
    return promised_by, False


def _promise_fields(reply_class, promise, promised_by, promise_year, on, imported=False):
    if imported and reply_class in (ReplyClass.B, ReplyClass.C) and not promise:
        # A concluded session brought in from a summary sheet: its promise is in the paper
        # reply, with no date to follow up, so it is recorded as such and not tracked.
        return {"promise": IMPORTED_PROMISE(), "promised_by": None, "promise_year_only": False}
    date, year_only = _check_promise(reply_class, promise, promised_by, promise_year, on)
    return {
        "promise": (promise or "").strip() if date else "",
        "promised_by": date,
        "promise_year_only": year_only,
    }


def _tell_deputies(suggestion, text, values):
    """The lead deputy and every confirmed co-signer."""
    co_signers = suggestion.signatures.filter(confirmed_on__isnull=False).select_related("deputy")
    notifications.notify(
        notifications.deputy_users([suggestion.lead_deputy, *(s.deputy for s in co_signers)]),
        text,
        values,
        suggestion=suggestion,
    )


@in_step
def reply(
    *,
    assignment,
    reply_class,
    text,
    signed_by,
    by,
    on=None,
    attachment=None,
    promise="",
    promised_by=None,
    promise_year=None,
    imported=False,
):
    """The unit's written reply (答复). When every reply owed is in, the suggestion is replied.

    A B or C reply carries its promise: what will be done, by a date or within a year (a reply
    `imported` from a concluded session's sheet may have none: it is not tracked)."""
    on = _today(on)
    suggestion, assignment = _lock_assignment(assignment)
    check_reply(suggestion, assignment)
    _check_reply_fields(reply_class, text, signed_by)
    if on < assignment.assigned_on:
        raise WorkflowError(_("A reply cannot be dated before the assignment."))
    promised = _promise_fields(reply_class, promise, promised_by, promise_year, on, imported)
    new_reply = Reply.objects.create(
        **promised,
        suggestion=suggestion,
        assignment=assignment,
        round=suggestion.current_round,
        reply_class=reply_class,
        text=text,
        signed_by=signed_by,
        replied_on=on,
        due_on=assignment.due_on,
        attachment=attachment or "",
        attachment_name=os.path.basename(getattr(attachment, "name", "") or "")[:255],
        recorded_by=by,
    )
    assignment.replied_on = on
    assignment.save(update_fields=["replied_on"])

    fields = ["reply_class", "due_on"]
    if not suggestion.was_re_handled:
        # On time means every first-round reply came by its own due date.
        suggestion.first_replied_on = suggestion.first_replied_on or on
        suggestion.replied_on_time = (
            on <= assignment.due_on and suggestion.replied_on_time is not False
        )
        fields += ["first_replied_on", "replied_on_time"]
    suggestion.reply_class = _summary_class(suggestion)
    _refresh_due_on(suggestion)
    note = f"{assignment.unit}：{site_text(new_reply.get_reply_class_display)}"
    if suggestion.due_on is None:
        _move(suggestion, Status.REPLIED, Action.REPLIED, by=by, on=on, fields=fields, note=note)
    else:
        suggestion.save(update_fields=fields)
        _record(suggestion, Action.REPLIED, by=by, on=on, note=note)
    _tell_deputies(
        suggestion,
        gettext_lazy("A reply from %(unit)s arrived for %(suggestion)s"),
        {"unit": assignment.unit, "suggestion": suggestion},
    )
    return new_reply


@in_step
def revise_reply(
    *,
    reply,
    reply_class,
    text,
    signed_by,
    by,
    on=None,
    promise="",
    promised_by=None,
    promise_year=None,
):
    """A corrected reply replaces the current one; the original stays on record.

    A revised B or C reply states its promise again (it may move the date)."""
    on = _today(on)
    suggestion = _lock(reply.suggestion)
    original = Reply.objects.select_for_update().get(pk=reply.pk)
    check_revise_reply(suggestion, original)
    _check_reply_fields(reply_class, text, signed_by)
    promised = _promise_fields(reply_class, promise, promised_by, promise_year, on)
    revised = Reply.objects.create(
        **promised,
        followed_up_on=original.followed_up_on if promised["promised_by"] else None,
        suggestion=suggestion,
        assignment=original.assignment,
        kind=original.kind,
        round=original.round,
        reply_class=reply_class,
        text=text,
        signed_by=signed_by,
        replied_on=on,
        due_on=original.due_on,
        supersedes=original,
        recorded_by=by,
    )
    suggestion.reply_class = _summary_class(suggestion)
    suggestion.save(update_fields=["reply_class"])
    _record(
        suggestion,
        Action.REPLY_REVISED,
        by=by,
        on=on,
        note=f"{original.assignment.unit}：{site_text(revised.get_reply_class_display)}",
    )
    return revised


@in_step
def follow_up(
    *,
    assignment,
    reply_class,
    text,
    signed_by,
    by,
    on=None,
    promise="",
    promised_by=None,
    promise_year=None,
):
    """The follow-up reply (跟踪办理) that a B or C class promised, once the promise is kept.

    It settles the promise (kept if sent by the promised date, late otherwise); a follow-up
    that is itself B or C makes a new promise."""
    on = _today(on)
    suggestion, assignment = _lock_assignment(assignment)
    latest = check_follow_up(suggestion, assignment)
    _check_reply_fields(reply_class, text, signed_by)
    if on < latest.replied_on:
        raise WorkflowError(_("A follow-up reply cannot be dated before the reply it follows."))
    promised = _promise_fields(reply_class, promise, promised_by, promise_year, on)
    if latest.promised_by and not latest.followed_up_on:
        latest.followed_up_on = on
        latest.save(update_fields=["followed_up_on"])
    follow = Reply.objects.create(
        **promised,
        suggestion=suggestion,
        assignment=assignment,
        kind=Reply.Kind.FOLLOW_UP,
        round=latest.round,
        reply_class=reply_class,
        text=text,
        signed_by=signed_by,
        replied_on=on,
        recorded_by=by,
    )
    suggestion.reply_class = _summary_class(suggestion)
    suggestion.save(update_fields=["reply_class"])
    _record(
        suggestion,
        Action.FOLLOWED_UP,
        by=by,
        on=on,
        note=f"{assignment.unit}：{site_text(follow.get_reply_class_display)}",
    )
    _tell_deputies(
        suggestion,
        gettext_lazy("A follow-up reply from %(unit)s arrived for %(suggestion)s"),
        {"unit": assignment.unit, "suggestion": suggestion},
    )
    return follow


@in_step
def publish_reply(*, reply, public_text="", by, on=None):
    """Make a reply public (办理结果公开), optionally as a redacted text. Logged."""
    on = _today(on)
    suggestion = _lock(reply.suggestion)
    reply = Reply.objects.select_for_update().get(pk=reply.pk)
    check_publish(reply)
    public_text = public_text.strip()
    if public_text == reply.text.strip():
        public_text = ""  # published as written
    reply.is_published, reply.published_on, reply.public_text = True, on, public_text
    reply.removed_passages = "\n".join(removed_passages(reply.text, public_text))
    reply.save(update_fields=["is_published", "published_on", "public_text", "removed_passages"])
    note = str(reply.assignment.unit)
    if public_text:
        note += site_text(gettext_lazy(" (redacted text)"))
    _record(suggestion, Action.PUBLISHED, by=by, on=on, note=note)
    return reply


def removed_passages(original, public):
    """The passages of the original a redacted public text leaves out or replaces, in order."""
    if not public:
        return []
    # Compared sentence by sentence, so a passage reads as the original wrote it.
    before, after = _sentences(original), _sentences(public)
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    return [
        "".join(before[i1:i2])
        for tag, i1, i2, _j1, _j2 in matcher.get_opcodes()
        if tag in ("delete", "replace")
    ]


def _sentences(text):
    return [s.strip() for s in re.findall(r"[^。！？；!?;\n]*[。！？；!?;\n]?", text) if s.strip()]
