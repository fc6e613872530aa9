from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from congress.models import Session
from suggestions import services
from suggestions.imports import ImportFileError, plan_import, read_rows
from suggestions.models import WorkflowError


class Command(BaseCommand):
    help = "Import a session's suggestions from an .xlsx or CSV file (all rows or none)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--session", required=True, help="session id or exact name")
        parser.add_argument("--dry-run", action="store_true", help="check only, save nothing")

    def handle(self, *args, file, session, dry_run=False, **options):
        found = (
            Session.objects.filter(pk=int(session))
            if session.isdigit()
            else Session.objects.filter(name=session)
        )
        session = found.first()
        if session is None:
            raise CommandError(f"No session {options.get('session') or ''!s}".strip())
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No file at {path}")
        try:
            rows = read_rows(path.read_bytes(), path.name)
        except ImportFileError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Read {len(rows)} rows; checking…")
        plans = plan_import(session, rows)
        for n, plan in enumerate(plans, start=1):
            if plan.problems:
                self.stdout.write(f"row {plan.row}: " + "; ".join(map(str, plan.problems)))
            if n % 1000 == 0:
                self.stdout.write(f"  checked {n}/{len(plans)}")
        refused = sum(p.action == "refused" for p in plans)
        if refused:
            raise CommandError(f"{refused} row(s) have problems; nothing was imported.")
        if dry_run:
            self.stdout.write("Dry run: every row is fine; nothing was saved.")
            return
        try:
            created = services.import_suggestions(session=session, plans=plans, by=None)
        except WorkflowError as error:
            raise CommandError(str(error)) from error
        unchanged = sum(p.action == "unchanged" for p in plans)
        self.stdout.write(
            self.style.SUCCESS(
                f"{created} suggestion(s) imported into {session}; {unchanged} already there."
            )
        )
