"""HTTP views of inventory_svc: parse, call one service or selector, serialize."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.viewsets import GenericViewSet

from shared.auth.permissions import IsStaff, IsStaffOrService
from shared.errors import Conflict
from shared.openapi import ErrorDocumentingSchema, error_responses
from shared.pagination import PageQuerySerializer
from shared.parsers import JSONParser
from stock import selectors, services
from stock.api import serializers
from stock.errors import ItemExists, QuantityBelowReserved
from stock.models import Item, OrderReservation

_ITEM_ID = OpenApiParameter(
    "id",
    OpenApiTypes.UUID,
    OpenApiParameter.PATH,
    description="The inventory item's id, or its product's id (an item id wins should both match).",
)


def _actor(request):
    return str(getattr(request.user, "email", "") or request.user.id)


class ItemViewSet(GenericViewSet):
    permission_classes = [IsStaff]
    schema = ErrorDocumentingSchema()
    parser_classes = [JSONParser]
    serializer_class = serializers.ItemSerializer
    queryset = Item.objects.none()  # for the schema; reads go through selectors

    @extend_schema(parameters=[serializers.ItemFilterSerializer])
    def list(self, request):
        query = serializers.ItemFilterSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        page = self.paginate_queryset(selectors.item_list(**query.filters))
        return self.get_paginated_response(serializers.ItemSerializer(page, many=True).data)

    @extend_schema(
        request=serializers.ItemCreateSerializer,
        responses={201: serializers.ItemSerializer, **error_responses(409)},
    )
    def create(self, request):
        payload = serializers.ItemCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            item = services.item_create(**payload.validated_data, actor=_actor(request))
        except ItemExists as exc:
            raise Conflict({"product_id": [str(exc)]}) from None
        return Response(serializers.ItemSerializer(item).data, status=status.HTTP_201_CREATED)

    @extend_schema(parameters=[_ITEM_ID])
    def retrieve(self, request, pk=None):
        return Response(serializers.ItemSerializer(self._get(pk)).data)

    @extend_schema(
        parameters=[_ITEM_ID],
        request=serializers.ItemAdjustSerializer,
        responses={200: serializers.ItemSerializer, **error_responses(409)},
    )
    def update(self, request, pk=None):
        return self._adjust(request, pk)

    @extend_schema(
        parameters=[_ITEM_ID],
        request=serializers.ItemAdjustSerializer,
        responses={200: serializers.ItemSerializer, **error_responses(409)},
    )
    def partial_update(self, request, pk=None):
        return self._adjust(request, pk)

    @extend_schema(parameters=[_ITEM_ID], responses=serializers.MovementSerializer(many=True))
    def history(self, request, pk=None):
        PageQuerySerializer(data=request.query_params).is_valid(raise_exception=True)
        page = self.paginate_queryset(selectors.item_history(item=self._get(pk)))
        return self.get_paginated_response(serializers.MovementSerializer(page, many=True).data)

    def _adjust(self, request, pk):
        item = self._get(pk)
        payload = serializers.ItemAdjustSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            item = services.item_adjust(
                item_id=item.id,
                actor=_actor(request),
                **payload.validated_data,
            )
        except QuantityBelowReserved as exc:
            raise Conflict({"quantity": [str(exc)]}) from None
        return Response(serializers.ItemSerializer(item).data)

    def _get(self, pk):
        item = selectors.item_by_key(key=pk)
        if item is None:
            raise NotFound()
        return item


def _answer(order: OrderReservation):
    body = {"order_id": order.order_id, "status": order.status}
    if order.status == OrderReservation.Status.FAILED:
        body["shortages"] = order.shortages
    return body


class ReserveView(APIView):
    permission_classes = [IsStaffOrService]
    schema = ErrorDocumentingSchema()
    parser_classes = [JSONParser]

    @extend_schema(
        request=serializers.ReserveSerializer,
        responses={
            200: serializers.ReservationAnswerSerializer,
            409: serializers.ReservationAnswerSerializer,
        },
    )
    def post(self, request):
        payload = serializers.ReserveSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        order = services.stock_reserve(
            order_id=payload.validated_data["order_id"],
            items=payload.validated_data["items"],
            actor=_actor(request),
        )
        code = (
            status.HTTP_409_CONFLICT if order.status == OrderReservation.Status.FAILED else status.HTTP_200_OK
        )
        return Response(_answer(order), status=code)


class ReleaseView(APIView):
    permission_classes = [IsStaffOrService]
    schema = ErrorDocumentingSchema()
    parser_classes = [JSONParser]

    @extend_schema(
        request=serializers.ReleaseSerializer,
        responses={
            200: serializers.ReservationAnswerSerializer,
            409: serializers.ReservationAnswerSerializer,
        },
    )
    def post(self, request):
        payload = serializers.ReleaseSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        order = services.stock_release(
            order_id=payload.validated_data["order_id"],
            actor=_actor(request),
        )
        if order.status in services.SHIPPED_STATUSES:  # the goods left: nothing to give back
            return Response(_answer(order), status=status.HTTP_409_CONFLICT)
        return Response({"order_id": order.order_id, "status": OrderReservation.Status.RELEASED})


class CheckView(APIView):
    permission_classes = [IsAuthenticated]
    schema = ErrorDocumentingSchema()

    @extend_schema(parameters=[serializers.CheckQuerySerializer], responses=serializers.CheckAnswerSerializer)
    def get(self, request):
        query = serializers.CheckQuerySerializer(data=request.query_params)
        if not query.is_valid():
            raise ValidationError(query.errors)
        return Response(selectors.stock_check(**query.validated_data))
