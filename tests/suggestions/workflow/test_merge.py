"""Merge (并案) from the staff workbench: the merged suggestion points to the one it joined."""

from django.urls import reverse

from suggestions.models import Suggestion

Status = Suggestion.Status


def test_staff_merge_a_suggestion_and_the_public_pages_point_both_ways(client, build, staff):
    kept = build(Status.REGISTERED, title="关于修缮老旧小区的建议")
    merged = build(Status.SUBMITTED, title="关于改造老旧小区的建议")
    client.force_login(staff)
    page = client.get(reverse("workbench:suggestion", args=[merged.pk])).content.decode()
    assert f"/workbench/suggestions/{merged.pk}/merge/" in page
    response = client.post(
        reverse("workbench:act", args=[merged.pk, "merge"]), {"into": kept.number}
    )
    assert response.status_code == 302
    merged.refresh_from_db()
    assert (merged.status, merged.merged_into) == (Status.MERGED, kept)
    assert merged.events.filter(action="merged").exists()

    client.logout()
    public = client.get(reverse("suggestions:detail", args=[merged.pk])).content.decode()
    assert reverse("suggestions:detail", args=[kept.pk]) in public and kept.title in public
    joined = client.get(reverse("suggestions:detail", args=[kept.pk])).content.decode()
    assert merged.title in joined


def test_merging_into_an_unknown_number_is_refused_with_a_message(client, build, staff):
    suggestion = build(Status.REGISTERED)
    client.force_login(staff)
    response = client.post(reverse("workbench:act", args=[suggestion.pk, "merge"]), {"into": 999})
    assert response.status_code == 400
    assert "本次会议没有这个编号的建议。" in response.content.decode()
    suggestion.refresh_from_db()
    assert suggestion.status == Status.REGISTERED
