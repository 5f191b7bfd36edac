"""What the notification services refuse, for the API and admin to translate."""


class NotificationNotRetryable(Exception):
    """Only a failed notification is sent again; the message names the current status."""
