"""The API's pagination (``REST_FRAMEWORK["DEFAULT_PAGINATION_CLASS"]``). Its own module:
DRF imports it while defining its generic views, before drf-spectacular can be imported."""

from __future__ import annotations

from typing import Any

from rest_framework.pagination import PageNumberPagination

PAGE_MAX = 2**63 - 1


class Pagination(PageNumberPagination):
    """DRF's page numbers, described as they are: ``page`` from 1; a page that is not there
    (0, past the last, not a number) is a 404."""

    last_page_strings = ()  # "?page=last" is not an integer: not offered

    def get_page_number(self, request: Any, paginator: Any) -> Any:
        # "?page=" names no page (a 404, as "?page=x"); DRF would read it as page 1
        value = request.query_params.get(self.page_query_param)
        return 1 if value is None else value

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        params = super().get_schema_operation_parameters(view)
        for param in params:
            if param["name"] == self.page_query_param:
                param["description"] = "页码，从 1 开始；超出范围的页码返回 404"
                param["schema"] = {"type": "integer", "minimum": 1, "maximum": PAGE_MAX}
        return params
