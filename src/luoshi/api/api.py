"""The JSON API (django-ninja) under /api/v1/: session sign-in, the same permission rules
as the pages, Chinese ``{"error": …}`` bodies. OpenAPI at /api/v1/openapi.json, docs at
/api/v1/docs."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import django_auth

from luoshi.plans.validation import PlanError
from luoshi.reporting.services import ReportingError

from .versioning import PreconditionFailed

api = NinjaAPI(
    title="落实 Luoshi 接口",
    version="1",
    description="方案、任务、状态与进度报告。使用网页登录后的会话访问；写操作需带 CSRF 令牌（X-CSRFToken）。",
    auth=django_auth,
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
    return _error(request, "请先登录", 401)


@api.exception_handler(PreconditionFailed)
def precondition_failed(request, exc):
    return _error(request, str(exc), 412)


@api.exception_handler(HttpError)
def http_error(request, exc):
    return _error(request, str(exc), exc.status_code)


@api.exception_handler(ReportingError)
def reporting_error(request, exc):
    return api.create_response(request, {"error": str(exc), "field": exc.field}, status=400)


@api.exception_handler(PlanError)
def plan_error(request, exc):
    return _error(request, str(exc), 400)


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


from .routers import milestones, plans, reports, status, targets, tasks  # noqa: E402

api.add_router("/plans", plans.router)
api.add_router("/tasks", tasks.router)
api.add_router("/tasks", milestones.task_router)
api.add_router("/milestones", milestones.router)
api.add_router("/targets", targets.router)
api.add_router("/status", status.router)
api.add_router("/reports", reports.router)
