from django.core.management.base import BaseCommand
from django.utils import timezone

from suggestions.notifications import send_due_reminders


class Command(BaseCommand):
    help = "Daily: remind units of replies due within the week and of overdue ones (idempotent)."

    def handle(self, *args, **options):
        sent = send_due_reminders(timezone.localdate())
        self.stdout.write(f"{sent} reminder(s) sent.")
