from django.core.management.base import BaseCommand

from notifications.order_events import OrderEventsConsumer


class Command(BaseCommand):
    help = (
        "Read order.events from Kafka (group notification-order-group): email each customer whose "
        "order shipped, once per event, until stopped (SIGTERM)."
    )

    def handle(self, *args, **options):
        OrderEventsConsumer().run_forever()
