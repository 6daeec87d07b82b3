"""What the supervision, projects, bulletins and audit routers share: bounded path and
text parameters, the Chinese error bodies of their domains' errors, file responses."""

import re
from typing import Annotated

from django.core.exceptions import ObjectDoesNotExist
from django.http import HttpResponse
from django.utils.encoding import escape_uri_path
from pydantic import AfterValidator, Field, StringConstraints

from luoshi.bulletins.lookups import BulletinError
from luoshi.core.sheets import SheetError
from luoshi.projects.services import ProjectError
from luoshi.reporting.workdays import CalendarYearUnknown
from luoshi.supervision.services import SupervisionError

# a database id: positive and within the column (a bigger number is simply not found)
Id = Annotated[int, Field(ge=1, le=2_147_483_647)]


CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _no_nul(text: str) -> str:
    if CONTROL.search(text):
        raise ValueError("不能含有控制字符（如 \\x00）")
    return text


# text from a client: bounded, and no control characters (PostgreSQL refuses NUL in text
# columns; Word and Excel files cannot hold the others)
Text = Annotated[str, StringConstraints(max_length=20_000), AfterValidator(_no_nul)]
Name = Annotated[str, StringConstraints(max_length=300), AfterValidator(_no_nul)]


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
OCTET = "application/octet-stream"


def download(content: bytes, name: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{escape_uri_path(name)}"
    return response


def file_response(description: str, content_type: str) -> dict:
    """The OpenAPI description of a 200 that is a file of ``content_type``."""
    return {
        "responses": {
            200: {
                "description": description,
                "content": {content_type: {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    }


# a year the official holiday calendar does not know yet is a date the client may not ask for
DOMAIN_ERRORS = (SupervisionError, ProjectError, BulletinError, SheetError, CalendarYearUnknown)


def register_errors(api) -> None:
    """The domains' input errors are 400 with their Chinese message; a row that vanished
    between check and write is 404."""

    def bad_input(request, exc):
        return api.create_response(request, {"error": str(exc)}, status=400)

    def vanished(request, exc):
        return api.create_response(request, {"error": "找不到对象，或无权查看"}, status=404)

    for kind in DOMAIN_ERRORS:
        api.add_exception_handler(kind, bad_input)
    api.add_exception_handler(ObjectDoesNotExist, vanished)
