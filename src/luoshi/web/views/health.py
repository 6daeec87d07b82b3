"""/healthz: whether this server process answers and reaches its database, for a proxy's
or a monitor's health check (no login, nothing read but ``SELECT 1``)."""

import os

from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.views.decorators.cache import never_cache


@never_cache
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        body, status = "ok", 200
    except DatabaseError:
        body, status = "数据库无法连接", 503
    response = HttpResponse(body, status=status, content_type="text/plain; charset=utf-8")
    response["X-Luoshi-Worker"] = str(os.getpid())  # which server process answered
    return response
