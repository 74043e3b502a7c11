from datetime import date, datetime, time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from calendar_app.outbox import dispatch, ready
from calendar_app.reminders import candidates, scan


class Command(BaseCommand):
    help = "Run the reminder scan for a day and send what is due, printing each reminder."

    def add_arguments(self, parser):
        parser.add_argument("--date", required=True, help="YYYY-MM-DD")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Show what would be written and sent; change nothing.",
        )

    def handle(self, *args, **options):
        try:
            day = date.fromisoformat(options["date"])
        except ValueError:
            raise CommandError("Give the date as YYYY-MM-DD.") from None
        # Send as on that morning, so a date ahead can be tried out too.
        now = max(timezone.now(), timezone.make_aware(datetime.combine(day, time(7))))
        if options["dry_run"]:
            rows = candidates(day)
            for row in rows:
                self.stdout.write(
                    f"would remind {row.recipient.email}: {row.get_kind_display()} "
                    f"({row.object_type.model} {row.object_id})"
                )
            waiting = ready(now).count()
            self.stdout.write(f"{len(rows)} reminders for {day}; {waiting} waiting to be sent.")
            return
        created = scan(day)
        result = dispatch(now=now)
        for message in result.emails:
            self.stdout.write(f"sent to {message.to[0]}: {message.subject}")
        self.stdout.write(
            f"{created} new reminders for {day}; {result.sent} sent, "
            f"{result.retrying} to retry, {result.failed} failed."
        )
