"""Backup and restore: one archive with the database and the attachments; restored into an
empty database and media folder it gives the same row counts and the same checksums.
Runs on the tests' database engine: SQLite always, PostgreSQL when DATABASE_URL points there."""

import json
import tarfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from congress.backup import media_files, row_counts
from suggestions import services
from suggestions.models import Suggestion
from tests.databases import empty_database
from tests.files import PDF, PNG

Status = Suggestion.Status
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def replied_with_letters(build, unit_x, unit_y, staff, settings):
    for unit, name, content in [(unit_x, "答复函.pdf", PDF), (unit_y, "扫描件.png", PNG)]:
        suggestion = build(Status.ASSIGNED, lead_unit=unit)
        assignment = suggestion.assignments.get()
        services.reply(
            assignment=assignment,
            reply_class="A",
            text="已解决",
            signed_by="局长",
            by=staff,
            on=assignment.assigned_on,
            attachment=SimpleUploadedFile(name, content),
        )
    preview = settings.MEDIA_ROOT / "imports" / "abandoned.xlsx"
    preview.parent.mkdir(parents=True)
    preview.write_bytes(b"preview")


def test_backup_then_restore_into_an_empty_database_gives_the_same_rows_and_files(
    replied_with_letters, tmp_path, settings, capsys
):
    archive = tmp_path / "backup.tar.gz"
    rows_before, files_before = row_counts(), media_files()
    assert len(files_before) == 2 and rows_before["suggestions_reply"] == 2

    call_command("backup", output=str(archive))
    assert "2 file(s)" in capsys.readouterr().out
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
        names = tar.getnames()
    assert manifest["rows"] == rows_before and manifest["files"] == files_before
    assert not any("imports/" in name for name in names)  # previews are not kept

    settings.MEDIA_ROOT = tmp_path / "restored-media"
    with empty_database(tmp_path):
        call_command("restore", str(archive))
        assert row_counts() == rows_before
        assert media_files() == files_before
        assert Suggestion.objects.filter(replies__attachment_name="答复函.pdf").exists()
    assert "match the manifest" in capsys.readouterr().out


def test_restore_refuses_a_database_that_is_not_empty(replied_with_letters, tmp_path, settings):
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", output=str(archive))
    settings.MEDIA_ROOT = tmp_path / "restored-media"
    with pytest.raises(CommandError, match="database is not empty"):
        call_command("restore", str(archive))


def test_restore_refuses_a_media_folder_that_is_not_empty(replied_with_letters, tmp_path):
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", output=str(archive))
    with empty_database(tmp_path), pytest.raises(CommandError, match="media folder"):
        call_command("restore", str(archive))
