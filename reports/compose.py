"""The report's structure, shared by its page and its Word document: sections of paragraphs,
lists and tables whose numbers are `Figure`s (each links to the records that yield it).

It follows the shape of a standing committee's review: overview; how the suggestions were
handled; results, beside the previous session; the per-unit table; problems and next steps
(written by staff); deputies' duties and the support given to them.
"""

import re
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from congress import tenancy
from congress.models import Congress
from reports.figures import Figure, Figures, scope_of, work_items
from reports.models import CommitteeWork
from suggestions.figures import rollup, stats
from suggestions.models import Assignment, KeySupervision, SpecialReport

PLACEHOLDER = re.compile(r"\{([a-z_A-Z]+)\}")


@dataclass
class Paragraph:
    parts: list  # str, Figure or Rate

    kind = "paragraph"


@dataclass
class Narrative:
    """Staff's own text; several paragraphs, one per line."""

    field: str
    text: str
    title: str = ""

    kind = "narrative"

    @property
    def paragraphs(self):
        return [line.strip() for line in self.text.splitlines() if line.strip()]


@dataclass
class Table:
    header: list
    rows: list  # each a list of cells: str, Figure or Rate
    caption: str = ""

    kind = "table"

    @property
    def labelled_rows(self):
        """Each row as (column header, cell) pairs: a phone shows the header beside the cell."""
        return [list(zip(self.header, row, strict=True)) for row in self.rows]


@dataclass
class Section:
    title: str
    blocks: list = field(default_factory=list)
    heading: str = ""  # the numbered title, as the document prints it


CHINESE_NUMBERS = "一二三四五六七八九十"


def numbered(sections):
    """一、总体情况 in Chinese (the form of such reports), 1. Overview otherwise."""
    chinese = (get_language() or "").startswith("zh")
    for n, section in enumerate(sections, start=1):
        section.heading = (
            f"{CHINESE_NUMBERS[n - 1]}、{section.title}"
            if chinese and n <= 10
            else f"{n}. {section.title}"
        )
    return sections


def sentence(text, values):
    """Split a translated sentence at its {placeholders}, putting the figures in."""
    parts = []
    for i, piece in enumerate(PLACEHOLDER.split(text)):
        if i % 2:
            parts.append(values[piece])
        elif piece:
            parts.append(piece)
    return Paragraph(parts)


def compose(report):
    f = Figures(report)
    scope = scope_of(report)
    rates = {
        "closure_rate": f.rate("closed", "registered"),
        "on_time_rate": f.rate("on_time", "replied"),
        "contact_rate": f.rate("face_to_face", "assigned"),
        "satisfaction_rate": f.rate("satisfied", "evaluated"),  # replaced below
        "solved_rate": f.rate("class_A", "replied"),
    }

    class Values(dict):
        def __missing__(self, key):
            return rates[key] if key in rates else f[key]

    v = Values(scope=scope.name, year=str(scope.year))
    v["satisfaction_rate"] = SatisfactionRate(
        f["satisfied"], f["basically_satisfied"], f["evaluated"]
    )
    v["impl_rate"] = SatisfactionRate(
        f["impl_satisfied"], f["impl_basically_satisfied"], f["impl_rated"]
    )
    sections = [
        _overview(report, f, v),
        _handling(report, f, v, scope),
        _results(report, f, v, scope),
        _units(report, scope),
        Section(
            _("Problems and next steps"),
            [
                Narrative("problems", report.problems, _("Problems that remain")),
                Narrative("next_steps", report.next_steps, _("Next steps")),
            ],
        ),
        _support(f, v),
    ]
    below = _below(report)
    if below:
        sections.insert(4, below)  # after the handling units, before problems and next steps
    return numbered(sections)


@dataclass
class SatisfactionRate:
    """(satisfied + basically satisfied) ÷ rated; links to the ratings."""

    satisfied: Figure
    basically: Figure
    whole: Figure

    @property
    def value(self):
        part = self.satisfied.value + self.basically.value
        return round(100 * part / self.whole.value, 1) if self.whole.value else None

    @property
    def url(self):
        return self.whole.url

    def __str__(self):
        return "—" if self.value is None else f"{self.value}%"


def _overview(report, f, v):
    blocks = []
    if report.foreword:
        blocks.append(Narrative("foreword", report.foreword))
    blocks.append(
        sentence(
            _(
                "{scope}: deputies submitted {received} suggestions; {registered} were "
                "registered and {assigned} assigned to handling units; {replied} have been "
                "answered and {closed} closed (completion rate {closure_rate})."
            ),
            v,
        )
    )
    if f["registered"].value and f["closed"].value == f["registered"].value:
        blocks.append(
            sentence(_("All {registered} suggestions have been handled and answered."), v)
        )
    return Section(_("Overview"), blocks)


def _handling(report, f, v, scope):
    blocks = [
        sentence(
            _(
                "Staff held {meetings_assignment} assignment meetings, {meetings_progress} "
                "progress meetings and {meetings_supervision} supervision meetings, with "
                "{leaders_present} standing committee and government leaders present; each "
                "suggestion was put on the responsibility list with a named unit, person and "
                "due date."
            ),
            v,
        ),
        sentence(
            _(
                "{key} key suggestions were each supervised by a standing committee leader and "
                "tracked by a working committee; {key_vice_mayor} of them were led by a vice "
                "mayor in person."
            ),
            v,
        ),
    ]
    supervisions = KeySupervision.objects.filter(
        suggestion__in=scope.suggestions.key()
    ).select_related("suggestion", "leader", "vice_mayor", "committee")
    rows = [
        [
            PublicLink(k.suggestion.number_label, k.suggestion_id),
            k.suggestion.title,
            str(k.leader),
            str(k.vice_mayor or "—"),
            str(k.committee or "—"),
        ]
        for k in supervisions.order_by("suggestion__number")
    ]
    if rows:
        blocks.append(
            Table(
                [_("No."), _("Title"), _("Supervising leader"), _("Vice mayor"), _("Tracked by")],
                rows,
                _("Key suggestions and who led them"),
            )
        )
    blocks.append(
        sentence(
            _("The replies to {published} suggestions were published for the public to read."),
            v,
        )
    )
    reports = SpecialReport.objects.filter(session__in=scope.sessions).select_related("unit")
    votes = [
        [
            # The votes are the special report's own record, listed behind "special reports".
            r.title,
            str(r.satisfied),
            str(r.basically_satisfied),
            str(r.dissatisfied),
        ]
        for r in reports.order_by("heard_on", "pk")
    ]
    blocks.append(
        sentence(
            _(
                "The standing committee heard {special_reports} special reports on the "
                "handling and voted its satisfaction with each:"
            ),
            v,
        )
    )
    if votes:
        blocks.append(
            Table(
                [_("Special report"), _("Satisfied"), _("Basically satisfied"), _("Dissatisfied")],
                votes,
            )
        )
    if report.handling_note:
        blocks.append(Narrative("handling_note", report.handling_note))
    return Section(_("How the suggestions were handled"), blocks)


@dataclass
class PublicLink:
    """A suggestion's number, linking to its public page."""

    text: str
    pk: int

    @property
    def url(self):
        return reverse("suggestions:detail", args=[self.pk])

    def __str__(self):
        return str(self.text)


def _results(report, f, v, scope):
    blocks = [
        sentence(
            _(
                "Of the replies, {class_A} were class A (solved or essentially solved), "
                "{class_B} class B (being solved or planned), {class_C} class C (to be solved "
                "when conditions allow) and {class_D} class D (kept for reference)."
            ),
            v,
        ),
        sentence(
            _(
                "{on_time} of {replied} replies came on time ({on_time_rate}); units met the "
                "deputy face to face on {face_to_face} of {assigned} suggestions "
                "({contact_rate})."
            ),
            v,
        ),
        sentence(
            _(
                "Deputies rated {evaluated} replies: {satisfied} satisfied, "
                "{basically_satisfied} basically satisfied, {dissatisfied} dissatisfied "
                "(satisfaction rate {satisfaction_rate}); {re_handled} were handled again "
                "after a dissatisfied rating."
            ),
            v,
        ),
        sentence(
            _(
                "Where a reply promised more (class B or C), deputies then rated what was done "
                "(落实满意度) on {impl_rated} suggestions: {impl_satisfied} satisfied, "
                "{impl_basically_satisfied} basically satisfied, {impl_dissatisfied} dissatisfied "
                "(implementation satisfaction rate {impl_rate})."
            ),
            v,
        ),
    ]
    rows = []
    comparison = [
        (_("Received"), "received", None),
        (_("Registered"), "registered", None),
        (_("Closed"), "closed", None),
        (_("Class A"), "class_A", None),
        (_("Replied on time"), "on_time", ("on_time", "replied")),
        (_("Met face to face"), "face_to_face", ("face_to_face", "assigned")),
        (_("Satisfied or basically satisfied"), None, None),
        (_("Published"), "published", None),
    ]
    for label, key, rate in comparison:
        if key is None:
            now = v["satisfaction_rate"]
            before = (
                SatisfactionRate(
                    f["prev_satisfied"], f["prev_basically_satisfied"], f["prev_evaluated"]
                )
                if f.has_previous
                else "—"
            )
            rows.append([label, now, before])
            continue
        now = f[key] if rate is None else f.rate(*rate)
        before = "—"
        if f.has_previous:
            before = f[f"prev_{key}"] if rate is None else f.rate(*(f"prev_{k}" for k in rate))
        rows.append([label, now, before])
    blocks.append(
        Table(
            [
                _("Figure"),
                scope.name,
                _("Previous session") if report.session_id else _("Previous year"),
            ],
            rows,
            _("Compared with the previous session")
            if report.session_id
            else _("Compared with the previous year"),
        )
    )
    blocks.append(
        sentence(
            _(
                "Suggestions are an important basis for choosing the standing committee's "
                "legislation and supervision: {informing} suggestions informed "
                "{work_items} items of its work ({work_legislation} legislation, "
                "{work_supervision} supervision, {work_inspection} inspection)."
            ),
            v,
        )
    )
    order = list(CommitteeWork.Kind.values)
    items = sorted(work_items(scope), key=lambda w: (order.index(w.kind), w.title))
    work_rows = [[w.get_kind_display(), str(w.year), w.title, w.outcome] for w in items]
    if work_rows:
        blocks.append(Table([_("Kind"), _("Year"), _("Item"), _("Outcome")], work_rows))
    return Section(_("Results"), blocks)


def _units(report, scope):
    figures = stats.by_unit(Assignment.objects.filter(suggestion__in=scope.suggestions))
    columns = ["lead", "co", "replied", "on_time", "satisfied", "dissatisfied"]
    rows = []
    for row in sorted(figures, key=lambda r: r["unit__name"]):
        values = {**row, "satisfied": row["satisfied"] + row["basically_satisfied"]}
        rows.append(
            [row["unit__name"]]
            + [
                Figure(
                    f"unit_{row['unit']}_{c}",
                    values[c],
                    reverse("reports:figure", args=[report.pk, f"unit_{row['unit']}_{c}"]),
                )
                for c in columns
            ]
        )
    header = [
        _("Handling unit"),
        _("As lead"),
        _("As co-handler"),
        _("Replied"),
        _("On time"),
        _("Satisfied or basically"),
        _("Dissatisfied"),
    ]
    return Section(_("Handling units"), [Table(header, rows)])


@dataclass
class SiteLink:
    """A congress below, linking to its own public site."""

    congress: Congress

    @property
    def url(self):
        return tenancy.url_in(self.congress, "/")

    def __str__(self):
        return self.congress.short_name


def _below(report):
    """The congresses below (a city's counties): their figures for the sessions they opened
    in the report's year, from their summary rows; None for a congress with none below."""
    congress = report.session.congress if report.session_id else tenancy.active()
    year = report.session.opens_on.year if report.session_id else report.year
    below = rollup.rollup(congress or Congress.objects.default(), year=year)
    if not below:
        return None

    def rate(value):
        return "—" if value is None else f"{value}%"

    rows = [
        [
            SiteLink(row.congress) if row.congress else _("Total"),
            str(row.figures.received),
            str(row.figures.registered),
            str(row.figures.replied),
            str(row.figures.closed),
            rate(row.figures.on_time_rate),
            rate(row.figures.satisfaction_rate),
        ]
        for row in [*below.rows, below.total]
    ]
    header = [
        _("Congress"),
        _("Received"),
        _("Registered"),
        _("Replied"),
        _("Closed"),
        _("Replied on time"),
        _("Satisfaction rate"),
    ]
    caption = _("The sessions each congress below opened in %(year)s, from their summary rows.") % {
        "year": year
    }
    return Section(_("Congresses below"), [Table(header, rows, caption)])


def _support(f, v):
    return Section(
        _("Deputies' duties and the support given to them"),
        [
            sentence(
                _(
                    "In {year} the city had {stations} liaison stations; deputies came to "
                    "stations {deputy_visits} times, received {people_received} members of the "
                    "public and solved {problems_solved} of the problems they raised. Deputies "
                    "sat in on standing committee meetings {sit_ins} times, and "
                    "{research_deputies} deputies took part in research and inspections."
                ),
                v,
            ),
            sentence(
                _(
                    "The standing committee provided {activity_funds} yuan of special activity "
                    "funds and paid {subsidies} yuan of communication and transport subsidies; "
                    "{lost_work_deputies} deputies without a fixed salary were compensated "
                    "{lost_work} yuan for lost work."
                ),
                v,
            ),
            sentence(
                _(
                    "It sent {study_materials} study materials to deputies ({material_copies} "
                    "copies) and held {training_courses} training courses "
                    "({training_attendances} attendances)."
                ),
                v,
            ),
        ],
    )
