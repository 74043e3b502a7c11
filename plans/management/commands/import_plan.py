"""uv run manage.py import_plan PATH --organisation SLUG [--dry-run] [--json]"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import override

from organisations.models import Organisation
from plans.importing.blocks import ReadError
from plans.importing.readers import read_document
from plans.importing.review import content_type_for, plan_import_apply, summary, with_keys
from plans.importing.structure import read_plan
from plans.models import PlanImport


class Command(BaseCommand):
    help = "Read a plan document (DOCX, PDF, Markdown, text) into a draft plan of an organisation."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--organisation", required=True, help="the organisation's slug")
        parser.add_argument("--dry-run", action="store_true", help="read only; write nothing")
        parser.add_argument("--json", action="store_true", help="print what was read as JSON")

    def handle(self, *args, path: str, organisation: str, dry_run: bool, json: bool, **options):
        try:
            owner = Organisation.objects.get(slug=organisation)
        except Organisation.DoesNotExist:
            raise CommandError(f"No organisation with the slug {organisation!r}.") from None
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"No file at {path}.")
        data = file.read_bytes()
        try:
            blocks = read_document(data, file.name)
        except ReadError as error:
            raise CommandError(str(error)) from None
        with override(owner.language):
            plan = with_keys(read_plan(blocks, filename=file.name, today=timezone.localdate()))
            plan["language"] = owner.language
            counts = summary(plan, owner)
            if not dry_run and not counts["goals"]:
                raise CommandError(counts["warnings"][-1])
            if not dry_run:
                with transaction.atomic():
                    plan_import = PlanImport.objects.create(
                        organisation=owner,
                        filename=file.name[:200],
                        content_type=content_type_for(file.name),
                        data=data,
                        read=plan,
                    )
                    draft = plan_import_apply(plan_import=plan_import, plan=plan, by=None)
                counts["plan"] = draft.pk
        if json:
            self.stdout.write(_dumps(counts))
            return
        for key, value in counts.items():
            if key not in ("bodies", "warnings"):
                self.stdout.write(f"{key}: {value}")
        for body in counts["bodies"]:
            mark = "ok" if body["resolved"] else "unknown"
            self.stdout.write(f"body: {body['name']} ({mark})")
        for warning in counts["warnings"]:
            self.stdout.write(self.style.WARNING(f"warning: {warning}"))
        if dry_run:
            self.stdout.write("Dry run: nothing was written.")


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2)
