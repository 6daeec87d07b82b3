"""The API's error answers: every failure under /api/ is ``{"error": "<Chinese>"}`` with
its status, whether ninja, Django's URL resolver or a middleware produced it — never
Django's English HTML page."""

import json
import logging
from functools import wraps

from django.http import JsonResponse

logger = logging.getLogger("luoshi.api")

MESSAGES = {
    400: "请求有误",
    401: "请先登录",
    403: "无权执行此操作",
    404: "接口地址不存在",
    405: "此接口不支持该请求方法",
    412: "对象已被他人修改，请刷新后重试",
    413: "请求内容过大",
    415: "请求内容类型不受支持，请使用 application/json",
    429: "请求过于频繁，请稍后再试",
    500: "服务器内部错误，请稍后重试或联系管理员",
}


def error_response(status: int, message: str | None = None, **extra) -> JsonResponse:
    return JsonResponse(
        {"error": message or MESSAGES.get(status, "请求失败"), **extra},
        status=status,
        json_dumps_params={"ensure_ascii": False},
    )


def is_api(request) -> bool:
    return request.path.startswith("/api/")


def _is_json(response) -> bool:
    return response.get("Content-Type", "").startswith("application/json")


def json_errors(view):
    """Wrap an API view: an empty or HTML 405 that ninja gives for a method no operation
    takes becomes the Chinese JSON error, with its ``Allow`` header kept."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and not _is_json(response):
            answer = error_response(405)
            if response.has_header("Allow"):
                answer["Allow"] = response["Allow"]
            return answer
        return response

    return wrapped


def not_found(request, *args, **kwargs):
    """Any address under /api/ that no endpoint answers."""
    return error_response(404, f"接口地址不存在：{request.path}")


def page_or_json(page_handler, status: int):
    """A Django error handler (handler400/403/404/500) that answers JSON under /api/."""

    def handler(request, exception=None):
        if is_api(request):
            message = str(exception) if status == 403 and exception and str(exception) else None
            return error_response(status, message)
        if page_handler is None:
            from django.views import defaults

            return (
                defaults.server_error(request) if status == 500 else defaults.bad_request(request, exception)
            )
        return page_handler(request, exception) if exception is not None else page_handler(request)

    return handler


def is_json_decode_error(exc) -> bool:
    return isinstance(exc, json.JSONDecodeError | UnicodeDecodeError)
