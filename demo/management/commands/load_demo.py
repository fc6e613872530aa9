from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from congress import cache
from congress.models import Term
from demo import builder as demo
from suggestions.figures import summaries

DUMMY_MAIL = "django.core.mail.backends.dummy.EmailBackend"


class Command(BaseCommand):
    help = (
        "Load the demo: the city's congress (the 7th session of the 3rd congress and a current "
        "session) and its 13 county-level congresses."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="load even when DEBUG is off (never on a live database)",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="do nothing when the database already holds any term (what make run uses)",
        )

    def handle(self, *args, force=False, if_empty=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG is off: this looks like a live system. Use --force to "
                "load invented demo data anyway."
            )
        if if_empty and Term.objects.exists():
            self.stdout.write("The database already holds data; the demo was not loaded.")
            return
        if demo.is_loaded():
            self.stdout.write("The demo data is already loaded; nothing changed.")
            return
        # The demo's notifications stay in the app; no demo e-mail goes anywhere (mail is sent
        # on commit, so the dummy backend must still be in force when the transaction commits).
        # One change-set: its thousands of service calls recount the summary rows once, and
        # one bump of the page cache's versions for the whole build.
        with (
            override_settings(EMAIL_BACKEND=DUMMY_MAIL),
            cache.one_bump(),
            summaries.change_set(),
        ):
            demo.DemoBuilder().build()
        self.stdout.write(
            self.style.SUCCESS(
                "Demo loaded. Logins (password demo12345): "
                "admin, staff, deputy, deputy2, unit, keeper; xiaoyi (staff of 孝义市, and each "
                "county's staff by its site's name: lishi, fenyang, ...), two_levels (a deputy "
                "of the city and of 孝义市)."
            )
        )
