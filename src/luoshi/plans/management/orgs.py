"""The ``--org`` option of the commands that write in an organisation (``luoshi import``,
``supervise import-ledger``, ``projects import|update|reconcile``, ``template``,
``schedule``): the organisation by number or name, and the one message for a name that
names none, as ``luoshi import --org`` says it."""

from django.core.management.base import CommandError

from luoshi.plans.models import Organisation
from luoshi.plans.organisations import find_organisation
from luoshi.plans.validation import PlanError

HELP = "组织（编号或名称；默认为本级，即第一个顶级组织）"


def add_org_option(parser, help_text: str = HELP) -> None:
    parser.add_argument("--org", help=help_text)


def org_option(ref: str | None) -> Organisation | None:
    """The organisation ``--org`` names (None when not given); CommandError if none."""
    if not ref:
        return None
    try:
        return find_organisation(ref)
    except PlanError as exc:
        raise CommandError(f"{exc}\n未写入任何内容。") from None
