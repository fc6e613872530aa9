"""The workbench history says who acted, by name and role, not by login."""

from django.urls import reverse

from suggestions.models import Suggestion

Status = Suggestion.Status


def test_staff_read_names_and_roles_and_a_deputy_reads_roles(
    client, build, staff, unit_x, deputy_a
):
    staff.first_name = "王敏"
    staff.save()
    suggestion = build(Status.ASSIGNED, lead_unit=unit_x)
    client.force_login(staff)
    page = client.get(reverse("workbench:suggestion", args=[suggestion.pk])).content.decode()
    assert "王敏（代表工委）" in page and f">{staff.username}<" not in page
    client.force_login(deputy_a.user)
    page = client.get(reverse("workbench:suggestion", args=[suggestion.pk])).content.decode()
    assert "代表工委" in page and "王敏" not in page


def test_every_page_links_the_api_docs_from_its_footer(client, db):
    page = client.get(reverse("suggestions:home")).content.decode()
    footer = page[page.index('<footer class="site') :]
    assert reverse("api-v1:openapi-view") in footer
