"""Searchable pickers: every deputy or unit option carries its name's pinyin and initials, and
the reception form offers the station's own deputies first."""

from congress.forms import pinyin_keys
from deputies.forms import ActivityForm, ReceptionForm
from suggestions.forms import AssignForm, DraftForm

from .conftest import make_deputy


def test_pinyin_keys_give_initials_and_full_pinyin():
    assert pinyin_keys("李四") == ("ls", "lisi")
    assert pinyin_keys("吕梁市公安局")[0] == "llsgaj"


def test_deputy_and_unit_pickers_carry_pinyin_on_every_option(deputy_a, deputy_b, unit_x):
    html = str(DraftForm(lead_deputy=deputy_a)["co_signers"])
    assert "data-picker" in html and f'data-initials="{pinyin_keys(deputy_b.name)[0]}"' in html
    html = str(AssignForm()["lead_unit"])
    assert f'data-pinyin="{pinyin_keys(unit_x.name)[1]}"' in html
    assert "data-picker" in str(ActivityForm()["deputy"])


def test_reception_form_offers_the_stations_own_deputies_first(station, deputy_a, delegation):
    make_deputy(delegation, "乙代表")  # same county, not at this station
    html = str(ReceptionForm(station=station)["deputies"])
    ours, others = html.index("This station&#x27;s deputies"), html.index("Other deputies")
    assert ours < html.index(deputy_a.name) < others < html.index("乙代表")
