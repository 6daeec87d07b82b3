"""Reading the major projects: each project's figures as reported by any date, the
四比四提高 rates of what an actor sees, and the ledger workbook (项目台账, 四比四提高,
对账差异)."""

import datetime as dt
from io import BytesIO

from luoshi.accounts.permissions import Actor

from . import permissions
from .ledger import write_ledger
from .models import ProjectUpdate, ReconciliationLine
from .rates import Figures, Rates, rates, rates_by


def figures_as_of(projects, as_of: dt.date) -> list[Figures]:
    """Each project's figures as reported by ``as_of`` (projects with nothing reported by
    then left out), ready for ``rates``."""
    projects = list(projects.select_related("owner_unit", "part"))
    latest: dict[int, ProjectUpdate] = {}
    for update in ProjectUpdate.objects.filter(project__in=projects, reported_on__lte=as_of).order_by(
        "reported_on", "pk"
    ):
        latest[update.project_id] = update
    result = []
    for project in projects:
        snapshot = latest.get(project.pk)
        if snapshot is None:
            continue
        result.append(
            Figures(
                code=project.code,
                name=project.name,
                owner=project.owner_unit.name,
                campaign=f"{project.part.key} {project.part.title}" if project.part else "",
                annual_planned_investment=project.annual_planned_investment,
                annual_completed_investment=snapshot.annual_completed_investment,
                funds_applied=snapshot.funds_applied,
                funds_won=snapshot.funds_won,
                funds_allocated=snapshot.funds_allocated,
                funds_paid=snapshot.funds_paid,
                planned_start=project.planned_start,
                actual_start=snapshot.actual_start,
                physical_progress=snapshot.physical_progress,
                project_id=project.pk,
            )
        )
    return result


def project_rates(actor: Actor, as_of: dt.date, by: str | None = None) -> Rates | dict[str, Rates]:
    """四比四提高 of the projects ``actor`` sees, as of ``as_of``: overall, or per owner unit
    (``by="unit"``) or campaign (``by="campaign"``)."""
    figures = figures_as_of(permissions.visible_projects(actor), as_of)
    return rates(figures, as_of) if by is None else rates_by(figures, as_of, by)


def project_ledger(actor: Actor, as_of: dt.date, path=None):
    """The ledger workbook (项目台账, 四比四提高, 对账差异) of the projects ``actor`` sees."""
    projects = permissions.visible_projects(actor).select_related("task__section").order_by("code")
    lines = ReconciliationLine.objects.filter(
        flagged=True, reconciliation__project__in=projects
    ).select_related("reconciliation__project")
    return write_ledger(
        projects,
        project_rates(actor, as_of),
        project_rates(actor, as_of, "unit"),
        project_rates(actor, as_of, "campaign"),
        lines,
        as_of,
        path,
    )


def project_ledger_name(as_of: dt.date) -> str:
    """The ledger's file name, as every download offers it."""
    return f"重大项目台账-{as_of:%Y%m%d}.xlsx"


def project_ledger_xlsx(actor: Actor, as_of: dt.date) -> bytes:
    """The ledger workbook's bytes, as the page's download, the API and the page's job
    hand it over (one workbook, written once)."""
    buffer = BytesIO()
    project_ledger(actor, as_of).save(buffer)
    return buffer.getvalue()
