from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = _("Plans")

    def ready(self) -> None:
        from organisations.audit import recorder_set

        from .activity import activity_record

        # The activity log lives here; the organisations app writes to it through audit().
        recorder_set(activity_record)
