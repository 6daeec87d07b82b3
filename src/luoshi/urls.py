"""URL routes: the pages, the JSON API under /api/v1/, and the Chinese admin."""

from django.contrib import admin
from django.urls import include, path, re_path

from luoshi.api import errors as api_errors
from luoshi.api.api import api
from luoshi.web.views import errors as page_errors

admin.site.site_header = "落实 · 方案落实管理"
admin.site.site_title = "落实"
admin.site.index_title = "管理"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    re_path(r"^api/", api_errors.not_found),  # an address no endpoint answers: JSON, not a page
    path("", include("luoshi.web.urls")),
]

# under /api/ every error is the API's Chinese {"error"}; elsewhere the Chinese pages
handler400 = api_errors.page_or_json(None, 400)
handler403 = api_errors.page_or_json(page_errors.forbidden, 403)
handler404 = api_errors.page_or_json(page_errors.not_found, 404)
handler500 = api_errors.page_or_json(None, 500)
