"""/api/v1/units: the unit registry (单位名录) with aliases and task counts; the
coordinator adds, renames and merges units and keeps their other spellings
(plans.registry, plans.merge; plans.permissions.check_manage_units)."""

from django.db.models import Q
from django.http import Http404, HttpResponse
from ninja import Field, Query, Router, Schema

from luoshi.plans import registry
from luoshi.plans.choices import UnitKind
from luoshi.plans.lookups import units_with_counts
from luoshi.plans.merge import merge_units
from luoshi.plans.models import Unit, UnitAlias
from luoshi.plans.permissions import can_see_units, visible_units
from luoshi.plans.units import normalize_name

from ..paging import CursorPage, Listing, paginate
from ..schemas import ERRORS, WRITE_ERRORS, AliasOut, MergeOut, Strict, UnitOut
from ..versioning import if_match_doc, matching, tagged
from .common import actor

router = Router(tags=["单位名录"])


def unit_json(unit) -> dict:
    return {
        "id": unit.pk,
        "name": unit.name,
        "kind": unit.kind,
        "kind_label": unit.get_kind_display(),
        "short_name": unit.short_name,
        "order": unit.order,
        "aliases": [{"id": a.pk, "name": a.name} for a in unit.aliases.all()],
        "leads": getattr(unit, "lead_count", None),
        "cooperates": getattr(unit, "cooperate_count", None),
    }


def _visible(request):
    """The registry as the user may read it (plans.permissions.can_see_units): its
    organisation's units and those below it."""
    act = actor(request)
    units = units_with_counts(units=visible_units(act))
    return units if can_see_units(act) else units.none()


def _unit(unit_id: int, request) -> Unit:
    unit = _visible(request).filter(pk=unit_id).first()
    if unit is None:
        raise Http404("没有这个单位，或无权查看")
    return unit


class UnitQuery(Schema):
    q: str | None = Field(None, description="名称、简称或别名中的词")
    kind: UnitKind | None = Field(None, description="单位类型")


@router.get(
    "",
    response={200: list[UnitOut], **ERRORS},
    summary="单位名录（含别名和现行方案中牵头、配合的任务数；分页）",
)
@paginate(CursorPage)
def list_units(request, query: Query[UnitQuery]):
    units = _visible(request)
    if query.q:
        part = normalize_name(query.q)
        matching_ids = Unit.objects.filter(
            Q(name__icontains=part) | Q(short_name__icontains=part) | Q(aliases__name__icontains=part)
        ).values("pk")
        units = units.filter(pk__in=matching_ids)
    if query.kind:
        units = units.filter(kind=query.kind)
    return Listing(units, ("order", "name"), unit_json)


@router.get("/{unit_id}", response={200: UnitOut, **ERRORS}, summary="一个单位")
def get_unit(request, response: HttpResponse, unit_id: int):
    return tagged(response, unit_json(_unit(unit_id, request)))


class UnitIn(Strict):
    name: str = Field(description="规范名称")
    kind: UnitKind | None = Field(None, description="单位类型（默认按名称推断）")
    short_name: str = ""
    order: int = Field(0, ge=0, le=1_000_000)


class UnitChangeIn(Strict):
    name: str | None = Field(None, description="新名称（改名）")
    kind: UnitKind | None = None
    short_name: str | None = None
    order: int | None = Field(None, ge=0, le=1_000_000)


@router.post("", response={200: UnitOut, **WRITE_ERRORS}, summary="新增单位（综合协调组）")
def create_unit(request, response: HttpResponse, payload: UnitIn):
    unit = registry.create_unit(
        actor(request), payload.name, kind=payload.kind, short_name=payload.short_name, order=payload.order
    )
    return tagged(response, unit_json(_unit(unit.pk, request)))


@router.patch(
    "/{unit_id}",
    openapi_extra=if_match_doc(),
    response={200: UnitOut, **WRITE_ERRORS},
    summary="改名或修改类型、简称、排序（综合协调组）",
)
def change_unit(request, response: HttpResponse, unit_id: int, payload: UnitChangeIn):
    act = actor(request)
    with matching(request, Unit, unit_id, load=lambda: _unit(unit_id, request), present=unit_json) as unit:
        registry.change_unit(act, unit, **payload.model_dump(exclude_unset=True))
    return tagged(response, unit_json(_unit(unit_id, request)))


class AliasIn(Strict):
    name: str = Field(description="别名（另一种写法）")


@router.post(
    "/{unit_id}/aliases",
    openapi_extra=if_match_doc(),
    response={200: AliasOut, **WRITE_ERRORS},
    summary="新增别名（综合协调组）",
)
def add_alias(request, unit_id: int, payload: AliasIn):
    act = actor(request)
    with matching(request, Unit, unit_id, load=lambda: _unit(unit_id, request), present=unit_json) as unit:
        alias = registry.add_alias(act, unit, payload.name)
    return {"id": alias.pk, "name": alias.name, "unit": unit_id}


@router.delete(
    "/{unit_id}/aliases/{alias_id}",
    openapi_extra=if_match_doc(),
    response={200: UnitOut, **WRITE_ERRORS},
    summary="删除别名（综合协调组）",
)
def remove_alias(request, response: HttpResponse, unit_id: int, alias_id: int):
    act = actor(request)
    with matching(request, Unit, unit_id, load=lambda: _unit(unit_id, request), present=unit_json):
        alias = UnitAlias.objects.filter(pk=alias_id, unit_id=unit_id).first()
        if alias is None:
            raise Http404("这个单位没有这个别名")
        registry.remove_alias(act, alias)
    return tagged(response, unit_json(_unit(unit_id, request)))


class MergeIn(Strict):
    other: int = Field(
        description="并入的单位编号：它的任务、报告、用户等移交本单位，它的名称成为本单位的别名"
    )


@router.post(
    "/{unit_id}/merge",
    openapi_extra=if_match_doc(),
    response={200: MergeOut, **WRITE_ERRORS},
    summary="合并单位：把另一个单位并入本单位（综合协调组）",
)
def merge(request, response: HttpResponse, unit_id: int, payload: MergeIn):
    act = actor(request)
    with matching(request, Unit, unit_id, load=lambda: _unit(unit_id, request), present=unit_json) as keep:
        result = merge_units(keep, _unit(payload.other, request), actor=act)
    return {
        "unit": tagged(response, unit_json(_unit(unit_id, request))),
        "message": result.message(),
        "moved": result.moved,
    }
