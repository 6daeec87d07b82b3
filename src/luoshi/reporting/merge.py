"""What merging two spellings of a unit does to their reports (a merge rule that
``plans`` runs with the others, registered in ``reporting.apps``)."""

from luoshi.core import clock
from luoshi.plans.models import Unit

from . import kept
from .choices import ReportState
from .models import Report, ReportTransition, Standing

_STATE_RANK = {
    ReportState.ACCEPTED: 3,
    ReportState.APPROVED: 2,
    ReportState.SUBMITTED: 1,
    ReportState.DRAFT: 0,
    ReportState.RETURNED: 0,
}


def move_unit_reports(keep: Unit, other: Unit) -> tuple[int, list[str]]:
    """Merge rule: a merged unit's reports move to the unit kept. Where both reported on
    the same task and period, the report further along the review (已审定 first; the kept
    unit's on a tie) stays current and the other becomes an earlier revision of it, so
    nothing reported is lost; the current one's history says so."""
    moved = 0
    clashes = 0
    groups = list(Report.objects.filter(unit=other).values_list("task_id", "period_id").distinct())
    for task_id, period_id in groups:
        theirs = list(Report.objects.filter(unit=other, task_id=task_id, period_id=period_id))
        ours = list(Report.objects.filter(unit=keep, task_id=task_id, period_id=period_id))
        moved += len(theirs)
        if ours:
            clashes += 1
            _settle_clash(keep, other, ours, theirs)
        Report.objects.filter(pk__in=[r.pk for r in theirs]).update(unit=keep)
    kept.rebuild(task_ids={task_id for task_id, _period in groups})
    notes = []
    if clashes:
        notes.append(
            f"{clashes} 个任务期次两个单位都有报告：审核进度更靠后的（同样时为“{keep.name}”的）"
            "作为当前版本，另一份作为历史版本保留在其修订记录中"
        )
    return moved, notes


def _settle_clash(keep: Unit, other: Unit, ours: list[Report], theirs: list[Report]) -> None:
    current_ours = next((r for r in ours if r.is_current), max(ours, key=lambda r: r.revision))
    current_theirs = next((r for r in theirs if r.is_current), max(theirs, key=lambda r: r.revision))
    theirs_win = _STATE_RANK[current_theirs.state] > _STATE_RANK[current_ours.state]
    winner, loser = (theirs, ours) if theirs_win else (ours, theirs)
    current = current_theirs if theirs_win else current_ours
    # the loser's revisions come first, the winner's follow, so the current one is the last
    offset = max(r.revision for r in loser)
    for report in sorted(winner, key=lambda r: -r.revision):
        report.revision += offset
        report.save(update_fields=["revision", "updated_at"])
    for report in loser:
        if report.is_current:
            report.is_current = False
            report.save(update_fields=["is_current", "updated_at"])
    first = min(r.revision for r in winner)
    ReportTransition.objects.create(
        report=current,
        from_state=current.state,
        to_state=current.state,
        actor=None,
        created_at=clock.now(),
        reason=(
            f"单位合并：“{other.name}”并入“{keep.name}”，"
            f"{'“' + keep.name + '”' if theirs_win else '“' + other.name + '”'}原有报告作为第1至{first - 1}版保留"
        ),
    )


def drop_unit_standings(keep: Unit, other: Unit) -> tuple[int, list[str]]:
    """Merge rule for the kept rows (``kept``): the merged unit's go; those of the unit
    kept are built again by ``move_unit_reports`` once the reports have moved."""
    Standing.objects.filter(unit=other).delete()
    return 0, []
