import subprocess

from django.core.management.base import BaseCommand, CommandError

from congress.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore a backup archive into an empty database and an empty media folder, then check "
        "every table's row count and every file's checksum against its manifest."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive")

    def handle(self, *args, archive, **options):
        try:
            manifest = restore(archive)
        except subprocess.CalledProcessError as error:
            raise CommandError(error.stderr.decode(errors="replace")) from error
        except (BackupError, OSError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored the backup of {manifest['created_at']}: "
                f"{len(manifest['rows'])} tables and {len(manifest['files'])} file(s) match "
                "the manifest. Run `manage.py migrate` if this code is newer than the backup."
            )
        )
