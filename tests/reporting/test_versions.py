"""The data version kept by the database (``reporting.versions``): triggers note every
write, whichever way it is made (a service, a queryset's bulk update or delete, raw SQL),
so the rows a version counts are the rows there are, folding the log changes no version,
and a re-install after a migration counts them afresh."""

from django.db import connection
from django.db.models import Count

from luoshi.accounts.permissions import SYSTEM
from luoshi.plans.models import Organisation, Task, TaskUnit
from luoshi.plans.organisations import add_organisation
from luoshi.reporting import board, versions
from luoshi.reporting.models import OrgVersion, Standing, VersionLog

from .test_data_version import moved, report_in, tree  # noqa: F401 (the fixture)
from .test_data_version import versions as all_versions

# the counted parts whose rows lead to one organisation each, by place in the version
STANDING, TASK, TASK_UNIT = 1, 12, 14


def counted(org: Organisation) -> dict[int, int]:
    """The rows of the organisation and those below it, counted in the tables themselves."""
    below = {"task__plan__organisation__path__startswith": org.path}
    return {
        STANDING: Standing.objects.filter(**below).count(),
        TASK: Task.objects.filter(plan__organisation__path__startswith=org.path).count(),
        TASK_UNIT: TaskUnit.objects.filter(**below).count(),
    }


def read_counts(org: Organisation) -> dict[int, int]:
    version = board.data_version(org.pk)
    return {place: int(version[place]) for place in (STANDING, TASK, TASK_UNIT)}


def test_the_layout_is_what_the_boards_read_by_place(tree):  # noqa: F811
    version = board.data_version(tree["district"].pk)
    assert len(version) == sum(2 if is_counted else 1 for _table, is_counted, _routes in versions.PARTS)
    assert [table for table, *_ in versions.PARTS][:1] == ["reporting_standing"]
    assert counted(tree["district"]) == read_counts(tree["district"])


def test_writes_of_every_kind_keep_the_counts_true_and_a_fold_changes_no_version(tree):  # noqa: F811
    district, city, province = tree["district"], tree["city"], tree["province"]
    report_in(district)  # a service: a kept row made or changed
    # a queryset's bulk update and delete, as a command or an import would make them
    Standing.objects.filter(task__plan__organisation=district).update(progress=12)
    gone = list(Standing.objects.filter(task__plan__organisation=district).values_list("pk", flat=True)[:3])
    Standing.objects.filter(pk__in=gone).delete()
    # raw SQL, past the ORM
    task = Task.objects.filter(plan__organisation=tree["sibling"]).order_by("pk").first()
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TaskUnit._meta.db_table} WHERE task_id = %s", [task.pk])
    for org in (district, tree["sibling"], city, province, tree["other_city"]):
        assert read_counts(org) == counted(org), org.name
    Standing.objects.filter(task__plan__organisation=district).update(progress=13)
    assert VersionLog.objects.exists()  # not folded yet
    before = all_versions(tree)
    assert versions.fold() > 0
    assert not VersionLog.objects.exists()
    assert all_versions(tree) == before


def test_a_bulk_update_moves_the_districts_version_and_its_uppers_only(tree):  # noqa: F811
    before = all_versions(tree)
    assert Standing.objects.filter(task__plan__organisation=tree["district"]).update(progress=55) > 0
    assert moved(before, all_versions(tree)) == {"district", "city", "province"}


def test_a_version_never_comes_back_after_a_fold_and_more_writes(tree):  # noqa: F811
    district = tree["district"]
    seen = {board.data_version(district.pk)}
    for _ in range(3):
        Standing.objects.filter(task__plan__organisation=district).update(progress=1)
        versions.fold()
        version = board.data_version(district.pk)
        assert version not in seen
        seen.add(version)


def test_reinstalling_counts_afresh_and_moves_every_version(tree):  # noqa: F811
    district = tree["district"]
    OrgVersion.objects.filter(organisation_id=district.pk).update(row_count=0)  # drifted
    before = all_versions(tree)
    versions.install()
    assert read_counts(district) == counted(district)
    assert moved(before, all_versions(tree)) == set(before)
    assert not VersionLog.objects.exists()


def test_an_organisation_removed_takes_its_version_with_it(tree):  # noqa: F811
    town = add_organisation(SYSTEM, "新镇", level="town", parent=tree["district"])
    assert VersionLog.objects.filter(organisation_id=town.pk).exists()
    versions.fold()
    assert OrgVersion.objects.filter(organisation_id=town.pk).exists()
    before = board.data_version(tree["district"].pk)
    town.delete()
    assert not OrgVersion.objects.filter(organisation_id=town.pk).exists()
    assert not VersionLog.objects.filter(organisation_id=town.pk).exists()
    assert board.data_version(tree["district"].pk) != before  # the parent noted the removal


def test_one_log_row_per_organisation_for_a_bulk_statement_on_postgresql(tree):  # noqa: F811
    """PostgreSQL notes a statement once per organisation, however many rows it wrote;
    SQLite notes each row."""
    versions.fold()
    n = Standing.objects.filter(task__plan__organisation__parent=tree["city"]).update(progress=3)
    logged = VersionLog.objects.values("organisation_id").annotate(n=Count("id"))
    if connection.vendor == "postgresql":
        assert sorted(row["n"] for row in logged) == [1, 1]
    else:
        assert sum(row["n"] for row in logged) == n
