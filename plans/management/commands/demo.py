from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from plans.demo import DEMO_LOGINS, DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = "Migrate, load the demo data (idempotently), print the demo logins and serve."

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-serve", action="store_true", help="Load the demo data but do not serve."
        )
        parser.add_argument("--addrport", default="127.0.0.1:8000")

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("The demo command refuses to run when DEBUG is off.")
        call_command("migrate", interactive=False, verbosity=0)
        load_demo()
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        self.stdout.write(f"Demo logins (password: {DEMO_PASSWORD}):")
        for email, what in DEMO_LOGINS:
            self.stdout.write(f"  {email:<24} {what}")
        self.stdout.write(
            "Organisation admins set up two-factor authentication (an authenticator app "
            "or a passkey) at their first login."
        )
        if not options["no_serve"]:
            self.stdout.write(f"Serving on http://{options['addrport']}/ (Ctrl+C to stop)")
            call_command("runserver", options["addrport"], use_reloader=False)
