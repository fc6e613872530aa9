from django.core.management.base import BaseCommand
from django.db import transaction

from suggestions.figures.summaries import recount_all


class Command(BaseCommand):
    help = "Rebuild the statistics' summary rows from the suggestions (after a bulk load)."

    @transaction.atomic
    def handle(self, *args, **options):
        recount_all()
        self.stdout.write("Summary rows rebuilt.")
