"""Pages of every list: ``{count, next, previous, results}`` with ``?limit=&offset=``, bounded.

One page-size cap for every list of every service (``MAX_PAGE_SIZE``), and an offset cap that keeps a
deep page from making the database skip millions of rows. A limit or offset out of range is a 400 naming
it — DRF's paginator would clamp an oversized limit and let one beyond the database's integer range
through to the query (a 500).
"""

from rest_framework import pagination, serializers
from rest_framework.utils.urls import remove_query_param, replace_query_param

from shared.strict import StrictQuerySerializer

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
MAX_OFFSET = 100_000


class PageQuerySerializer(StrictQuerySerializer):
    """``?limit=&offset=``; a list with filters derives its query serializer from this one."""

    limit = serializers.IntegerField(
        min_value=1,
        max_value=MAX_PAGE_SIZE,
        required=False,
        default=DEFAULT_PAGE_SIZE,
        help_text=f"Page size, 1 to {MAX_PAGE_SIZE}.",
    )
    offset = serializers.IntegerField(
        min_value=0,
        max_value=MAX_OFFSET,
        required=False,
        default=0,
        help_text=f"Items to skip, 0 to {MAX_OFFSET:,}.",
    )

    @property
    def filters(self) -> dict:
        """The validated parameters other than the page's, for the list's selector."""
        return {name: value for name, value in self.validated_data.items() if name not in ("limit", "offset")}


def page_query(request) -> dict:
    """``{"limit", "offset"}`` of the request, validated: raises DRF's ValidationError (400)."""
    given = {name: request.query_params[name] for name in ("limit", "offset") if name in request.query_params}
    page = PageQuerySerializer(data=given)
    page.is_valid(raise_exception=True)
    return page.validated_data


class Pagination(pagination.LimitOffsetPagination):
    """DRF's limit/offset pagination of querysets with the bounds of ``PageQuerySerializer``, refused
    rather than clamped. The MongoDB services page themselves and answer with ``paginated``."""

    default_limit = DEFAULT_PAGE_SIZE
    max_limit = MAX_PAGE_SIZE

    def get_limit(self, request):
        return page_query(request)["limit"]

    def get_offset(self, request):
        return page_query(request)["offset"]

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        bounds = {"limit": (1, MAX_PAGE_SIZE), "offset": (0, MAX_OFFSET)}
        for parameter in parameters:
            low, high = bounds[parameter["name"]]
            parameter["schema"].update(minimum=low, maximum=high)
        return parameters


def paginated(request, *, total: int, limit: int, offset: int, results: list) -> dict:
    """The page answer for lists that are not Django querysets (the MongoDB services)."""
    url = request.build_absolute_uri()

    def link(to_offset):
        page = replace_query_param(url, "limit", limit)
        return (
            remove_query_param(page, "offset")
            if to_offset <= 0
            else replace_query_param(page, "offset", to_offset)
        )

    return {
        "count": total,
        "next": link(offset + limit) if offset + limit < total else None,
        "previous": link(offset - limit) if offset > 0 else None,
        "results": results,
    }
