"""The contract's list shape, ``{count, next, previous, results}`` with ``?limit=&offset=`` links, for lists
that are not Django querysets (the MongoDB services)."""

from rest_framework.utils.urls import remove_query_param, replace_query_param


def paginated(request, *, total: int, limit: int, offset: int, results: list) -> dict:
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
