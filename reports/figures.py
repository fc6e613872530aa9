"""The report's figures. Each is one queryset and one measure (count its rows, or sum a column):
the figure is the measure of the queryset and its link lists the same queryset's rows, so the
number and the records behind it cannot disagree. A handful of aggregate queries per figure,
whatever the number of rows."""

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Exists, F, OuterRef, Q, Sum
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from congress.models import Leader, Session
from congress.tenancy import keep_to_congress
from deputies.models import Deputy, DutyActivity, LiaisonStation, Problem, Reception
from reports.models import CommitteeWork, StudyMaterial, SupportPayment, TrainingCourse
from suggestions.figures.summaries import first_reply
from suggestions.models import Assignment, Reply, SpecialReport, Suggestion, SupervisionMeeting

S = Suggestion.Status
VisitLink = Reception.deputies.through
Attendance = TrainingCourse.attendees.through
Copy = StudyMaterial.recipients.through
WorkLink = CommitteeWork.suggestions.through


@dataclass(frozen=True)
class Scope:
    """What a report counts: the suggestions of its sessions, and one calendar year."""

    sessions: object  # a Session queryset
    year: int
    name: str

    @property
    def suggestions(self):
        return Suggestion.objects.filter(session__in=self.sessions)


def _year(field, year):
    return Q(
        **{
            f"{field}__gte": datetime.date(year, 1, 1),
            f"{field}__lt": datetime.date(year + 1, 1, 1),
        }
    )


def year_name(year):
    return gettext("Year %(year)s") % {"year": year}


def scope_of(report):
    if report.session_id:
        return Scope(
            Session.objects.filter(pk=report.session_id), report.support_year, report.session.name
        )
    return Scope(
        Session.objects.filter(_year("opens_on", report.year)), report.year, year_name(report.year)
    )


def previous_scope(report):
    """The previous session (or year), for comparison; None when there is none."""
    if report.session_id:
        before = (
            Session.objects.filter(opens_on__lt=report.session.opens_on)
            .order_by("-opens_on")
            .first()
        )
        return scope_of_session(before) if before else None
    return Scope(
        Session.objects.filter(_year("opens_on", report.year - 1)),
        report.year - 1,
        year_name(report.year - 1),
    )


def scope_of_session(session):
    return Scope(Session.objects.filter(pk=session.pk), session.opens_on.year, session.name)


@dataclass(frozen=True)
class Source:
    label: str
    table: str  # the columns the record-set page shows (see views.TABLES)
    build: Callable  # Scope -> QuerySet
    total: str = ""  # the column summed; empty means the rows are counted
    previous: bool = False  # also counted for the previous session, for comparison


def _published(scope):
    shown = Reply.objects.published().filter(suggestion=OuterRef("pk"))
    return scope.suggestions.registered().filter(Exists(shown))


def _informing(scope):
    return scope.suggestions.filter(pk__in=WorkLink.objects.values("suggestion"))


def work_items(scope, kind=None):
    linked = WorkLink.objects.filter(suggestion__in=scope.suggestions).values("committeework")
    items = CommitteeWork.objects.filter(pk__in=linked)
    return items.filter(kind=kind) if kind else items


def _payments(kind):
    return lambda sc: SupportPayment.objects.filter(
        _year("paid_on", sc.year), kind=kind
    ).select_related("deputy")


SOURCES = {
    # Overview
    "received": Source(
        _("received"),
        "suggestions",
        lambda sc: sc.suggestions.exclude(status=S.DRAFT),
        previous=True,
    ),
    "registered": Source(
        _("registered"), "suggestions", lambda sc: sc.suggestions.registered(), previous=True
    ),
    "assigned": Source(
        _("assigned"),
        "suggestions",
        lambda sc: sc.suggestions.registered().filter(assigned_on__isnull=False),
        previous=True,
    ),
    "replied": Source(
        _("replied"),
        "suggestions",
        # The published figure's definition: every unit owing a reply has replied.
        lambda sc: sc.suggestions.replied(),
        previous=True,
    ),
    "closed": Source(
        _("closed"), "suggestions", lambda sc: sc.suggestions.filter(status=S.CLOSED), previous=True
    ),
    # How they were handled
    **{
        f"meetings_{kind}": Source(
            label,
            "meetings",
            lambda sc, kind=kind: SupervisionMeeting.objects.filter(
                session__in=sc.sessions, kind=kind
            ),
        )
        for kind, label in SupervisionMeeting.Kind.choices
    },
    "leaders_present": Source(
        _("leaders present at meetings"),
        "leaders",
        lambda sc: Leader.objects.filter(
            pk__in=SupervisionMeeting.leaders.through.objects.filter(
                supervisionmeeting__session__in=sc.sessions
            ).values("leader")
        ),
    ),
    "key": Source(_("key suggestions"), "key", lambda sc: sc.suggestions.key(), previous=True),
    "key_vice_mayor": Source(
        _("key suggestions led by a vice mayor"),
        "key",
        lambda sc: sc.suggestions.key().filter(supervision__vice_mayor__isnull=False),
    ),
    "published": Source(_("replies published"), "suggestions", _published, previous=True),
    "special_reports": Source(
        _("special reports heard"),
        "special_reports",
        lambda sc: SpecialReport.objects.filter(session__in=sc.sessions),
    ),
    # Results
    **{
        f"class_{c}": Source(
            label,
            "suggestions",
            lambda sc, c=c: sc.suggestions.replied().filter(reply_class=c),
            previous=True,
        )
        for c, label in [
            ("A", _("class A")),
            ("B", _("class B")),
            ("C", _("class C")),
            ("D", _("class D")),
        ]
    },
    **{
        s: Source(
            label,
            "suggestions",
            lambda sc, s=s: sc.suggestions.filter(satisfaction=s),
            previous=True,
        )
        for s, label in [
            ("satisfied", _("satisfied")),
            ("basically_satisfied", _("basically satisfied")),
            ("dissatisfied", _("dissatisfied")),
        ]
    },
    "evaluated": Source(
        _("rated"), "suggestions", lambda sc: sc.suggestions.exclude(satisfaction=""), previous=True
    ),
    # 落实满意度: the lead deputy's rating of what was done on a B/C promise.
    **{
        f"impl_{s}": Source(
            label,
            "suggestions",
            lambda sc, s=s: sc.suggestions.filter(implementation_satisfaction=s),
        )
        for s, label in [
            ("satisfied", _("satisfied with what was done")),
            ("basically_satisfied", _("basically satisfied with what was done")),
            ("dissatisfied", _("dissatisfied with what was done")),
        ]
    },
    "impl_rated": Source(
        _("implementation rated"),
        "suggestions",
        lambda sc: sc.suggestions.exclude(implementation_satisfaction=""),
    ),
    "on_time": Source(
        _("replied on time"),
        "suggestions",
        lambda sc: sc.suggestions.replied().filter(replied_on_time=True),
        previous=True,
    ),
    "face_to_face": Source(
        _("met face to face"),
        "suggestions",
        lambda sc: sc.suggestions.registered().filter(
            assigned_on__isnull=False, met_face_to_face=True
        ),
        previous=True,
    ),
    "re_handled": Source(
        _("re-handled"),
        "suggestions",
        lambda sc: sc.suggestions.filter(was_re_handled=True),
        previous=True,
    ),
    "informing": Source(
        _("suggestions that informed the committee's work"), "suggestions", _informing
    ),
    "work_items": Source(_("standing committee work items"), "work", work_items),
    **{
        f"work_{kind}": Source(label, "work", lambda sc, kind=kind: work_items(sc, kind))
        for kind, label in CommitteeWork.Kind.choices
    },
    # Liaison stations in the year
    "stations": Source(
        _("liaison stations"),
        "stations",
        lambda sc: LiaisonStation.objects.select_related("division"),
    ),
    "deputy_visits": Source(
        _("deputy visits"),
        "visits",
        lambda sc: VisitLink.objects.filter(_year("reception__held_on", sc.year)).select_related(
            "deputy", "reception__station"
        ),
    ),
    "people_received": Source(
        _("people received"),
        "receptions",
        lambda sc: Reception.objects.filter(_year("held_on", sc.year)).select_related("station"),
        total="people_received",
    ),
    "problems_solved": Source(
        _("problems solved"),
        "problems",
        lambda sc: (
            Problem.objects.solved().filter(_year("closed_on", sc.year)).select_related("station")
        ),
    ),
    "sit_ins": Source(
        _("attendances at standing committee meetings"),
        "activities",
        lambda sc: DutyActivity.objects.filter(
            _year("held_on", sc.year), kind=DutyActivity.Kind.SIT_IN
        ).select_related("deputy"),
    ),
    "research_deputies": Source(
        _("deputies in research and inspections"),
        "deputies",
        lambda sc: Deputy.objects.filter(
            pk__in=DutyActivity.objects.filter(
                _year("held_on", sc.year), kind=DutyActivity.Kind.RESEARCH
            ).values("deputy")
        ).select_related("delegation"),
    ),
    # Support for deputies in the year
    "activity_funds": Source(
        _("special activity funds (yuan)"),
        "payments",
        _payments(SupportPayment.Kind.ACTIVITY_FUND),
        total="amount",
    ),
    "subsidies": Source(
        _("communication and transport subsidies (yuan)"),
        "payments",
        _payments(SupportPayment.Kind.SUBSIDY),
        total="amount",
    ),
    "lost_work": Source(
        _("lost-work compensation (yuan)"),
        "payments",
        _payments(SupportPayment.Kind.LOST_WORK),
        total="amount",
    ),
    "lost_work_deputies": Source(
        _("deputies compensated for lost work"),
        "deputies",
        lambda sc: Deputy.objects.filter(
            pk__in=SupportPayment.objects.filter(
                _year("paid_on", sc.year), kind=SupportPayment.Kind.LOST_WORK
            ).values("deputy")
        ).select_related("delegation"),
    ),
    "training_courses": Source(
        _("training courses"),
        "courses",
        lambda sc: TrainingCourse.objects.filter(_year("starts_on", sc.year)),
    ),
    "training_attendances": Source(
        _("training attendances"),
        "attendances",
        lambda sc: keep_to_congress(  # the link table: kept through its course
            Attendance.objects.filter(_year("trainingcourse__starts_on", sc.year))
        ).select_related("deputy", "trainingcourse"),
    ),
    "study_materials": Source(
        _("study materials"),
        "materials",
        lambda sc: StudyMaterial.objects.filter(_year("sent_on", sc.year)),
    ),
    "material_copies": Source(
        _("copies of study materials sent"),
        "copies",
        lambda sc: keep_to_congress(
            Copy.objects.filter(_year("studymaterial__sent_on", sc.year))
        ).select_related("deputy", "studymaterial"),
    ),
}

# The per-unit table's columns: the same filters as suggestions.figures.summaries.unit_counts.
_OWES = Q(role__in=Assignment.REPLYING_ROLES)
UNIT_COLUMNS = {
    "lead": (_("as lead"), Q(role=Assignment.Role.LEAD)),
    "co": (_("as co-handler"), Q(role=Assignment.Role.CO)),
    "separate": (_("separately"), Q(role=Assignment.Role.SEPARATE)),
    "replied": (_("replied"), _OWES & Q(Exists(first_reply()))),
    "on_time": (_("on time"), _OWES & Q(Exists(first_reply().filter(replied_on__lte=F("due_on"))))),
    "satisfied": (
        _("satisfied or basically satisfied"),
        _OWES & Q(suggestion__satisfaction__in=["satisfied", "basically_satisfied"]),
    ),
    "dissatisfied": (_("dissatisfied"), _OWES & Q(suggestion__satisfaction="dissatisfied")),
}
UNIT_KEY = re.compile(r"^unit_(?P<unit>[0-9]{1,9})_(?P<column>[a-z_]+)$")


def source_for(report, key):
    """(label, table, queryset, total) behind a figure key, or None for an unknown key.

    Keys: a name in SOURCES; `prev_` and a name, for the previous session; `unit_<id>_<column>`
    for a cell of the per-unit table."""
    if key.startswith("prev_"):
        source = SOURCES.get(key.removeprefix("prev_"))
        scope = previous_scope(report)
        if source is None or not source.previous or scope is None:
            return None
        return source.label, source.table, source.build(scope), source.total
    if match := UNIT_KEY.match(key):
        column = UNIT_COLUMNS.get(match["column"])
        if column is None:
            return None
        assignments = Assignment.objects.filter(
            column[1], suggestion__in=scope_of(report).suggestions, unit=int(match["unit"])
        ).select_related("suggestion", "unit")
        return column[0], "assignments", assignments, ""
    source = SOURCES.get(key)
    if source is None:
        return None
    return source.label, source.table, source.build(scope_of(report)), source.total


def measure(queryset, total):
    if total:
        return queryset.aggregate(n=Sum(total))["n"] or 0
    return queryset.count()


def show_number(value):
    """9199 -> "9,199"; yuan to the fen only when there are fen: 1137000.00 -> "1,137,000"."""
    if isinstance(value, Decimal) and value != value.to_integral_value():
        return f"{value:,.2f}"
    return f"{int(value):,}"


@dataclass
class Figure:
    key: str
    value: object
    url: str

    def __str__(self):
        return show_number(self.value)


@dataclass
class Rate:
    """A rate between two figures; it links to the records of its numerator."""

    part: Figure
    whole: Figure

    @property
    def value(self):
        return round(100 * self.part.value / self.whole.value, 1) if self.whole.value else None

    @property
    def url(self):
        return self.part.url

    def __str__(self):
        return "—" if self.value is None else f"{self.value}%"


def figure(report, key):
    found = source_for(report, key)
    if found is None:
        raise KeyError(key)
    _label, _table, queryset, total = found
    return Figure(key, measure(queryset, total), reverse("reports:figure", args=[report.pk, key]))


class Figures(dict):
    """Every figure of a report, computed once on first use."""

    def __init__(self, report):
        super().__init__()
        self.report = report
        previous = previous_scope(report)
        # A previous session with nothing in the system is no comparison: it shows "—".
        self.has_previous = previous is not None and previous.suggestions.exists()

    def __missing__(self, key):
        value = figure(self.report, key)
        self[key] = value
        return value

    def rate(self, part, whole):
        return Rate(self[part], self[whole])
