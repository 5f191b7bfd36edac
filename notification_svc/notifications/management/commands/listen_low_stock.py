from django.core.management.base import BaseCommand

from notifications.listener import build_listener


class Command(BaseCommand):
    help = (
        "Read inventory's low-stock stream as a consumer group: email ADMIN_ALERT_EMAILS and alert the "
        "connected staff for each event, until stopped (SIGTERM)."
    )

    def handle(self, *args, **options):
        build_listener().run_forever()
