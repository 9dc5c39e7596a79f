"""Row ids in URLs: only numbers that fit the database's 64-bit integer columns.

Django's `<id:…>` matches any run of digits, and a lookup with 99999999999999999999 fails in
the database driver (500) instead of finding nothing. `<id:…>` (registered when the core app
loads) matches only ids up to 2**63 - 1, so a larger one is an ordinary 404. The API's path
parameters use `ObjectId`, which pydantic checks the same way (422 JSON).
"""

from __future__ import annotations

from typing import Annotated

from django.urls import register_converter
from pydantic import Field

ID_MAX = 2**63 - 1

ObjectId = Annotated[int, Field(ge=1, le=ID_MAX)]


def id_or_none(value: object) -> int | None:
    """An id from a form, a query string or a JSON frame: a positive integer up to ID_MAX (or
    its ASCII decimal string); anything else, including a number the database cannot hold,
    is None, i.e. no such row, never an error from the database driver."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.isascii() and value.isdigit():
        value = int(value)
    if isinstance(value, int) and 0 < value <= ID_MAX:
        return value
    return None


class IdConverter:
    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > ID_MAX:
            raise ValueError(value)  # Django tries the next pattern, then answers 404
        return number

    def to_url(self, value: int | str) -> str:
        return str(value)


register_converter(IdConverter, "id")
