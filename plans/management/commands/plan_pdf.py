from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from plans.models import Plan
from plans.pdf import MEMBERS, OFFICERS, PUBLIC, render_plan_pdf, render_report_pdf


class Command(BaseCommand):
    help = "Write a plan (or, with --report, its status report) as PDF."

    def add_arguments(self, parser):
        parser.add_argument("plan_id", type=int)
        parser.add_argument("-o", "--output", required=True, help="Where to write the PDF.")
        parser.add_argument("--report", action="store_true", help="The status report.")
        parser.add_argument(
            "--audience",
            choices=[PUBLIC, MEMBERS, OFFICERS],
            default=PUBLIC,
            help="Whose report: members also get the notes, officers the branch matrix.",
        )

    def handle(self, *args, **options):
        plan = (
            Plan.objects.select_related("organisation", "adopted_by")
            .filter(pk=options["plan_id"])
            .first()
        )
        if plan is None:
            raise CommandError(f"No plan with id {options['plan_id']}.")
        if options["report"]:
            body = render_report_pdf(plan, options["audience"])
        else:
            body = render_plan_pdf(plan)
        Path(options["output"]).write_bytes(body)
        self.stdout.write(f"Wrote {options['output']} ({len(body) // 1024} KiB).")
