"""Routes under /api/v1/inventory/ (trailing slash optional on every route but the list)."""

from django.urls import re_path

from stock.api import views

items = views.ItemViewSet.as_view({"get": "list", "post": "create"})
item = views.ItemViewSet.as_view({"get": "retrieve", "put": "update", "patch": "partial_update"})
history = views.ItemViewSet.as_view({"get": "history"})
_UUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"

urlpatterns = [
    re_path(r"^$", items, name="item-list"),
    re_path(r"^reserve/?$", views.ReserveView.as_view(), name="stock-reserve"),
    re_path(r"^release/?$", views.ReleaseView.as_view(), name="stock-release"),
    re_path(r"^check/?$", views.CheckView.as_view(), name="stock-check"),
    re_path(rf"^(?P<pk>{_UUID})/?$", item, name="item-detail"),
    re_path(rf"^(?P<pk>{_UUID})/history/?$", history, name="item-history"),
]
