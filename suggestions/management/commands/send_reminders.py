from django.core.management.base import BaseCommand
from django.utils import timezone

from congress.tenancy import each_congress
from suggestions.notifications import send_due_reminders, send_promise_reminders


class Command(BaseCommand):
    help = (
        "Daily: remind units of replies and promised follow-ups due within the week and of "
        "overdue ones (idempotent)."
    )

    def handle(self, *args, **options):
        today = timezone.localdate()
        sent = sum(
            send_due_reminders(today) + send_promise_reminders(today)
            for _congress in each_congress()  # each under its own rule profile
        )
        self.stdout.write(f"{sent} reminder(s) sent.")
