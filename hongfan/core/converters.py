"""Path converters for ids (``<id:pk>``), registered by core's AppConfig before any URLconf
is read: a path id is parsed as every id from a request is (``core.forms.id_or_none``), so
``/org/people/000…0001/`` or a 30-digit id does not resolve, a 404, and no view or queryset
ever sees a number beyond the 64-bit range. Django's own ``<int:…>`` lets any length through
(and overriding a built-in converter is deprecated since Django 5.1), so the project's URLs
use ``id`` for every id (``hongfan/core/tests/test_hostile_input.py`` checks it)."""

from __future__ import annotations

from hongfan.core.forms import id_or_none


class IdConverter:
    regex = "[0-9]+"

    def to_python(self, value: str) -> int:
        pk = id_or_none(value)
        if pk is None:
            raise ValueError(value)  # no match: the resolver tries on, then answers 404
        return pk

    def to_url(self, value: int | str) -> str:
        return str(value)
