from django.core.management.base import BaseCommand

from stock.relay import build_relay


class Command(BaseCommand):
    help = "Deliver inventory_svc's outbox (Kafka events, saga replies, low-stock alerts) until stopped."

    def handle(self, *args, **options):
        build_relay().run_forever()
