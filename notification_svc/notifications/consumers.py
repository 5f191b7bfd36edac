"""The staff alerts websocket (``ws/notifications/``): live low-stock alerts for staff.

Browsers cannot set headers on a websocket, so the access token comes as ``?token=<access JWT>``;
an ``Authorization: Bearer`` header works too (other clients). The token is verified like every API
request (shared.auth: RS256, issuer, expiry) and must belong to a staff person.

A refused connection is accepted and then closed with a code the client can read (a handshake
refused before accepting reaches a browser as a bare 1006): 4401 no or invalid token, 4403 not staff.
A connection also closes with 4401 when its token expires, so a client reconnects with a fresh one.
"""

import asyncio
import time
from urllib.parse import parse_qs

from channels.generic.websocket import AsyncJsonWebsocketConsumer
from rest_framework_simplejwt.exceptions import AuthenticationFailed, TokenError

from notifications.alerts import STAFF_ALERTS_GROUP
from shared.auth.authentication import JWTAuthentication

CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403


class StaffAlertsConsumer(AsyncJsonWebsocketConsumer):
    groups = []  # joined only once the token is checked

    async def connect(self):
        user = _authenticated_user(self.scope)
        if user is None:
            await self._refuse(CLOSE_UNAUTHENTICATED)
            return
        if not user.is_staff or getattr(user, "is_service", False):
            await self._refuse(CLOSE_FORBIDDEN)
            return
        # Joined before the accept, so the client misses no alert sent once it is connected.
        await self.channel_layer.group_add(STAFF_ALERTS_GROUP, self.channel_name)
        self.joined = True
        await self.accept()
        self.expiry = asyncio.get_running_loop().create_task(self._close_at(user.token["exp"]))

    async def disconnect(self, code):
        if getattr(self, "expiry", None):
            self.expiry.cancel()
        if getattr(self, "joined", False):
            await self.channel_layer.group_discard(STAFF_ALERTS_GROUP, self.channel_name)

    async def receive(self, text_data=None, bytes_data=None):
        """Ignore what the client sends: the socket only carries alerts to it."""

    async def staff_alert(self, message):
        await self.send_json(message["alert"])

    async def _refuse(self, code):
        await self.accept()
        await self.close(code=code)

    async def _close_at(self, expires_at):
        await asyncio.sleep(max(0.0, expires_at - time.time()))
        await self.close(code=CLOSE_UNAUTHENTICATED)


def _authenticated_user(scope):
    """Who the query string's or Authorization header's token names (verified), or None."""
    authentication = JWTAuthentication()
    raw = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("token", [None])[0]
    try:
        if raw is None:
            header = dict(scope.get("headers", [])).get(b"authorization")
            raw = authentication.get_raw_token(header) if header else None
        if not raw:
            return None
        return authentication.get_user(authentication.get_validated_token(raw))
    except (AuthenticationFailed, TokenError):
        return None
