"""One history mechanism: `congress.history.log_action` writes every history line — who, when,
what, before → after — and no staff-visible record is deleted without a trace."""

import datetime
import re
from decimal import Decimal
from pathlib import Path

from django.urls import reverse

from congress.history import acting, history_of, log_action
from congress.models import Category, HistoryEntry
from deputies.models import Problem, ProblemEvent
from reports import services as report_services
from reports.models import CommitteeWork, SupportPayment
from suggestions.models import Event, Suggestion, Tally

ROOT = Path(__file__).resolve().parents[2]
Entry = HistoryEntry.Action


def pay(deputy, by, amount="800.00"):
    return report_services.record_payment(
        deputy=deputy,
        kind=SupportPayment.Kind.values[0],
        amount=Decimal(amount),
        paid_on=datetime.date(2026, 6, 30),
        purpose="2026年履职保障",
        budget_line="2026年代表经费",
        by=by,
    )


def test_a_recorded_payment_keeps_who_recorded_it_and_its_values(staff, deputy_a):
    payment = pay(deputy_a, staff)
    [line] = history_of(payment)
    assert (line.action, line.actor) == (Entry.CREATED, staff)
    assert line.changes["amount"] == [None, "800.00"]
    assert line.changes["purpose"] == [None, "2026年履职保障"]


def test_a_payment_edited_in_the_back_office_keeps_each_field_before_and_after(
    admin_client, admin_user, staff, deputy_a
):
    payment = pay(deputy_a, staff)
    url = reverse("admin:reports_supportpayment_change", args=[payment.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    data["amount"] = "900.00"
    response = admin_client.post(url, data)
    assert response.status_code == 302
    newest = history_of(payment).first()
    assert (newest.action, newest.actor) == (Entry.CHANGED, admin_user)
    assert newest.changes == {"amount": ["800.00", "900.00"]}


def test_a_payment_deleted_in_the_back_office_leaves_its_last_values_and_who(
    admin_client, admin_user, staff, deputy_a
):
    payment = pay(deputy_a, staff)
    pk = payment.pk
    url = reverse("admin:reports_supportpayment_delete", args=[pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 302
    assert not SupportPayment.objects.filter(pk=pk).exists()
    trace = HistoryEntry.objects.get(action=Entry.DELETED, object_id=str(pk))
    assert trace.actor == admin_user
    assert trace.changes["amount"] == ["800.00", None]
    assert "800" in trace.object_repr or trace.object_repr  # the record as it was named


def test_a_work_item_deleted_from_any_entry_point_leaves_a_trace(staff):
    work = report_services.record_work_item(
        title="物业管理条例立法", kind=CommitteeWork.Kind.values[0], year=2026
    )
    with acting(staff):  # a shell or a command that says who acts
        CommitteeWork.objects.filter(pk=work.pk).delete()
    trace = HistoryEntry.objects.get(action=Entry.DELETED, object_id=str(work.pk))
    assert trace.actor == staff
    assert trace.changes["title"] == ["物业管理条例立法", None]


def test_reference_data_deleted_leaves_a_trace_but_summary_rows_do_not(db):
    category = Category.objects.create(name="教育")
    category.delete()
    assert HistoryEntry.objects.filter(action=Entry.DELETED, object_repr="教育").exists()
    Tally.objects.all().delete()
    assert not HistoryEntry.objects.filter(content_type__model="tally").exists()


def test_private_values_are_named_but_not_kept(staff, deputy_a):
    deputy_a.phone = "10012345678"
    deputy_a.save()
    deputy_a.delete()
    trace = HistoryEntry.objects.get(action=Entry.DELETED, object_repr=deputy_a.name)
    assert "10012345678" not in str(trace.changes)


def test_a_suggestion_and_a_problem_keep_their_own_timelines_through_log_action(
    build, staff, reception
):
    suggestion = build(Suggestion.Status.REGISTERED)
    event = log_action(suggestion, Event.Action.EDITED, by=staff, note="标题：甲 → 乙")
    assert isinstance(event, Event) and event.suggestion == suggestion and event.actor == staff
    problem = Problem.objects.filter(reception=reception).first()
    line = log_action(problem, ProblemEvent.Action.EDITED, by=staff, note="摘要已改")
    assert isinstance(line, ProblemEvent) and line.problem == problem


def test_history_lines_are_written_by_log_action_only():
    """No module creates a history row itself: only the timeline writers `log_action` calls.
    (The import's bulk replay inserts the same event rows many at a time, by plain SQL.)"""
    writers = {
        ("suggestions/services/common.py", "write_event"),
        ("deputies/services.py", "write_problem_event"),
    }
    creates = re.compile(r"\b(Event|ProblemEvent|HistoryEntry)\.objects\.(create|bulk_create)\(")
    offenders = []
    for app in ("congress", "deputies", "suggestions", "reports", "demo"):
        for path in (ROOT / app).rglob("*.py"):
            name = str(path.relative_to(ROOT))
            if "migrations" in path.parts or name == "congress/history.py":
                continue
            text = path.read_text(encoding="utf-8")
            for match in creates.finditer(text):
                function = re.findall(r"\ndef (\w+)\(", text[: match.start()])[-1:]
                if (name, *function) not in writers:
                    offenders.append(f"{name}: {match.group(0)}")
    assert offenders == []


def test_nobody_edits_or_deletes_a_history_line(admin_client, staff, deputy_a):
    pay(deputy_a, staff)
    line = HistoryEntry.objects.get()
    change = reverse("admin:congress_historyentry_change", args=[line.pk])
    delete = reverse("admin:congress_historyentry_delete", args=[line.pk])
    assert admin_client.post(change, {"note": "改写"}).status_code == 403
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert HistoryEntry.objects.filter(pk=line.pk, note="").exists()
    assert admin_client.get(reverse("admin:congress_historyentry_changelist")).status_code == 200
