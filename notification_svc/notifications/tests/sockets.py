"""Websocket clients for the tests: the real ASGI application, driven by channels' communicator."""

import asyncio

from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import connections

from config.asgi import application

PATH = "/ws/notifications/"


def run(scenario):
    """Run ``scenario()`` in a fresh event loop, then close what worker threads opened on the test
    database (it could not be dropped at the end otherwise)."""

    async def and_close():
        try:
            return await scenario()
        finally:
            await sync_to_async(connections.close_all)()

    return asyncio.run(and_close())


def socket(token=None, *, header=False, path=PATH):
    if token and header:
        return WebsocketCommunicator(
            application, path, headers=[(b"authorization", f"Bearer {token}".encode())]
        )
    return WebsocketCommunicator(application, f"{path}?token={token}" if token else path)
