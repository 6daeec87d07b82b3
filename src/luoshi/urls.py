"""URL routes: the Chinese admin for now; pages and API join as they land."""

from django.contrib import admin
from django.urls import path

admin.site.site_header = "落实 · 方案落实管理"
admin.site.site_title = "落实"
admin.site.index_title = "管理"

urlpatterns = [
    path("admin/", admin.site.urls),
]
