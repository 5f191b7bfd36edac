"""Every read of the catalog, cached."""

from products import repository
from products.cache import cached


def product_get(*, product_id: str, include_inactive: bool = False) -> dict | None:
    params = {"id": product_id, "all": include_inactive}
    return cached("get", params, lambda: repository.get(product_id, include_inactive=include_inactive))


def product_list(*, include_inactive: bool = False, **filters) -> tuple[int, list[dict]]:
    """``filters``: category, min_price, max_price, search, ids, ordering, offset, limit."""
    params = {**filters, "all": include_inactive}
    if params.get("ids") is not None:
        params["ids"] = sorted(params["ids"])
    return cached("list", params, lambda: repository.find(include_inactive=include_inactive, **filters))
