"""Every read of the catalog, cached."""

from products import repository
from products.cache import cached, cached_each

# How a list of products fetched one by one is ordered like the database orders a query (the id breaks ties).
_SORT_FIELDS = {"price": ("price", False), "-price": ("price", True), "name": ("name", False)}
_SORT_FIELDS["-created_at"] = ("created_at", True)
# Filters a batch by ids alone cannot apply: with any of them, the list is a query.
_QUERY_FILTERS = ("category", "min_price", "max_price", "search", "is_active")


def product_get(*, product_id: str, include_inactive: bool = False) -> dict | None:
    params = {"id": product_id, "all": include_inactive}
    return cached("get", params, lambda: repository.get(product_id, include_inactive=include_inactive))


def product_list(*, include_inactive: bool = False, **filters) -> tuple[int, list[dict]]:
    """``filters``: category, min_price, max_price, search, search_fields, is_active, ids, ordering,
    offset, limit (``repository.find``)."""
    if filters.get("ids") is not None and not any(filters.get(name) is not None for name in _QUERY_FILTERS):
        return _products_by_ids(include_inactive=include_inactive, **filters)
    params = {**filters, "all": include_inactive}
    if params.get("ids") is not None:
        params["ids"] = sorted(params["ids"])
    return cached("list", params, lambda: repository.find(include_inactive=include_inactive, **filters))


def product_categories() -> list[str]:
    """The categories in the catalog (inactive products' too), sorted."""
    return cached("categories", {}, repository.categories)


def _products_by_ids(*, include_inactive, ids, ordering="-created_at", offset=0, limit=20, **_unused):
    """A batch by ids alone (how order_svc prices an order): each product from the same cache entry as
    ``product_get``, so any mix of known products costs no MongoDB round trip, and a product not cached
    costs one lookup by ``_id`` (which FerretDB pushes down) instead of a query over the whole catalog."""
    unique = list(dict.fromkeys(ids))
    found = cached_each(
        "get",
        [{"id": product_id, "all": include_inactive} for product_id in unique],
        lambda params: repository.get(params["id"], include_inactive=include_inactive),
    )
    products = sorted((product for product in found if product is not None), key=lambda p: p["id"])
    field, descending = _SORT_FIELDS[ordering]
    products.sort(key=lambda product: product[field], reverse=descending)
    return len(products), products[offset : offset + limit]
