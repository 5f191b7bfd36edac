from django.core.management.base import BaseCommand

from products.relay import build_relay


class Command(BaseCommand):
    help = "Publish the product events waiting in the products' embedded outboxes to Kafka, until stopped."

    def handle(self, *args, **options):
        build_relay().run_forever()
