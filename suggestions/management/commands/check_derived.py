from django.core.management.base import BaseCommand

from suggestions.figures.drift import check_and_record


class Command(BaseCommand):
    help = (
        "Recount every summary row, stored flag and queue column, report what differed from "
        "what was stored, and repair it (what the worker does each night)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="report the drift, change nothing"
        )

    def handle(self, *args, dry_run=False, **options):
        report = check_and_record(repair=not dry_run)
        for line in report.examples:
            self.stdout.write(f"  {line}")
        counts = ", ".join(f"{kind} {n}" for kind, n in report.drifted.items())
        if not report.total:
            self.stdout.write(self.style.SUCCESS("No drift: every derived row is as counted."))
        elif dry_run:
            self.stdout.write(self.style.WARNING(f"Drift found ({counts}); nothing changed."))
        else:
            self.stdout.write(self.style.WARNING(f"Drift found and repaired ({counts})."))
