"""Error pages in Chinese."""

from django.shortcuts import render


def csrf_failure(request, reason=""):
    return render(
        request,
        "web/error.html",
        {"title": "页面已过期", "message": "页面停留时间过长或已在别处退出，请刷新页面后重新提交。"},
        status=403,
    )


def forbidden(request, exception=None):
    message = str(exception) if exception and str(exception) else "您没有权限执行此操作。"
    return render(request, "web/error.html", {"title": "无权操作", "message": message}, status=403)


def not_found(request, exception=None):
    return render(
        request,
        "web/error.html",
        {"title": "找不到页面", "message": "要找的内容不存在，或您无权查看。"},
        status=404,
    )
