from django.core.management.base import BaseCommand

from suggestions.imports.cleanup import remove_stale_previews


class Command(BaseCommand):
    help = "Remove import previews (MEDIA_ROOT/imports/) nobody confirmed within a day."

    def handle(self, *args, **options):
        removed = remove_stale_previews()
        self.stdout.write(f"{removed} stale preview(s) removed.")
