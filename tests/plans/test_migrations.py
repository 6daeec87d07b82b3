"""Pending plan imports moved from the web app to the plans app: the rows stay."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("web", "0001_publication_and_pending_import"), ("plans", "0003_source_file_longer")]


def _leaves(executor):
    return executor.loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_pending_imports_keep_their_rows_when_they_move_to_the_plans_app():
    executor = MigrationExecutor(connection)
    leaves = _leaves(executor)
    try:
        executor.migrate(BEFORE)
        old = MigrationExecutor(connection).loader.project_state(BEFORE).apps
        old.get_model("web", "PendingImport").objects.create(
            source_name="方案.docx", plan_data={"title": "示范县方案"}, renames={"县工信": "县工信局"}
        )
        executor = MigrationExecutor(connection)
        executor.migrate(leaves)
        new = executor.loader.project_state(leaves).apps
        pending = new.get_model("plans", "PendingImport").objects.get()
        assert pending.source_name == "方案.docx" and pending.renames == {"县工信": "县工信局"}
        assert pending.state == "pending"
        assert (
            new.get_model("plans", "PendingImport").objects.create(source_name="又一份.docx").pk > pending.pk
        )
    finally:
        MigrationExecutor(connection).migrate(leaves)


BEFORE_ORGS = [
    ("plans", "0005_import_review_groups_and_targets"),
    ("accounts", "0002_api_tokens"),
    ("audit", "0003_api_call_action"),
    ("web", "0002_pending_import_to_plans"),
]


@pytest.mark.django_db(transaction=True)
def test_an_install_from_before_organisations_moves_into_one_organisation_unchanged():
    executor = MigrationExecutor(connection)
    leaves = _leaves(executor)
    try:
        executor.migrate(BEFORE_ORGS)
        old = MigrationExecutor(connection).loader.project_state(BEFORE_ORGS).apps
        Unit = old.get_model("plans", "Unit")
        finance = Unit.objects.create(name="区财政局")
        Unit.objects.create(name="区发改局")
        old.get_model("plans", "UnitAlias").objects.create(unit=finance, name="财政局")
        old.get_model("plans", "Plan").objects.create(
            series="七大攻坚", title="西洞庭管理区实施“七大攻坚”总体方案", issuer="西洞庭管理区", year=2025
        )
        user = old.get_model("auth", "User").objects.create(username="cw")
        chief = old.get_model("auth", "User").objects.create(username="zhuren")
        Profile = old.get_model("accounts", "Profile")
        Profile.objects.create(user=user, role="reporter", unit=finance)
        Profile.objects.create(user=chief, role="coordinator")
        # the rows with no path of their own to a plan or a unit
        old.get_model("plans", "PendingImport").objects.create(source_name="方案.docx", plan_data={})
        old.get_model("web", "Publication").objects.create(series="七大攻坚", published=True)
        Audit = old.get_model("audit", "AuditLog")
        Audit.objects.create(sequence=1, user=user, username="cw", operation="保存草稿", hash="x" * 64)
        Audit.objects.create(sequence=2, username="系统", operation="导入方案", hash="y" * 64)

        executor = MigrationExecutor(connection)
        executor.migrate(leaves)
        new = executor.loader.project_state(leaves).apps
        org = new.get_model("plans", "Organisation").objects.get()
        assert org.name == "西洞庭管理区" and org.parent_id is None and org.path == f"/{org.pk}/"
        for name in ("Unit", "UnitAlias", "Plan"):
            assert set(new.get_model("plans", name).objects.values_list("organisation_id", flat=True)) == {
                org.pk
            }
        profiles = new.get_model("accounts", "Profile").objects.order_by("pk")
        assert [(p.role, p.organisation_id, p.manages_below) for p in profiles] == [
            ("reporter", org.pk, False),
            ("coordinator", org.pk, False),
        ]
        assert new.get_model("plans", "Unit").objects.get(name="区财政局").aliases.get().name == "财政局"
        assert new.get_model("plans", "PendingImport").objects.get().organisation_id == org.pk
        assert new.get_model("web", "Publication").objects.get().organisation_id == org.pk
        rows = new.get_model("audit", "AuditLog").objects.order_by("sequence")
        # the user's row in its organisation, the system's in none; nothing else of a row changes
        assert [(r.operation, r.organisation_id, r.hash) for r in rows] == [
            ("保存草稿", org.pk, "x" * 64),
            ("导入方案", None, "y" * 64),
        ]
    finally:
        MigrationExecutor(connection).migrate(leaves)
