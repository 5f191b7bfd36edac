"""Routes under /api/v1/products/. The contract writes /api/v1/products/{id} without a trailing slash;
both spellings answer."""

from django.urls import re_path

from products.api.views import ProductViewSet

products = ProductViewSet.as_view({"get": "list", "post": "create"})
product = ProductViewSet.as_view(
    {"get": "retrieve", "put": "update", "patch": "partial_update", "delete": "destroy"}
)

urlpatterns = [
    re_path(r"^$", products, name="product-list"),
    re_path(r"^(?P<pk>[A-Za-z0-9-]{1,64})/?$", product, name="product-detail"),
]
