"""Reply attachments: random storage names, one validator everywhere, and a download view that
lets each role have what it may see (404 for everyone else)."""

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from suggestions import services
from suggestions.attachments import validate_attachment
from suggestions.models import Reply, Suggestion
from tests.files import JPEG, PDF, PNG, image_bytes

Status = Suggestion.Status
pytestmark = pytest.mark.django_db
ROLES = ["anonymous", "deputy_a", "deputy_b", "unit_x", "unit_y", "staff", "keeper"]
CHINESE_NAME = "关于加强社区养老服务的答复（签章）.pdf"


@pytest.fixture
def client_as(client, staff, deputy_a, deputy_b, unit_x, unit_y, station):
    def _as(role):
        if role == "keeper":
            client.force_login(station.keepers.get())
        elif role != "anonymous":
            client.force_login(get_user_model().objects.get(username=role))
        return client

    return _as


@pytest.fixture
def replied(build, unit_x, staff):
    """A suggestion replied by unit X with a signed letter whose name is Chinese."""
    suggestion = build(Status.ASSIGNED, lead_unit=unit_x)
    assignment = suggestion.assignments.get()
    services.reply(
        assignment=assignment,
        reply_class="A",
        text="已解决",
        signed_by="局长",
        by=staff,
        on=assignment.assigned_on,
        attachment=SimpleUploadedFile(CHINESE_NAME, PDF, content_type="application/pdf"),
    )
    return suggestion.replies.get()


def url(reply):
    return reverse("suggestions:reply_attachment", args=[reply.pk])


def test_attachment_is_stored_under_a_random_name_and_keeps_its_original_name(replied):
    stored = replied.attachment.name
    assert stored.startswith(f"replies/{replied.suggestion.session_id}/{replied.suggestion_id}/")
    assert stored.endswith(".pdf") and "答复" not in stored and len(stored.rsplit("/")[-1]) == 36
    assert replied.attachment_name == CHINESE_NAME


# Who may download: the public only a published reply; the involved deputy and unit and staff
# whatever the workbench shows them; the uninvolved deputy, unit and a station keeper nothing.
MATRIX = {
    "unpublished": dict(
        anonymous=404, deputy_a=200, deputy_b=404, unit_x=200, unit_y=404, staff=200, keeper=404
    ),
    "published": dict(
        anonymous=200, deputy_a=200, deputy_b=200, unit_x=200, unit_y=200, staff=200, keeper=200
    ),
    "published_redacted": dict(
        anonymous=404, deputy_a=200, deputy_b=404, unit_x=200, unit_y=404, staff=200, keeper=404
    ),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("state", list(MATRIX))
def test_attachment_download_matrix(client_as, replied, staff, state, role):
    if state != "unpublished":
        public_text = "（公开文本）" if state == "published_redacted" else ""
        services.publish_reply(reply=replied, public_text=public_text, by=staff)
    response = client_as(role).get(url(replied))
    assert response.status_code == MATRIX[state][role]
    if response.status_code == 200:
        assert b"".join(response.streaming_content) == PDF


def test_download_has_its_type_the_chinese_name_and_nosniff(client, replied, staff):
    client.force_login(staff)
    response = client.get(url(replied))
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=utf-8''%E5%85%B3%E4%BA%8E" in disposition  # RFC 5987: 关于…
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]


def test_behind_nginx_the_view_answers_with_an_internal_redirect(client, replied, staff, settings):
    settings.SENDFILE_X_ACCEL = True
    client.force_login(staff)
    response = client.get(url(replied))
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == "/protected-media/" + replied.attachment.name
    assert response.content == b""
    assert response["Content-Type"] == "application/pdf"
    assert "filename*=utf-8''" in response["Content-Disposition"]


def test_no_reply_or_no_attachment_answers_404(client, replied, staff):
    client.force_login(staff)
    assert client.get(reverse("suggestions:reply_attachment", args=[99999])).status_code == 404
    Reply.objects.filter(pk=replied.pk).update(attachment="")
    assert client.get(url(replied)).status_code == 404


def test_media_folder_is_not_served_directly(client, replied, settings):
    assert client.get("/media/" + replied.attachment.name).status_code == 404


def test_published_reply_links_its_attachment_on_the_public_page(client, replied, staff):
    services.publish_reply(reply=replied, by=staff)
    page = client.get(reverse("suggestions:detail", args=[replied.suggestion_id]))
    assert url(replied) in page.content.decode()


@pytest.mark.parametrize(
    "name,content",
    [("letter.pdf", PDF), ("scan.png", PNG), ("scan.jpg", JPEG), ("scan.JPEG", JPEG)],
)
def test_real_pdf_and_images_are_accepted(name, content):
    upload = SimpleUploadedFile(name, content)
    assert validate_attachment(upload) is upload
    assert upload.tell() == 0


@pytest.mark.parametrize(
    "name,content,message",
    [
        ("letter.pdf", b"<html>" + b"x" * 5000, "not a real PDF"),
        ("letter.pdf", b"%PDF-1.7\n<html>only the header is right</html>", "not a real PDF"),
        ("letter.pdf", PDF[: len(PDF) // 3], "not a real PDF"),
        ("scan.png", PNG[:40], "not a real PNG"),  # header right, pixels missing
        ("scan.png", JPEG, "not a real PNG"),
        ("scan.jpg", b"\xff\xd8\xff" + b"\0" * 100, "not a real JPG"),
        ("letter.html", b"<html></html>", "PDF, PNG or JPEG"),
    ],
)
def test_attachment_whose_content_does_not_open_is_refused(name, content, message):
    with pytest.raises(Exception) as error:
        validate_attachment(SimpleUploadedFile(name, content))
    assert message in str(error.value)


def test_image_bomb_is_refused(settings):
    from PIL import Image

    big = image_bytes("PNG", size=(300, 300))
    limit = Image.MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = 10_000
    try:
        with pytest.raises(Exception, match="not a real PNG"):
            validate_attachment(SimpleUploadedFile("bomb.png", big))
    finally:
        Image.MAX_IMAGE_PIXELS = limit


def _admin_add_reply(client, suggestion, upload):
    assignment = suggestion.assignments.get()
    return client.post(
        reverse("admin:suggestions_reply_add"),
        {
            "assignment": assignment.pk,
            "reply_class": "A",
            "text": "已解决",
            "signed_by": "局长",
            "replied_on": assignment.assigned_on.isoformat(),
            "attachment": upload,
        },
    )


def test_admin_reply_form_refuses_an_html_file_named_pdf(client, build, unit_x, staff):
    suggestion = build(Status.ASSIGNED, lead_unit=unit_x)
    admin = get_user_model().objects.create_superuser("root", password="x")
    client.force_login(admin)
    response = _admin_add_reply(
        client, suggestion, SimpleUploadedFile("a.pdf", b"%PDF-1.4<html></html>" * 10)
    )
    assert response.status_code == 200
    assert "attachment" in response.context["adminform"].form.errors
    assert not suggestion.replies.exists()


def test_admin_reply_form_accepts_a_real_pdf_and_keeps_its_name(client, build, unit_x):
    suggestion = build(Status.ASSIGNED, lead_unit=unit_x)
    client.force_login(get_user_model().objects.create_superuser("root", password="x"))
    response = _admin_add_reply(client, suggestion, SimpleUploadedFile(CHINESE_NAME, PDF))
    assert response.status_code == 302
    assert suggestion.replies.get().attachment_name == CHINESE_NAME
