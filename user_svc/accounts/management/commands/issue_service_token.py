from datetime import timedelta

from django.core.management.base import BaseCommand

from accounts.tokens import service_token_issue


class Command(BaseCommand):
    help = (
        "Print a service token for SERVICE (e.g. order): the credential another service sends as "
        "'Authorization: Bearer <token>' to call staff-or-service endpoints such as /users/{id}/verify."
    )

    def add_arguments(self, parser):
        parser.add_argument("service", help="name of the calling service, e.g. order")
        parser.add_argument("--days", type=int, default=365, help="lifetime in days (default 365)")

    def handle(self, *args, service, days, **options):
        self.stdout.write(service_token_issue(service=service, lifetime=timedelta(days=days)))
