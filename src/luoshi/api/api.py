"""The JSON API (django-ninja) under /api/v1/: a personal API token (``Authorization:
Bearer …``) or the signed-in session, the same permission rules as the pages, Chinese
``{"error": …}`` bodies for every failure. OpenAPI at /api/v1/openapi.json, docs at
/api/v1/docs, both for signed-in users only."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser

from luoshi.core.limits import LimitError
from luoshi.plans.validation import PlanError
from luoshi.reporting.services import ReportingError
from luoshi.reporting.workdays import CalendarYearUnknown

from . import errors
from .auth import CsrfFailed, SessionAuth, TokenAuth, TokenInvalid, docs_login_required
from .versioning import PreconditionFailed


class UnsupportedMedia(Exception):
    """A request body sent as something other than JSON to a JSON endpoint."""


class JsonOnly(Parser):
    """Bodies of JSON endpoints must say they are JSON (``Content-Type: application/json``)."""

    def parse_body(self, request):
        kind = request.content_type or ""
        if kind != "application/json" and not kind.endswith("+json"):
            raise UnsupportedMedia(kind)
        return super().parse_body(request)


class LuoshiAPI(NinjaAPI):
    """NinjaAPI whose 405 answers are Chinese JSON and whose schema declares the error
    answers every operation can give."""

    @property
    def urls(self):
        patterns, app_name, namespace = super().urls
        for pattern in patterns:
            pattern.callback = errors.json_errors(pattern.callback)
        return patterns, app_name, namespace

    def get_openapi_schema(self, *args, **kwargs):
        schema = super().get_openapi_schema(*args, **kwargs)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components.setdefault(
            "Error",
            {
                "title": "Error",
                "type": "object",
                "description": "出错时的回答：error 为中文说明",
                "properties": {"error": {"title": "Error", "type": "string"}},
                "required": ["error"],
            },
        )
        error = {"$ref": "#/components/schemas/Error"}
        for path in schema["paths"].values():
            for method, operation in path.items():
                statuses = ERRORS_OF_WRITES if method.upper() not in ("GET", "HEAD") else ERRORS_OF_READS
                responses = operation.setdefault("responses", {})
                for code in statuses:
                    responses.setdefault(
                        code,
                        {
                            "description": errors.MESSAGES[code],
                            "content": {"application/json": {"schema": error}},
                        },
                    )
        return schema


# what any operation may answer besides its own: bad input, not signed in, not allowed,
# not found (or another unit's), a server fault; writes also a body that is not JSON
ERRORS_OF_READS = (400, 401, 403, 404, 500)
ERRORS_OF_WRITES = (400, 401, 403, 404, 415, 500)

api = LuoshiAPI(
    title="落实 Luoshi 接口",
    version="1",
    description=(
        "方案、任务、状态与进度报告。两种登录方式：个人接口令牌（请求头 Authorization: Bearer 令牌，"
        "在“接口令牌”页面或用 luoshi token create 创建；只读令牌只能读取），或网页登录后的会话"
        '（写操作需带 CSRF 令牌 X-CSRFToken）。出错时回答 {"error": "中文说明"}。'
    ),
    auth=[TokenAuth(), SessionAuth()],
    parser=JsonOnly(),
    docs_decorator=docs_login_required,
    urls_namespace="api",
)


def _error(request, message: str, status: int):
    return api.create_response(request, {"error": message}, status=status)


@api.exception_handler(Http404)
def not_found(request, exc):
    return _error(request, str(exc) or "找不到对象，或无权查看", 404)


@api.exception_handler(PermissionDenied)
def forbidden(request, exc):
    return _error(request, str(exc) or "无权执行此操作", 403)


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    if isinstance(exc, TokenInvalid):
        return _error(request, exc.message, 401)
    return _error(request, "请先登录", 401)


@api.exception_handler(PreconditionFailed)
def precondition_failed(request, exc):
    return _error(request, str(exc), 412)


@api.exception_handler(CsrfFailed)
def csrf_failed(request, exc):
    return _error(request, "CSRF 校验失败：网页会话的写操作须带 X-CSRFToken 请求头（或改用接口令牌）", 403)


@api.exception_handler(HttpError)
def http_error(request, exc):
    cause = exc.__cause__
    if isinstance(cause, UnsupportedMedia):
        kind = str(cause) or "（未注明）"
        return _error(request, f"请求内容类型 {kind} 不受支持，请使用 application/json", 415)
    if exc.status_code == 400 and cause is not None:
        return _error(request, "请求体不是合法的 JSON，无法解析", 400)
    message = str(exc)
    if not any("\u4e00" <= ch <= "\u9fff" for ch in message):  # ninja's own English ones
        message = errors.MESSAGES.get(exc.status_code, "请求失败")
    return _error(request, message, exc.status_code)


@api.exception_handler(ReportingError)
def reporting_error(request, exc):
    return api.create_response(request, {"error": str(exc), "field": exc.field}, status=400)


@api.exception_handler(CalendarYearUnknown)
def calendar_unknown(request, exc):
    # a date whose year's holidays this installation does not know: say so, as the CLI does
    return _error(request, str(exc), 400)


@api.exception_handler(PlanError)
def plan_error(request, exc):
    return _error(request, str(exc), 400)


@api.exception_handler(LimitError)
def too_large(request, exc):
    # an uploaded file over ``upload_max_bytes``, refused before it is read
    return _error(request, str(exc), 413)


@api.exception_handler(Exception)
def server_error(request, exc):
    errors.logger.exception("接口出错：%s %s", request.method, request.path, exc_info=exc)
    return _error(request, errors.MESSAGES[500], 500)


@api.exception_handler(ValidationError)
def invalid(request, exc):
    lines = []
    for error in exc.errors:
        where = ".".join(str(p) for p in error.get("loc", []) if p not in ("body", "query", "payload"))
        lines.append(f"{where}：{_message(error)}" if where else _message(error))
    return api.create_response(
        request, {"error": "请求格式不正确：" + "；".join(lines), "detail": exc.errors}, status=400
    )


def _message(error: dict) -> str:
    kind = error.get("type", "")
    if kind == "missing":
        return "缺少此字段"
    if kind == "extra_forbidden":
        return "不认识的字段"
    if "int" in kind:
        return "应为整数"
    if "float" in kind or "decimal" in kind:
        return "应为数字"
    if "date" in kind:
        return "应为日期（YYYY-MM-DD）"
    if "bool" in kind:
        return "应为 true 或 false"
    return "取值无效"


from .routers import (  # noqa: E402
    alignment,
    audit,
    bulletins,
    imports,
    kit,
    milestones,
    orgs,
    periods,
    plans,
    projects,
    reports,
    status,
    supervision,
    targets,
    tasks,
    units,
)

kit.register_errors(api)

api.add_router("/plans", plans.router)
api.add_router("/imports", imports.router)
api.add_router("/units", units.router)
api.add_router("/orgs", orgs.router)
api.add_router("/tasks", tasks.router)
api.add_router("/tasks", milestones.task_router)
api.add_router("/milestones", milestones.router)
api.add_router("/targets", targets.router)
api.add_router("/status", status.router)
api.add_router("/periods", periods.router)
api.add_router("/reports", reports.router)
api.add_router("/supervision", supervision.router)
api.add_router("/projects", projects.router)
api.add_router("/bulletins", bulletins.router)
api.add_router("/audit", audit.router)
api.add_router("/plans", alignment.plan_router)
api.add_router("/task-links", alignment.link_router)
api.add_router("/tasks", alignment.task_router)
