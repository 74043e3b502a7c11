from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CalendarAppConfig(AppConfig):
    name = "calendar_app"
    verbose_name = _("Calendar")

    def ready(self) -> None:
        from organisations.signals import event_happened, invitation_issued

        from .outbox import invitation_issued_received
        from .webhooks import event_happened_received

        # This app owns the outbox: an invitation's email goes out through it.
        invitation_issued.connect(
            invitation_issued_received, dispatch_uid="calendar_app.invitation"
        )
        # And the webhooks' posts: events of plans and goals go out through it too.
        event_happened.connect(event_happened_received, dispatch_uid="calendar_app.webhooks")
