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
