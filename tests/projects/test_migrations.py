"""Project codes unique per organisation (projects 0003): every project moves into its
owner unit's organisation with its code unchanged; afterwards two districts may each have
2025-001, one district not twice."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("projects", "0002_change_created_at"), ("plans", "0007_pending_import_organisation")]


@pytest.mark.django_db(transaction=True)
def test_projects_move_into_their_owner_units_organisation():
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    try:
        executor.migrate(BEFORE)
        old = MigrationExecutor(connection).loader.project_state(BEFORE).apps
        Organisation = old.get_model("plans", "Organisation")
        city = Organisation.objects.create(name="常德市", level="city", path="")
        Organisation.objects.filter(pk=city.pk).update(path=f"/{city.pk}/")
        district = Organisation.objects.create(name="鼎城区", level="district", parent=city)
        Organisation.objects.filter(pk=district.pk).update(path=f"/{city.pk}/{district.pk}/")
        Unit = old.get_model("plans", "Unit")
        city_unit = Unit.objects.create(organisation=city, name="市发改委")
        district_unit = Unit.objects.create(organisation=district, name="鼎城区发改局")
        Project = old.get_model("projects", "Project")
        Project.objects.create(code="2025-001", name="市项目", year=2025, owner_unit=city_unit)
        Project.objects.create(code="2025-002", name="区项目", year=2025, owner_unit=district_unit)

        executor = MigrationExecutor(connection)
        executor.migrate(leaves)
        new = executor.loader.project_state(leaves).apps
        Project = new.get_model("projects", "Project")
        assert sorted(Project.objects.values_list("code", "organisation_id")) == [
            ("2025-001", city.pk),
            ("2025-002", district.pk),
        ]
        Project.objects.create(
            code="2025-001",
            name="区的同号项目",
            year=2025,
            owner_unit_id=district_unit.pk,
            organisation_id=district.pk,
        )
        with pytest.raises(IntegrityError), transaction.atomic():
            Project.objects.create(
                code="2025-001",
                name="重号",
                year=2025,
                owner_unit_id=district_unit.pk,
                organisation_id=district.pk,
            )
        assert Project.objects.filter(code="2025-001").count() == 2
    finally:
        MigrationExecutor(connection).migrate(leaves)
