"""Searchable pickers: every deputy or unit option carries its name's pinyin and initials, and
the reception form offers the station's own deputies first."""

from django.urls import reverse

from congress.forms import pinyin_keys
from deputies.forms import ActivityForm, ReceptionForm
from suggestions.forms import AssignForm, DraftForm
from tests.conftest import make_deputy


def test_pinyin_keys_give_initials_and_full_pinyin():
    assert pinyin_keys("李四") == ("ls", "lisi")
    assert pinyin_keys("吕梁市公安局")[0] == "llsgaj"


def test_deputy_and_unit_pickers_carry_pinyin_on_every_option(deputy_a, deputy_b, unit_x):
    html = str(DraftForm(lead_deputy=deputy_a)["co_signers"])
    assert "data-picker" in html and f'data-initials="{pinyin_keys(deputy_b.name)[0]}"' in html
    html = str(AssignForm()["lead_unit"])
    assert f'data-pinyin="{pinyin_keys(unit_x.name)[1]}"' in html
    assert "data-picker" in str(ActivityForm()["deputy"])


def test_the_assign_forms_three_unit_pickers_read_the_units_once(
    unit_x, db, django_assert_num_queries
):
    with django_assert_num_queries(2):  # the import's unit aliases, the units
        form = AssignForm()
        html = "".join(str(form[name]) for name in ("lead_unit", "co_units", "separate_units"))
    assert html.count(f'value="{unit_x.pk}"') == 3
    assert str(form["lead_unit"]).count("<option") == str(form["co_units"]).count("<option") + 1


def test_unit_pickers_know_units_by_short_names_and_the_imports_aliases(unit_x, db):
    from congress.models import HandlingUnit
    from suggestions.models import ImportAlias

    housing = HandlingUnit.objects.create(name="吕梁市住房和城乡建设局", short_name="市住建")
    ImportAlias.objects.get_or_create(
        kind="unit", alias="市住建局", defaults={"name": "吕梁市住房和城乡建设局"}
    )
    html = str(AssignForm()["co_units"])
    option = html[html.index(f'value="{housing.pk}"') :]
    option = option[: option.index("</option>")]
    aliases = option[option.index('data-aliases="') :].split('"')[1].split()
    assert {"市住建", "市住建局"} <= set(aliases)  # "住建" or "市住建局" now find it
    assert "data-aliases" not in str(DraftForm(lead_deputy=None)["co_signers"])


def test_reception_form_offers_the_stations_own_deputies_first(station, deputy_a, delegation):
    make_deputy(delegation, "乙代表")  # same county, not at this station
    html = str(ReceptionForm(station=station)["deputies"])
    ours, others = html.index("This station&#x27;s deputies"), html.index("Other deputies")
    assert ours < html.index(deputy_a.name) < others < html.index("乙代表")


def parsed(html):
    """The elements of an HTML fragment: [(tag, sorted attributes, text)], whitespace aside."""
    from html.parser import HTMLParser

    found = []

    class Parser(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append([tag, sorted(attrs), ""])

        def handle_data(self, data):
            if found and data.strip():
                found[-1][2] += data.strip()

    Parser().feed(html)
    return found


def test_a_picker_writes_the_select_django_would_with_the_choice_kept(
    station, deputy_a, delegation, unit_x
):
    """The pickers write their select in Python (a template per option is slow): the same
    elements, attributes, groups, escaping and selection as Django's own templates give."""
    from congress.forms import PickerMixin

    make_deputy(delegation, "<乙>代表")
    form = ReceptionForm(station=station, initial={"deputies": [deputy_a.pk]})
    assign = AssignForm(data={"lead_unit": unit_x.pk})
    for bound in (form["deputies"], assign["lead_unit"], assign["co_units"]):
        widget = bound.field.widget
        args = (
            bound.html_name,
            bound.value(),
            {"id": bound.auto_id, **bound.build_widget_attrs({})},
        )
        ours, djangos = widget.render(*args), super(PickerMixin, widget).render(*args)
        assert parsed(ours) == parsed(djangos)
        assert parsed(str(bound)) == parsed(ours)
    assert ("option", [("selected", None), ("value", str(deputy_a.pk))]) in [
        (tag, [a for a in attrs if a[0] in ("selected", "value")])
        for tag, attrs, _t in parsed(str(form["deputies"]))
    ]
    assert "&lt;乙&gt;代表" in str(form["deputies"])


def test_passing_a_problem_to_a_unit_finds_the_unit_by_the_imports_aliases_too(
    client, staff, reception
):
    from congress.models import HandlingUnit
    from deputies.models import Problem
    from suggestions.models import ImportAlias

    housing = HandlingUnit.objects.create(name="吕梁市住房和城乡建设局", short_name="市住建")
    ImportAlias.objects.get_or_create(
        kind="unit", alias="市住建局", defaults={"name": "吕梁市住房和城乡建设局"}
    )
    problem = Problem.objects.filter(reception=reception, status=Problem.Status.OPEN).first()
    client.force_login(staff)
    html = client.get(reverse("stations_work:problem", args=[problem.pk])).content.decode()
    option = html[html.index(f'value="{housing.pk}"') :]
    option = option[: option.index("</option>")]
    assert "市住建局" in option and "市住建" in option
