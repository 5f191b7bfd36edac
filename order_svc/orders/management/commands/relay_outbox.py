from django.core.management.base import BaseCommand

from orders.relay import build_relay


class Command(BaseCommand):
    help = "Send the saga commands waiting in the orders' embedded outboxes to RabbitMQ, until stopped."

    def handle(self, *args, **options):
        build_relay().run_forever()
