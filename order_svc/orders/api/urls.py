"""Routes under /api/v1/orders/ (with or without a trailing slash, as in product_svc)."""

from django.urls import re_path

from orders.api.views import STATUS_FORM, OrderViewSet

_ID = r"(?P<pk>[A-Za-z0-9-]{1,64})"
urlpatterns = [
    re_path(r"^$", OrderViewSet.as_view({"get": "list", "post": "create"}), name="order-list"),
    re_path(
        r"^user/(?P<user_id>[A-Za-z0-9-]{1,64})/?$",
        OrderViewSet.as_view({"get": "for_user"}),
        name="order-user",
    ),
    re_path(
        rf"^{_ID}/status/?$", OrderViewSet.as_view({"put": "set_status"}, **STATUS_FORM), name="order-status"
    ),
    re_path(rf"^{_ID}/payments/?$", OrderViewSet.as_view({"post": "pay"}), name="order-payments"),
    re_path(rf"^{_ID}/refunds/?$", OrderViewSet.as_view({"post": "refund"}), name="order-refunds"),
    re_path(
        rf"^{_ID}/?$", OrderViewSet.as_view({"get": "retrieve", "delete": "destroy"}), name="order-detail"
    ),
]
