from django.core.management.base import BaseCommand

from stock.consumer import ProductEventsConsumer


class Command(BaseCommand):
    help = (
        "Apply product.events from Kafka (group inventory-consumer-group) to inventory items, until stopped."
    )

    def handle(self, *args, **options):
        ProductEventsConsumer().run_forever()
