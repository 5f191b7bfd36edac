"""Shapes of the notification API (the contract's Notification; the HTML alternative stays internal)."""

from rest_framework import serializers

from notifications.models import Notification
from shared.pagination import PageQuerySerializer
from shared.strict import StrictSerializer


class NotificationSerializer(serializers.ModelSerializer):
    id = serializers.CharField(read_only=True)
    event_id = serializers.CharField(read_only=True, allow_null=True)

    class Meta:
        model = Notification
        fields = [
            "id",
            "kind",
            "channel",
            "recipient",
            "subject",
            "body",
            "status",
            "attempts",
            "error",
            "event_id",
            "created_at",
            "sent_at",
        ]
        read_only_fields = fields


class NotificationQuerySerializer(PageQuerySerializer):
    """The list's filters; an unknown value is a 400 naming the parameter."""

    status = serializers.ChoiceField(choices=Notification.Status.choices, required=False)
    kind = serializers.ChoiceField(choices=Notification.Kind.choices, required=False)


class SendTestEmailSerializer(StrictSerializer):
    recipient = serializers.EmailField(max_length=254)
    subject = serializers.CharField(max_length=200, required=False, default="Test notification")
    message = serializers.CharField(
        max_length=10_000,
        required=False,
        default="This is a test email from notification_svc: the configured SMTP server delivers.",
    )
