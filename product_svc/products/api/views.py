"""HTTP views of product_svc: parse, call one service or selector, serialize."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.viewsets import ViewSet

from products import selectors, services
from products.api.serializers import ProductQuerySerializer, ProductSerializer, ProductWriteSerializer
from products.repository import SkuTaken
from shared.auth.permissions import IsStaff
from shared.errors import Conflict
from shared.mongo import DocumentLocked
from shared.openapi import ErrorDocumentingSchema, error_responses
from shared.pagination import Pagination, paginated
from shared.parsers import JSON_AND_FORM_PARSERS


def _sees_inactive(request) -> bool:
    user = request.user
    return bool(user and user.is_authenticated and (user.is_staff or getattr(user, "is_service", False)))


_PRODUCT_ID = OpenApiParameter("id", OpenApiTypes.STR, OpenApiParameter.PATH, description="Product id")


@extend_schema_view(
    retrieve=extend_schema(parameters=[_PRODUCT_ID]),
    update=extend_schema(parameters=[_PRODUCT_ID]),
    partial_update=extend_schema(parameters=[_PRODUCT_ID]),
    destroy=extend_schema(parameters=[_PRODUCT_ID]),
)
class ProductViewSet(ViewSet):
    """The catalog: anyone reads active products; staff (and services) also see inactive ones; staff write."""

    serializer_class = ProductSerializer
    schema = ErrorDocumentingSchema()
    # JSON first (the raw-data box's default); the form parsers take the browsable API's HTML forms, and
    # the schema documents JSON alone (PARSER_WHITELIST in config/settings.py).
    parser_classes = JSON_AND_FORM_PARSERS
    # Not used to paginate: it tells the schema that lists are the page shape shared.pagination answers.
    pagination_class = Pagination

    def get_serializer(self, *args, **kwargs):
        """The serializer of the current action, for the browsable API's HTML forms (DRF's ``ViewSet``
        has none; its renderer asks for one): the create shape for POST, the write shape for PUT and
        PATCH. The actions below name their serializers themselves."""
        write = self.action in {"update", "partial_update"}
        serializer_class = ProductWriteSerializer if write else ProductSerializer
        kwargs.setdefault("context", {"request": self.request, "view": self})
        return serializer_class(*args, **kwargs)

    def get_permissions(self):
        if self.action in {"list", "retrieve"}:
            return [AllowAny()]
        return [IsStaff()]

    def handle_exception(self, exc):
        # The product's lock is held past our wait: another write, or one that crashed holding it (the
        # lock expires after its TTL). A conflict to retry, not a server error.
        if isinstance(exc, DocumentLocked):
            exc = Conflict("The product is being changed by another request; try again.")
        return super().handle_exception(exc)

    @extend_schema(parameters=[ProductQuerySerializer], responses=ProductSerializer(many=True))
    def list(self, request):
        query = ProductQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        filters = dict(query.validated_data)
        total, products = selectors.product_list(include_inactive=_sees_inactive(request), **filters)
        results = ProductSerializer(products, many=True).data
        return Response(
            paginated(request, total=total, limit=filters["limit"], offset=filters["offset"], results=results)
        )

    @extend_schema(responses=ProductSerializer)
    def retrieve(self, request, pk=None):
        return Response(ProductSerializer(self._get(request, pk)).data)

    @extend_schema(request=ProductSerializer, responses={201: ProductSerializer, **error_responses(409)})
    def create(self, request):
        payload = ProductSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            product = services.product_create(**payload.validated_data)
        except SkuTaken:
            raise Conflict({"sku": [SkuTaken.message]}) from None
        return Response(ProductSerializer(product).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ProductWriteSerializer, responses={200: ProductSerializer, **error_responses(409)})
    def update(self, request, pk=None):
        return self._update(request, pk, partial=False)

    @extend_schema(request=ProductWriteSerializer, responses={200: ProductSerializer, **error_responses(409)})
    def partial_update(self, request, pk=None):
        return self._update(request, pk, partial=True)

    @extend_schema(responses={204: None})
    def destroy(self, request, pk=None):
        if not services.product_delete(product_id=pk):
            raise NotFound()
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _update(self, request, pk, partial):
        current = self._get(request, pk)
        payload = ProductWriteSerializer(current, data=request.data, partial=partial)
        payload.is_valid(raise_exception=True)
        try:
            product = services.product_update(product_id=pk, **payload.validated_data)
        except SkuTaken:
            raise Conflict({"sku": [SkuTaken.message]}) from None
        if product is None:
            raise NotFound()
        return Response(ProductSerializer(product).data)

    def _get(self, request, pk):
        product = selectors.product_get(product_id=pk, include_inactive=_sees_inactive(request))
        if product is None:
            raise NotFound()
        return product
