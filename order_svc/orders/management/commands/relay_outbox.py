from django.core.management.base import BaseCommand

from orders.relay import build_relay


class Command(BaseCommand):
    help = (
        "Send what waits in the orders' embedded outboxes, until stopped: saga commands to RabbitMQ, "
        "status events to Kafka."
    )

    def handle(self, *args, **options):
        build_relay().run_forever()
