from django.core.management.base import BaseCommand, CommandError

from congress.founding import FoundingError, add_congress
from congress.models import Congress


class Command(BaseCommand):
    help = (
        "Add a congress (a county under its city, a city under its province): its own site at "
        "/c/<slug>/, its rule profile and its first staff login. Refuses a slug or name in use."
    )

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True, help="full name, e.g. 孝义市人民代表大会")
        parser.add_argument("--short-name", required=True, help="short name, e.g. 孝义市")
        parser.add_argument("--slug", required=True, help="site address: /c/<slug>/")
        parser.add_argument("--level", required=True, choices=Congress.Level.values)
        parser.add_argument("--parent", help="the slug of the congress above (a county's city)")
        parser.add_argument("--division", help="a county's division of the city, by name")
        parser.add_argument(
            "--rule",
            action="append",
            default=[],
            metavar="NAME=NUMBER",
            help="a rule that differs from the installation's (repeatable), e.g. REPLY_MONTHS=2",
        )
        parser.add_argument("--staff-login", help="create this staff login for the congress")

    def handle(self, *args, **options):
        try:
            congress, user, password = add_congress(
                name=options["name"],
                short_name=options["short_name"],
                slug=options["slug"],
                level=options["level"],
                parent=options["parent"],
                division=options["division"],
                rules=options["rule"],
                staff_login=options["staff_login"],
            )
        except FoundingError as error:
            raise CommandError(f"{error} Nothing was saved.") from error
        rules = ", ".join(f"{k}={v}" for k, v in congress.rules.items()) or "the installation's"
        self.stdout.write(
            self.style.SUCCESS(
                f"Added {congress.name} ({congress.get_level_display()}), its site at "
                f"/c/{congress.slug}/; rules: {rules}."
            )
        )
        if user is not None:
            self.stdout.write(
                f"Staff login {user.get_username()}, one-time password: {password}\n"
                "Give it to them in person; they change it at /accounts/password_change/."
            )
