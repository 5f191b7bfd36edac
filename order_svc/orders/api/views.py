"""HTTP views of order_svc: parse, call one service or selector, serialize. Domain errors are mapped to
statuses here: invalid input 400, inactive account 403, unknown or foreign order 404, a transition, payment
or refund the order does not allow 409 (with the reason). A dependency down (MongoDB, user_svc, product_svc)
is the 503 naming it that every service answers (shared.outages)."""

import re

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.viewsets import ViewSet

from orders import selectors, services
from orders.api.serializers import (
    OrderCreateSerializer,
    OrderQuerySerializer,
    OrderSerializer,
    PaymentCreateSerializer,
    RefundCreateSerializer,
    StatusChangeSerializer,
)
from orders.errors import (
    IdempotencyKeyReused,
    InactiveUser,
    InvalidOrder,
    PaymentRefused,
    RefundRefused,
    StatusSetElsewhere,
    TransitionNotAllowed,
)
from shared.auth.permissions import IsPerson, IsStaff, IsStaffOrService
from shared.errors import Conflict
from shared.mongo import DocumentLocked
from shared.openapi import ErrorDocumentingSchema, error_responses
from shared.pagination import Pagination, paginated
from shared.parsers import JSON_AND_FORM_PARSERS, JSONParser

IDEMPOTENCY_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")
_IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key", OpenApiTypes.STR, OpenApiParameter.HEADER, required=False,
    description="A retried POST with the same key returns the first order instead of a new one.",
)  # fmt: skip
_ORDER_ID = OpenApiParameter("id", OpenApiTypes.STR, OpenApiParameter.PATH, description="Order id")
# What the status route adds for staff in a browser (orders.api.urls passes it to as_view): DRF's browsable
# API renders an HTML form from serializer_class for a view that parses forms. The other routes take JSON.
STATUS_FORM = {"parser_classes": JSON_AND_FORM_PARSERS, "serializer_class": StatusChangeSerializer}


class OrderViewSet(ViewSet):
    """Orders: a person creates and reads their own and cancels them; staff see all, move statuses and
    refund; staff or a service (the payment provider's side) record payments."""

    serializer_class = OrderSerializer
    schema = ErrorDocumentingSchema()
    parser_classes = [JSONParser]
    # Not used to paginate: it tells the schema that lists are the page shape shared.pagination answers.
    pagination_class = Pagination

    def get_permissions(self):
        return [self._permissions.get(self.action, IsPerson)()]

    # Who may do what besides a person reading, placing and cancelling their own orders.
    _permissions = {"set_status": IsStaff, "refund": IsStaff, "pay": IsStaffOrService}

    def handle_exception(self, exc):
        if isinstance(exc, InvalidOrder):
            exc = ValidationError(exc.detail)
        elif isinstance(exc, InactiveUser):
            exc = PermissionDenied("Your account is not active.")
        elif isinstance(exc, IdempotencyKeyReused):
            exc = Conflict("This Idempotency-Key was used for a different request.")
        elif isinstance(exc, TransitionNotAllowed | StatusSetElsewhere | PaymentRefused | RefundRefused):
            exc = Conflict(str(exc))
        elif isinstance(exc, DocumentLocked):
            exc = Conflict("The order is being changed by another request; try again.")
        return super().handle_exception(exc)

    @extend_schema(parameters=[OrderQuerySerializer], responses=OrderSerializer(many=True))
    def list(self, request):
        query = OrderQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        filters = dict(query.validated_data)
        if not request.user.is_staff:
            filters["user_id"] = str(request.user.id)
        return self._page(request, filters)

    @extend_schema(parameters=[OrderQuerySerializer], responses=OrderSerializer(many=True))
    def for_user(self, request, user_id=None):
        if not request.user.is_staff and user_id != str(request.user.id):
            raise PermissionDenied("You may list only your own orders.")
        query = OrderQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        return self._page(request, {**query.validated_data, "user_id": user_id})

    @extend_schema(
        request=OrderCreateSerializer,
        parameters=[_IDEMPOTENCY_HEADER],
        responses={201: OrderSerializer, **error_responses(409, 503)},
    )
    def create(self, request):
        payload = OrderCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        key = request.headers.get("Idempotency-Key")
        if key is not None and not IDEMPOTENCY_KEY.match(key):
            raise ValidationError({"Idempotency-Key": ["1 to 255 printable ASCII characters."]})
        order, _created = services.order_create(
            user_id=str(request.user.id),
            user_token=_bearer(request),
            items=payload.validated_data["items"],
            shipping_address_id=payload.validated_data.get("shipping_address_id"),
            shipping_address=payload.validated_data.get("shipping_address"),
            idempotency_key=key,
            customer_email=request.user.email,
        )
        # A replay answers like the first request did (201), so a client retrying blindly sees one outcome.
        return Response(OrderSerializer(order).data, status=status.HTTP_201_CREATED)

    @extend_schema(parameters=[_ORDER_ID], responses=OrderSerializer)
    def retrieve(self, request, pk=None):
        return Response(OrderSerializer(self._get(request, pk)).data)

    @extend_schema(parameters=[_ORDER_ID], responses={200: OrderSerializer, **error_responses(409)})
    def destroy(self, request, pk=None):
        self._get(request, pk)
        order = services.order_cancel(
            order_id=pk, reason=f"cancelled by {_role(request)}", actor=_actor(request)
        )
        if order is None:
            raise NotFound()
        return Response(OrderSerializer(order).data)

    @extend_schema(
        parameters=[_ORDER_ID],
        # The contract is JSON; the HTML form the route also parses is the browsable API's, for staff.
        request={"application/json": StatusChangeSerializer},
        responses={200: OrderSerializer, **error_responses(409)},
    )
    def set_status(self, request, pk=None):
        payload = StatusChangeSerializer(data=request.data)
        if payload.is_valid():
            requested, reason = payload.validated_data["status"], payload.validated_data.get("reason")
        else:
            # A status only the saga, a payment or a refund sets is a real status, refused as such (409
            # naming what sets it, by the service, once the order is found); anything else is a 400.
            requested, reason = (request.data.get("status") if isinstance(request.data, dict) else None), None
            if not (isinstance(requested, str) and requested in services.SET_ELSEWHERE):
                raise ValidationError(payload.errors)
        order = services.order_set_status(order_id=pk, status=requested, reason=reason, actor=_actor(request))
        if order is None:
            raise NotFound()
        # The same JSON, detached from its serializer: the browsable API would otherwise render its next
        # form from the order's serializer (every field as text) instead of the status form (STATUS_FORM).
        return Response(dict(OrderSerializer(order).data))

    @extend_schema(
        parameters=[_ORDER_ID],
        request=PaymentCreateSerializer,
        responses={200: OrderSerializer, 201: OrderSerializer, **error_responses(409)},
        description="Record a payment (staff or a service). 201 with the order when recorded (paid once "
        "the payments reach the total); 200 with the order for a reference already recorded.",
    )
    def pay(self, request, pk=None):
        payload = PaymentCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        order, recorded = services.order_pay(order_id=pk, actor=_actor(request), **payload.validated_data)
        if order is None:
            raise NotFound()
        return Response(
            OrderSerializer(order).data, status=status.HTTP_201_CREATED if recorded else status.HTTP_200_OK
        )

    @extend_schema(
        parameters=[_ORDER_ID],
        request=RefundCreateSerializer,
        responses={201: OrderSerializer, **error_responses(409)},
        description="Refund a paid, processing or delivered order in full (staff): it becomes refunded.",
    )
    def refund(self, request, pk=None):
        payload = RefundCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        order = services.order_refund(order_id=pk, actor=_actor(request), **payload.validated_data)
        if order is None:
            raise NotFound()
        return Response(OrderSerializer(order).data, status=status.HTTP_201_CREATED)

    def _get(self, request, pk):
        order = selectors.order_get_visible(order_id=pk, user=request.user)
        if order is None:
            raise NotFound()
        return order

    def _page(self, request, filters):
        total, orders = selectors.order_list(**filters)
        return Response(
            paginated(
                request,
                total=total,
                limit=filters["limit"],
                offset=filters["offset"],
                results=OrderSerializer(orders, many=True).data,
            )
        )


def _bearer(request) -> str:
    """The caller's own access token as sent (forwarded to user_svc to read the caller's address)."""
    _scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip()


def _role(request) -> str:
    return "staff" if request.user.is_staff else "customer"


def _actor(request) -> str:
    """Who asked, for the status history: the person's email, or their id when the token had none; a
    service is ``service:<name>``."""
    return getattr(request.user, "email", "") or str(request.user.id)
