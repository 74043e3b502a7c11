from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationsConfig(AppConfig):
    name = "organisations"
    verbose_name = _("Organisations")

    def ready(self) -> None:
        from allauth.account.signals import user_signed_up

        from .invitations import user_signed_up_received
        from .names import watch_names

        # An account made from an invitation's link accepts that invitation.
        user_signed_up.connect(user_signed_up_received, dispatch_uid="organisations.invitation")
        watch_names()  # cached pages show names: a change renews them
