from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GoalsConfig(AppConfig):
    name = "goals"
    verbose_name = _("Goals and measures")

    def ready(self) -> None:
        from organisations.signals import organisation_created

        from .progress import organisation_created_received

        organisation_created.connect(organisation_created_received, dispatch_uid="goals.shares")
