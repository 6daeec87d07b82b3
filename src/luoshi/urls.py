"""URL routes: the pages, the JSON API under /api/v1/, and the Chinese admin."""

from django.contrib import admin
from django.urls import include, path

from luoshi.api.api import api

admin.site.site_header = "落实 · 方案落实管理"
admin.site.site_title = "落实"
admin.site.index_title = "管理"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("", include("luoshi.web.urls")),
]

handler403 = "luoshi.web.views.errors.forbidden"
handler404 = "luoshi.web.views.errors.not_found"
