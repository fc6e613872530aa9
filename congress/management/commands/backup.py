import subprocess

from django.core.management.base import BaseCommand, CommandError

from congress.backup import BackupError, backup


class Command(BaseCommand):
    help = "Write one archive: a consistent database dump, the attachments and a manifest."

    def add_arguments(self, parser):
        parser.add_argument("--output", help="archive path (default var/backups/backup-….tar.gz)")

    def handle(self, *args, output=None, **options):
        try:
            path, manifest = backup(output)
        except subprocess.CalledProcessError as error:
            raise CommandError(error.stderr.decode(errors="replace")) from error
        except (BackupError, OSError) as error:
            raise CommandError(str(error)) from error
        rows = sum(manifest["rows"].values())
        self.stdout.write(
            self.style.SUCCESS(
                f"{path}: {manifest['engine']} database, {rows} rows in "
                f"{len(manifest['rows'])} tables, {len(manifest['files'])} file(s)."
            )
        )
