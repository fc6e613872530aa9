from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from congress.models import Congress, Session
from congress.tenancy import activate
from suggestions.imports import writing
from suggestions.imports.plan import plan_import
from suggestions.imports.reading import MAX_FILE_BYTES, ImportFileError, read_file
from suggestions.models import WorkflowError


class Command(BaseCommand):
    help = (
        "Import a session's suggestions from an .xlsx, .xls or CSV file (all rows or none), "
        "with the detected or remembered column mapping; handling columns bring each "
        "suggestion to its final state."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--session", required=True, help="session id or exact name")
        parser.add_argument(
            "--congress",
            help="the slug of the congress whose session this is (default: the default congress)",
        )
        parser.add_argument("--dry-run", action="store_true", help="check only, save nothing")
        parser.add_argument(
            "--sheet", action="append", default=[], help="read only this sheet (repeatable)"
        )

    def handle(self, *args, congress=None, **options):
        """Everything runs for one congress: its sessions, deputies, delegations and units are
        the ones looked up, and what is written belongs to it."""
        chosen = (
            Congress.objects.filter(slug=congress).first()
            if congress
            else Congress.objects.default()
        )
        if chosen is None:
            slugs = ", ".join(Congress.objects.values_list("slug", flat=True))
            raise CommandError(f"No congress {congress!r}. Congresses: {slugs}")
        with activate(chosen):
            self.import_into(chosen, **options)

    def import_into(self, congress, *, file, session, dry_run=False, sheet=(), **options):
        lookup = {"pk": int(session)} if session.isdigit() else {"name": session}
        chosen = Session.objects.filter(**lookup).first()
        if chosen is None:
            names = "; ".join(f"{s.pk} {s.name}" for s in Session.objects.order_by("pk"))
            elsewhere = Session.everywhere.filter(**lookup).select_related("congress").first()
            hint = (
                f" It is a session of {elsewhere.congress}: add --congress "
                f"{elsewhere.congress.slug}."
                if elsewhere
                else ""
            )
            raise CommandError(
                f"No session {session!r} in {congress}. Sessions: {names or 'none'}.{hint}"
            )
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No file at {path}")
        if path.stat().st_size > MAX_FILE_BYTES:  # refused before it is read into memory
            raise CommandError(f"The file is larger than {MAX_FILE_BYTES // 1024 // 1024} MB.")
        try:
            sheets = read_file(path.read_bytes(), path.name)
        except ImportFileError as error:
            raise CommandError(str(error)) from error
        if sheet:
            unknown = set(sheet) - {s.name for s in sheets}
            if unknown:
                raise CommandError(
                    f"No sheet {', '.join(sorted(unknown))}; the sheets are "
                    + ", ".join(s.name for s in sheets)
                )
            for s in sheets:
                s.use = s.use and s.name in sheet
        for s in sheets:
            if s.use:
                columns = ", ".join(f"{h or '?'}→{k or '-'}" for _i, h, k, _v in s.columns())
                self.stdout.write(f"sheet {s.name}: header on row {s.header_row}: {columns}")
        plan = plan_import(chosen, sheets)
        for name, reason in plan.unused_sheets:
            self.stdout.write(f"sheet {name} not read: {reason}")
        for where, text in plan.skipped:
            self.stdout.write(f"{where} skipped: {text}")
        for p in plan.rows:
            if p.problems:
                self.stdout.write(f"{p.where}: " + "; ".join(map(str, p.problems)))
            for label, old, new in p.diffs:
                self.stdout.write(f"{p.where}: {label}: {old} -> {new}")
        if plan.missing:
            self.stdout.write(
                f"{len(plan.missing)} suggestion(s) of the session are not in the file: "
                + ", ".join(map(str, plan.missing[:100]))
            )
        refused = len(plan.refused)
        summary = (
            f"{len(plan.rows)} rows: {plan.count('create')} to create "
            f"({plan.concluded} with handling results), {plan.count('update')} to update, "
            f"{plan.count('unchanged')} unchanged, {refused} with problems, "
            f"{len(plan.skipped)} skipped"
        )
        self.stdout.write(summary)
        if not plan.rows:
            raise CommandError("No suggestion rows found: no sheet has a recognised header row.")
        if refused:
            raise CommandError(f"{refused} row(s) have problems; nothing was imported.")
        if dry_run:
            self.stdout.write("Dry run: every row is fine; nothing was saved.")
            return
        try:
            counts = writing.import_suggestions(
                session=chosen,
                plans=plan.rows,
                by=None,
                progress=lambda n: self.stdout.write(
                    f"  {n}/{plan.concluded} brought to their final state"
                ),
            )
        except WorkflowError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"{counts.created} suggestion(s) created ({counts.concluded} brought to their "
                f"final state), {counts.updated} updated in {chosen}."
            )
        )
