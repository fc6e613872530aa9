from django.core.management.base import BaseCommand
from django.utils import timezone

from suggestions.notifications import send_due_reminders, send_promise_reminders


class Command(BaseCommand):
    help = (
        "Daily: remind units of replies and promised follow-ups due within the week and of "
        "overdue ones (idempotent)."
    )

    def handle(self, *args, **options):
        today = timezone.localdate()
        sent = send_due_reminders(today) + send_promise_reminders(today)
        self.stdout.write(f"{sent} reminder(s) sent.")
