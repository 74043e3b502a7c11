from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CalendarAppConfig(AppConfig):
    name = "calendar_app"
    verbose_name = _("Calendar")

    def ready(self) -> None:
        from organisations.signals import invitation_issued

        from .outbox import invitation_issued_received

        # This app owns the outbox: an invitation's email goes out through it.
        invitation_issued.connect(
            invitation_issued_received, dispatch_uid="calendar_app.invitation"
        )
