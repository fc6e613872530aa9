"""Transfer (转交): a suggestion about a matter of another level is passed on to the congress
directly above or below, by the staff of the congress it is in, before any unit has it. The
original closes as transferred, the same suggestion is entered and numbered in the other
congress's current session, both keep a line of history naming the other congress, and the
lead deputy is told. Anything else is refused with a message and changes nothing."""

import pytest
from django.urls import reverse

from congress.models import Congress, Term
from congress.tenancy import activate
from deputies.models import Deputy
from suggestions import services
from suggestions.figures.summaries import change_set
from suggestions.models import Event, Notification, Suggestion, WorkflowError
from tests.conftest import TODAY

Status = Suggestion.Status
REASON = "所涉道路为县管道路，属孝义市事权"


def _everything(suggestion):
    """What a refused transfer must leave as it was."""
    s = Suggestion.everywhere.get(pk=suggestion.pk)
    return (
        s.status,
        s.transferred_to_id,
        Suggestion.everywhere.count(),
        Event.objects.count(),
        Notification.objects.count(),
    )


def _county_suggestion(county, category, title="关于县城供暖管网改造的建议"):
    with activate(county.congress):
        return services.enter_suggestion(
            suggestion=Suggestion(
                session=county.session,
                title=title,
                content="管网老化。",
                category=category,
                lead_deputy=county.deputy,
                delegation=county.delegation,
            ),
            by=county.staff,
        )


def test_city_staff_transfer_a_registered_suggestion_to_the_county(
    build, staff, county, deputy_a, deputy_b, category
):
    already = _county_suggestion(county, category)  # the county numbers on from its own
    original = build(Status.REGISTERED, co_signers=[deputy_b])

    arrived = services.transfer(
        suggestion=original, to_congress=county.congress, reason=REASON, by=staff
    )

    original = Suggestion.everywhere.get(pk=original.pk)
    assert original.status == Status.TRANSFERRED
    assert original.transferred_to == arrived
    assert arrived.session == county.session
    assert arrived.session.congress == county.congress
    assert arrived.number == already.number + 1
    assert arrived.status == Status.SUBMITTED  # the county's staff register it themselves
    assert (arrived.title, arrived.content, arrived.category) == (
        original.title,
        original.content,
        original.category,
    )
    # No seat in the county: the same deputy rows, across levels.
    assert arrived.lead_deputy == deputy_a
    assert [s.deputy for s in arrived.signatures.all()] == [deputy_b]
    assert arrived.signatures.get().confirmed_on == TODAY


def test_deputies_asked_to_co_sign_are_asked_again_where_it_went(
    staff, county, session, deputy_a, deputy_b, category
):
    original = services.draft_and_submit(
        deputy=deputy_a,
        session=session,
        title="关于县道路灯改造的建议",
        content="县道路灯损坏多年。",
        category=category,
        co_signers=[deputy_b],  # asked, not yet answered
        by=deputy_a.user,
    )
    services.register(suggestion=original, by=staff)

    arrived = services.transfer(
        suggestion=original, to_congress=county.congress, reason=REASON, by=staff
    )

    signature = arrived.signatures.get()
    assert (signature.deputy, signature.confirmed_on) == (deputy_b, None)
    assert Notification.objects.filter(user=deputy_b.user, suggestion=arrived).exists()
    original = Suggestion.everywhere.get(pk=original.pk)
    assert not original.signatures.exists()  # the request went with it
    with activate(county.congress):
        services.confirm_co_signature(suggestion=arrived, deputy=deputy_b, by=deputy_b.user)
    assert arrived.signatures.get().confirmed_on == TODAY


def test_a_transferred_suggestion_can_no_longer_be_co_signed(
    client, build, staff, county, deputy_b
):
    original = build(Status.REGISTERED)
    services.transfer(suggestion=original, to_congress=county.congress, reason=REASON, by=staff)
    original = Suggestion.everywhere.get(pk=original.pk)
    with change_set():  # a request left over from before the change
        original.signatures.create(deputy=deputy_b)
    with pytest.raises(WorkflowError, match="can no longer be co-signed"):
        services.confirm_co_signature(suggestion=original, deputy=deputy_b, by=deputy_b.user)
    client.force_login(deputy_b.user)  # nor is it among the requests the deputy is shown
    assert client.get(reverse("workbench:dashboard")).context["to_confirm"] == []


def test_history_on_both_sides_names_the_other_congress(build, staff, county):
    original = build(Status.SUBMITTED)
    arrived = services.transfer(
        suggestion=original, to_congress=county.congress, reason=REASON, by=staff
    )
    out = original.events.get(action=Event.Action.TRANSFERRED)
    assert (out.from_status, out.to_status) == (Status.SUBMITTED, Status.TRANSFERRED)
    assert "孝义市" in out.note and REASON in out.note and out.actor == staff
    received = arrived.events.get(action=Event.Action.RECEIVED)
    city = Congress.objects.default()
    assert city.short_name in received.note and REASON in received.note
    assert arrived.events.filter(action=Event.Action.ENTERED).exists()


def test_the_lead_deputy_is_told(build, staff, county, deputy_a):
    original = build(Status.REGISTERED)
    arrived = services.transfer(
        suggestion=original, to_congress=county.congress, reason=REASON, by=staff
    )
    told = Notification.objects.get(user=deputy_a.user)
    assert "孝义市" in told.text and original.title in told.text
    assert told.suggestion == arrived
    # And the county's staff find it waiting for review.
    assert Notification.objects.filter(user=county.staff, suggestion=arrived).exists()


def test_a_deputy_with_a_seat_there_leads_it_from_that_seat(build, staff, county, deputy_a):
    seat = Deputy.objects.create(
        name=deputy_a.name,
        level=Deputy.Level.MUNICIPAL,
        delegation=county.delegation,
        user=deputy_a.user,
    )
    arrived = services.transfer(
        suggestion=build(Status.REGISTERED), to_congress=county.congress, reason=REASON, by=staff
    )
    assert arrived.lead_deputy == seat
    assert arrived.delegation == county.delegation


def test_county_staff_transfer_up_to_the_city(session, county, category):
    original = _county_suggestion(county, category, "关于市级主干道改造的建议")
    with activate(county.congress):
        arrived = services.transfer(
            suggestion=original,
            to_congress=Congress.objects.default(),
            reason="属市级事权",
            by=county.staff,
        )
    assert arrived.session == session
    assert Suggestion.everywhere.get(pk=original.pk).status == Status.TRANSFERRED


@pytest.mark.parametrize("state", [Status.ASSIGNED, Status.REPLIED, Status.CLOSED])
def test_only_a_suggestion_no_unit_has_yet_can_be_transferred(build, staff, county, unit_x, state):
    original = build(state, lead_unit=unit_x)
    before = _everything(original)
    with pytest.raises(WorkflowError, match="not yet assigned"):
        services.transfer(suggestion=original, to_congress=county.congress, reason=REASON, by=staff)
    assert _everything(original) == before


def test_only_to_the_congress_directly_above_or_below(build, staff, county, category):
    sibling = Congress.objects.create(
        name="汾阳市人民代表大会",
        short_name="汾阳市",
        slug="fenyang",
        level=Congress.Level.COUNTY,
        parent=Congress.objects.default(),
    )
    original = _county_suggestion(county, category)
    before = _everything(original)
    with activate(county.congress), pytest.raises(WorkflowError, match="directly above or below"):
        services.transfer(suggestion=original, to_congress=sibling, reason=REASON, by=county.staff)
    with activate(county.congress), pytest.raises(WorkflowError, match="directly above or below"):
        services.transfer(
            suggestion=original, to_congress=county.congress, reason=REASON, by=county.staff
        )
    assert _everything(original) == before


def test_only_the_staff_of_the_suggestions_own_congress(build, county):
    original = build(Status.REGISTERED)
    before = _everything(original)
    with pytest.raises(WorkflowError, match="Only the staff of"):
        services.transfer(
            suggestion=original, to_congress=county.congress, reason=REASON, by=county.staff
        )
    assert _everything(original) == before


def test_a_reason_is_required(build, staff, county):
    original = build(Status.REGISTERED)
    before = _everything(original)
    with pytest.raises(WorkflowError, match="Say why"):
        services.transfer(suggestion=original, to_congress=county.congress, reason="  ", by=staff)
    assert _everything(original) == before


def test_a_congress_without_an_open_session_cannot_receive_one(build, staff, county):
    lone = Congress.objects.create(
        name="文水县人民代表大会",
        short_name="文水县",
        slug="wenshui",
        level=Congress.Level.COUNTY,
        parent=Congress.objects.default(),
    )
    with activate(lone):
        Term.objects.create(number=1, name="第一届", starts_on=TODAY)
    original = build(Status.REGISTERED)
    before = _everything(original)
    with pytest.raises(WorkflowError, match="no session open"):
        services.transfer(suggestion=original, to_congress=lone, reason=REASON, by=staff)
    assert _everything(original) == before


# -- the staff workbench -------------------------------------------------------------------


def test_staff_transfer_from_the_suggestion_page(client, build, staff, county, deputy_a):
    original = build(Status.REGISTERED)
    client.force_login(staff)
    page = client.get(reverse("workbench:suggestion", args=[original.pk]))
    form = page.context["forms"]["transfer"]
    assert list(form.fields["to_congress"].queryset) == [county.congress]  # children only here
    response = client.post(
        reverse("workbench:act", args=[original.pk, "transfer"]),
        {"to_congress": county.congress.pk, "reason": REASON},
    )
    assert response.status_code == 302
    original.refresh_from_db()
    arrived = original.transferred_to
    assert arrived.session.congress == county.congress
    # The page of the original says where it went, with an address on the county's site.
    page = client.get(reverse("workbench:suggestion", args=[original.pk])).content.decode()
    assert f"/c/xiaoyi/workbench/suggestions/{arrived.pk}/" in page
    assert (
        "transfer"
        not in client.get(reverse("workbench:suggestion", args=[original.pk])).context["forms"]
    )
    # The county's staff see it on their site, with where it came from.
    client.force_login(county.staff)
    there = client.get(f"/c/xiaoyi/workbench/suggestions/{arrived.pk}/")
    assert there.status_code == 200
    assert f"/workbench/suggestions/{original.pk}/" in there.content.decode()
    # The deputy reads both: the original on the city's site, the new one on the county's.
    client.force_login(deputy_a.user)
    assert client.get(f"/workbench/suggestions/{original.pk}/").status_code == 200
    assert client.get(f"/c/xiaoyi/workbench/suggestions/{arrived.pk}/").status_code == 200


def test_the_county_site_offers_the_city_above(client, county, category):
    original = _county_suggestion(county, category)
    client.force_login(county.staff)
    page = client.get(f"/c/xiaoyi/workbench/suggestions/{original.pk}/")
    choices = list(page.context["forms"]["transfer"].fields["to_congress"].queryset)
    assert choices == [Congress.objects.default()]


def test_a_congress_with_none_above_or_below_offers_no_transfer(client, build, staff):
    original = build(Status.REGISTERED)
    client.force_login(staff)
    page = client.get(reverse("workbench:suggestion", args=[original.pk]))
    assert "transfer" not in page.context["forms"]
    before = _everything(original)
    response = client.post(
        reverse("workbench:act", args=[original.pk, "transfer"]), {"reason": REASON}
    )
    assert response.status_code == 400
    assert _everything(original) == before


def test_a_bad_choice_is_refused_with_a_message_and_nothing_changes(client, build, staff, county):
    original = build(Status.REGISTERED)
    client.force_login(staff)
    before = _everything(original)
    for data in (
        {"to_congress": Congress.objects.default().pk, "reason": REASON},  # itself
        {"to_congress": "99999999999999999999", "reason": REASON},
        {"to_congress": county.congress.pk, "reason": ""},
        {"to_congress": "x"},
    ):
        response = client.post(reverse("workbench:act", args=[original.pk, "transfer"]), data)
        assert response.status_code == 400
        assert response.context["forms"]["transfer"].errors
    assert _everything(original) == before


def test_other_congresses_staff_cannot_transfer_it(client, build, staff, county, category):
    original = build(Status.REGISTERED)
    theirs = _county_suggestion(county, category)
    before = _everything(original)
    client.force_login(county.staff)
    # The city's suggestion is not on the county's site, nor the county staff's on the city's.
    for url in (
        f"/c/xiaoyi/workbench/suggestions/{original.pk}/transfer/",
        f"/workbench/suggestions/{original.pk}/transfer/",
    ):
        response = client.post(url, {"to_congress": county.congress.pk, "reason": REASON})
        assert response.status_code in (403, 404)
    client.force_login(staff)
    response = client.post(
        f"/c/xiaoyi/workbench/suggestions/{theirs.pk}/transfer/",
        {"to_congress": Congress.objects.default().pk, "reason": REASON},
    )
    assert response.status_code in (403, 404)
    assert _everything(original) == before
    assert Suggestion.everywhere.get(pk=theirs.pk).status == Status.SUBMITTED


def test_the_back_office_cannot_change_where_it_went(client, build, county):
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_superuser("root", "root@example.com", "pw-12345!")
    original = build(Status.REGISTERED)
    services.transfer(suggestion=original, to_congress=county.congress, reason=REASON, by=admin)
    client.force_login(admin)
    response = client.get(reverse("admin:suggestions_suggestion_change", args=[original.pk]))
    assert response.status_code == 200
    assert "transferred_to" not in response.context["adminform"].form.fields
