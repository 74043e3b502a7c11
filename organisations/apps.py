from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationsConfig(AppConfig):
    name = "organisations"
    verbose_name = _("Organisations")

    def ready(self) -> None:
        from allauth.account.signals import user_signed_up

        from .generations import watch
        from .invitations import user_signed_up_received

        # An account made from an invitation's link accepts that invitation.
        user_signed_up.connect(user_signed_up_received, dispatch_uid="organisations.invitation")
        watch()  # cached pages and rights show names and memberships: a change renews them
