"""Errors of the JSON API: one body for every non-2xx answer under /api/v1/.

Every error is `{"code": "...", "message": "..."}` (plus `detail`, the same text, which clients
written before `message` read). Three layers make sure no answer escapes as HTML or with a
traceback:

- operations return `api_error(...)` bodies, documented with `api_errors(...)`;
- a service's `Refused` (daigang.core.refused) propagates to `refused_response` (registered
  in config/api.py): its status, and {code, message, detail, field};
- `api_exception_handlers_install` answers what ninja raises inside an operation (bad
  parameters 422, no session 401, Http404, any other exception 500 — even with DEBUG on);
- `ApiErrorsAsJsonMiddleware` rewrites what Django answers before or around ninja (no URL
  matched, e.g. /api/v1/jobs/abc → 404; a method not allowed → 405; a server error → 500).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from typing import Any

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.schema import DjangoGetter
from pydantic import model_validator

from daigang.core.refused import Refused, Throttled

logger = logging.getLogger(__name__)

API_PREFIX = "/api/v1/"


class ApiError(Schema):
    code: str = Field(
        description="Machine-readable: not_found, validation_error, not_authenticated, …"
    )
    message: str = Field(description="For a person, in the request's language")
    detail: str | None = Field(None, description="The same as message (older clients read it)")
    field: str | None = Field(
        None, description="The request field the refusal is about, if it is about one"
    )
    errors: dict[str, list[str]] | None = Field(
        None, description="Per field (or parameter), what is wrong with it"
    )


def api_errors(*statuses: int, schema: type[Schema] = ApiError) -> dict[int, type[Schema]]:
    """The `response=` entries documenting these error statuses with the shared body."""
    return dict.fromkeys(statuses, schema)


def _message_for(status: int) -> tuple[str, str]:
    known = {
        400: ("bad_request", _("请求有误")),
        401: ("not_authenticated", _("请先登录")),
        403: ("forbidden", _("没有权限")),
        404: ("not_found", _("没有找到")),
        405: ("method_not_allowed", _("不支持这个请求方法")),
        413: ("too_large", _("请求太大")),
        422: ("validation_error", _("请求的参数有误")),
        429: ("throttled", _("请求太频繁，请稍后再试")),
    }
    if status in known:
        return known[status]
    if status >= 500:
        return "server_error", _("服务器出错了，请稍后再试")
    return f"http_{status}", _("请求没有成功")


def api_error(code: str, message: str, **extra: Any) -> dict[str, Any]:
    """An error body: `code` and `message` (and `detail`, its old name)."""
    return {"code": code, "message": message, "detail": message, **extra}


def api_error_response(status: int, *, message: str | None = None, **extra: Any) -> JsonResponse:
    code, default_message = _message_for(status)
    return JsonResponse(
        api_error(code, message or default_message, **extra),
        status=status,
        json_dumps_params={"ensure_ascii": False},
    )


def refused_body(refused: Refused) -> dict[str, Any]:
    """The JSON body answering a refusal: {code, message, detail, field, ...extra}."""
    return api_error(refused.code, str(refused.message), field=refused.field, **refused.extra)


def refused_response(request: HttpRequest | None, refused: Refused) -> JsonResponse:
    """A refusal as an API answer, with its status (and Retry-After when throttled)."""
    response = JsonResponse(
        refused_body(refused), status=refused.status, json_dumps_params={"ensure_ascii": False}
    )
    if isinstance(refused, Throttled):
        response["Retry-After"] = str(max(1, math.ceil(refused.retry_after)))
    return response


def _validation_errors(errors: list[dict[str, Any]]) -> dict[str, list[str]]:
    # loc is ("path" | "query" | "body" | "header", name, ...); the source is left out.
    fields: dict[str, list[str]] = {}
    for error in errors:
        loc = [str(part) for part in error.get("loc", ())][1:] or ["__all__"]
        fields.setdefault(".".join(loc), []).append(str(error.get("msg", "")))
    return fields


def api_exception_handlers_install(api: NinjaAPI) -> None:
    """Answer every exception raised inside an operation with the shared JSON body."""

    @api.exception_handler(ValidationError)
    def _validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        return api_error_response(422, errors=_validation_errors(exc.errors))

    @api.exception_handler(AuthenticationError)
    def _authentication(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return api_error_response(401)

    @api.exception_handler(HttpError)
    def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return api_error_response(exc.status_code, message=exc.message)

    @api.exception_handler(Http404)
    def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return api_error_response(404)

    @api.exception_handler(Exception)
    def _server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        # ninja's own handler shows the traceback when DEBUG is on; an API client never
        # should see one. The server's log keeps it.
        logger.exception("Unhandled exception in %s %s", request.method, request.path)
        return api_error_response(500)


class DocumentedApi(NinjaAPI):
    """NinjaAPI whose document also lists the answers every operation can give.

    A database that cannot serve just now answers any operation 503 with Retry-After
    (daigang.core.unavailable); the document says so on each operation, with the shared body.
    """

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):  # type: ignore[no-untyped-def]
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components.setdefault(
            "ApiError", ApiError.model_json_schema(ref_template="#/components/schemas/{model}")
        )
        unavailable = {
            "description": "The database cannot serve just now: retry after Retry-After seconds",
            "headers": {"Retry-After": {"schema": {"type": "integer"}}},
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ApiError"}}},
        }
        for methods in schema.get("paths", {}).values():
            for operation in methods.values():
                operation.setdefault("responses", {}).setdefault(503, unavailable)
        return schema


def _is_json(response: HttpResponseBase) -> bool:
    return response.get("Content-Type", "").split(";")[0].strip() == "application/json"


def _as_json(request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
    if not request.path.startswith(API_PREFIX) or response.status_code < 400 or _is_json(response):
        return response
    replacement = api_error_response(response.status_code)
    if "Allow" in response:
        replacement["Allow"] = response["Allow"]
    return replacement


class ApiErrorsAsJsonMiddleware:
    """Under /api/v1/, any error answer that is not JSON becomes the shared JSON body.

    Django answers some requests before ninja sees them (no route matched: a non-integer id,
    a typo'd path) and ninja answers a wrong method in plain text; with DEBUG on, Django's
    error pages would show a traceback. Place it outermost but for security headers.
    """

    sync_capable = True
    async_capable = True

    def __init__(self, get_response: Callable) -> None:
        self.get_response = get_response
        if iscoroutinefunction(get_response):
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest):
        if iscoroutinefunction(self):
            return self._acall(request)
        return _as_json(request, self.get_response(request))

    async def _acall(self, request: HttpRequest) -> HttpResponseBase:
        return _as_json(request, await self.get_response(request))


class ObjectBody(Schema):
    """A request body that must be a JSON object. ninja's Schema reads any value by its
    attributes (a JSON string has none), so a body whose every field has a default would take
    `"x"` as `{}` and, on a PUT, empty what it replaces; this answers 422 instead."""

    @model_validator(mode="before")
    @classmethod
    def _body_is_an_object(cls, data: Any) -> Any:
        raw = data._obj if isinstance(data, DjangoGetter) else data
        if not isinstance(raw, dict):
            raise ValueError("the body must be a JSON object")
        return data
