"""MongoDB helpers for tests: counting the round trips a piece of code makes."""

from contextlib import contextmanager

from django.conf import settings
from pymongo import MongoClient, monitoring

from shared import mongo

_HOUSEKEEPING = {"endSessions", "hello", "isMaster", "ping"}


class CommandCounter(monitoring.CommandListener):
    def __init__(self):
        self.names = []
        self.commands = []

    def started(self, event):
        if event.command_name not in _HOUSEKEEPING:
            self.names.append(event.command_name)
            self.commands.append(dict(event.command))

    def clear(self):
        self.names.clear()
        self.commands.clear()

    def filters(self, command_name: str, collection: str) -> list[dict]:
        """The filters of the ``find``/``update``/``delete`` commands sent to ``collection``, in order."""
        found = []
        for command in self.commands:
            if command.get(command_name) != collection:
                continue
            if command_name == "find":
                found.append(dict(command.get("filter", {})))
            else:  # update and delete carry a list of statements
                key = "updates" if command_name == "update" else "deletes"
                found += [dict(statement["q"]) for statement in command.get(key, [])]
        return found

    def succeeded(self, event):
        pass

    def failed(self, event):
        pass


@contextmanager
def counting_commands(warm_up=None):
    """Within the block, the service's MongoDB client counts the commands it sends.

    ``warm_up()`` runs first and is not counted (e.g. the lazy index creation of a repository).
    """
    counter = CommandCounter()
    original = dict(mongo._state)
    client = MongoClient(settings.MONGO_URL, event_listeners=[counter], tz_aware=True)
    mongo._state.update(pid=original["pid"], client=client)
    try:
        if warm_up:
            warm_up()
        counter.clear()
        yield counter
    finally:
        mongo._state.update(original)
        client.close()
