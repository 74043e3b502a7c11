"""What the ground floor announces to the apps that stand on it.

Each receiver lives in the app that must act, and calls that app's own service:
the logic stays in services, the signal only says that something happened.
"""

from django.dispatch import Signal

# sender=Organisation, organisation=<the new node>, by=<person or None>
organisation_created = Signal()
# sender=Invitation, invitation=<the invitation to send now>
invitation_issued = Signal()
# sender=<model class>, organisation=<whose event>, event="plan.adopted" | "measure.done" |
# "measurement.added", data=<what a receiver outside may know: ids, codes, no names>.
# Sent inside the service's transaction; calendar_app queues it for the webhooks.
event_happened = Signal()
