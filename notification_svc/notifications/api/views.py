"""HTTP views of notification_svc: parse, call one service or selector, serialize. Staff only."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.viewsets import GenericViewSet

from notifications import selectors, services
from notifications.api.serializers import (
    NotificationQuerySerializer,
    NotificationSerializer,
    SendTestEmailSerializer,
)
from notifications.errors import NotificationNotRetryable
from notifications.models import Notification
from shared.auth.permissions import IsStaff
from shared.errors import Conflict
from shared.openapi import ErrorDocumentingSchema, error_response
from shared.parsers import JSONParser

_NOTIFICATION_ID = OpenApiParameter(
    "id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="Notification id"
)


class NotificationViewSet(GenericViewSet):
    permission_classes = [IsStaff]
    schema = ErrorDocumentingSchema()
    parser_classes = [JSONParser]
    serializer_class = NotificationSerializer
    queryset = Notification.objects.none()  # for the schema; every read goes through selectors

    @extend_schema(
        parameters=[NotificationQuerySerializer],
        responses={
            200: NotificationSerializer(many=True),
            400: error_response(400, "Unknown filter value."),
        },
    )
    def list(self, request):
        query = NotificationQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        page = self.paginate_queryset(selectors.notification_list(**query.filters))
        return self.get_paginated_response(NotificationSerializer(page, many=True).data)

    @extend_schema(parameters=[_NOTIFICATION_ID], responses=NotificationSerializer)
    def retrieve(self, request, pk=None):
        notification = selectors.notification_get(notification_id=pk)
        if notification is None:
            raise NotFound()
        return Response(NotificationSerializer(notification).data)

    @extend_schema(
        request=SendTestEmailSerializer,
        responses={201: NotificationSerializer},
        description="Send a test email to `recipient` through the configured SMTP server. The "
        "notification is recorded either way: 201 with `status: sent`, or with `status: failed` and "
        "the SMTP `error` when the server could not be reached (retry it later).",
    )
    def send_test(self, request):
        payload = SendTestEmailSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        notification = services.notification_send_test(**payload.validated_data)
        return Response(NotificationSerializer(notification).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[_NOTIFICATION_ID],
        request=None,
        responses={
            200: NotificationSerializer,
            404: error_response(404, "No notification with this id."),
            409: error_response(409, "The notification has not failed."),
        },
        description="Send a failed notification again: 200 with its new status (`sent`, or `failed` "
        "with the error); 409 when it has not failed.",
    )
    def retry(self, request, pk=None):
        try:
            notification = services.notification_retry(notification_id=pk)
        except Notification.DoesNotExist:
            raise NotFound() from None
        except NotificationNotRetryable as exc:
            raise Conflict(str(exc)) from None
        return Response(NotificationSerializer(notification).data)
