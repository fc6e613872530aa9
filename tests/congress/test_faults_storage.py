"""A full or read-only disk while a reply's attachment is stored: the form says why, in
Chinese; nothing is saved (no reply, no file), and no half-written file is left behind."""

import errno
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from congress.files import StorageUnavailable
from suggestions.models import Reply, Suggestion
from tests.files import PDF

pytestmark = pytest.mark.django_db
REFUSED = "文件无法保存：服务器存储空间已满或处于只读状态"


def disk_full(monkeypatch):
    """The file is created, then the first write fails, as on a full disk (ENOSPC)."""
    real_fdopen = os.fdopen

    class Full:
        def __init__(self, handle):
            self.handle = handle

        def write(self, data):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

        def close(self):
            self.handle.close()

    monkeypatch.setattr(os, "fdopen", lambda fd, *a, **kw: Full(real_fdopen(fd, *a, **kw)))


def read_only(monkeypatch):
    """Creating a file under MEDIA_ROOT fails, as on a file system remounted read-only."""
    real_open = os.open

    def refuse(path, *args, **kwargs):
        if str(path).startswith(str(settings.MEDIA_ROOT)):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), path)
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", refuse)


def files_in_media():
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.mark.parametrize("fault", [disk_full, read_only])
def test_a_reply_whose_attachment_cannot_be_stored_saves_nothing_and_says_why(
    fault, build, unit_x, client, monkeypatch
):
    suggestion = build(Suggestion.Status.ASSIGNED, lead_unit=unit_x)
    lead = suggestion.assignments.get(role="lead")
    client.force_login(unit_x.members.get())
    fault(monkeypatch)
    response = client.post(
        reverse("workbench:act_on_assignment", args=[suggestion.pk, lead.pk, "reply"]),
        {
            "reply_class": "A",
            "text": "已解决",
            "signed_by": "局长",
            "replied_on": "2026-10-01",
            "attachment": SimpleUploadedFile("答复.pdf", PDF, content_type="application/pdf"),
        },
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    monkeypatch.undo()
    assert response.status_code == 400
    assert REFUSED in response.content.decode()
    assert not Reply.objects.exists()
    suggestion.refresh_from_db()
    assert suggestion.status == Suggestion.Status.ASSIGNED
    assert files_in_media() == []


@pytest.mark.parametrize("fault", [disk_full, read_only])
def test_the_storage_leaves_no_partial_file_and_raises_a_readable_error(fault, monkeypatch):
    fault(monkeypatch)
    with pytest.raises(StorageUnavailable):
        default_storage.save("replies/1/1/x.pdf", ContentFile(b"%PDF-1.4 ..."))
    monkeypatch.undo()
    assert files_in_media() == []


def test_other_storage_errors_are_not_disguised(monkeypatch):
    real_fdopen = os.fdopen

    class Broken:
        def __init__(self, handle):
            self.handle = handle

        def write(self, data):
            raise OSError(errno.EIO, "I/O error")

        def close(self):
            self.handle.close()

    monkeypatch.setattr(os, "fdopen", lambda fd, *a, **kw: Broken(real_fdopen(fd, *a, **kw)))
    with pytest.raises(OSError) as raised:
        default_storage.save("replies/1/1/y.pdf", ContentFile(b"data"))
    monkeypatch.undo()
    assert not isinstance(raised.value, StorageUnavailable)
    assert files_in_media() == []


def test_a_large_upload_the_disk_cannot_spool_is_refused_with_a_page_and_saves_nothing(
    build, unit_x, client, monkeypatch, settings
):
    """Above FILE_UPLOAD_MAX_MEMORY_SIZE Django spools the upload to a temporary file while it
    reads the request, before any view: a full disk there is a 507 page, not a bare 500."""
    from django.core.files import uploadedfile

    suggestion = build(Suggestion.Status.ASSIGNED, lead_unit=unit_x)
    lead = suggestion.assignments.get(role="lead")
    client.force_login(unit_x.members.get())
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 10  # every upload is spooled to disk

    def no_space(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(uploadedfile.tempfile, "NamedTemporaryFile", no_space)
    client.raise_request_exception = False
    response = client.post(
        reverse("workbench:act_on_assignment", args=[suggestion.pk, lead.pk, "reply"]),
        {
            "reply_class": "A",
            "text": "已解决",
            "signed_by": "局长",
            "replied_on": "2026-10-01",
            "attachment": SimpleUploadedFile("答复.pdf", PDF, content_type="application/pdf"),
        },
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    monkeypatch.undo()
    assert response.status_code == 507
    assert "文件未能接收" in response.content.decode()
    assert not Reply.objects.exists()
    assert files_in_media() == []
