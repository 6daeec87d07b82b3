"""Who a user is in Luoshi, shared by every domain: the ``Actor`` (role and unit, looked
up once) and the role groups the domains' ``permissions.py`` build their rules on.

Each domain writes its own rules in its ``permissions.py`` (``plans``, ``reporting``,
``supervision``, ``projects``, ``bulletins``); this module only says who the actor is.
"""

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from luoshi.plans.models import Organisation, Part, Unit

from .choices import Role, TokenScope
from .models import Profile

# the roles that read every task, report, supervision item and project
READ_ALL = frozenset({Role.COORDINATOR, Role.LEADER, Role.VERIFIER})
# the roles that work inside one unit: fill in its reports, handle its items
UNIT_ROLES = frozenset({Role.REPORTER, Role.HEAD})


@dataclass(frozen=True)
class Actor:
    """A user's role, unit and organisation, looked up once. ``user`` None is the system
    (CLI, tick), which sees every organisation.

    ``org_path`` is the tree path of the user's organisation (``/1/5/``): the user reads
    its organisation and every one below it (paths that start with it), and writes only in
    its own organisation unless ``manages_below``."""

    user: object | None
    role: str | None
    unit_id: int | None
    org_id: int | None = None
    org_path: str = ""
    manages_below: bool = False

    @property
    def is_system(self) -> bool:
        return self.user is None

    @property
    def reads_all(self) -> bool:
        """The system, the coordinator, leaders and verifiers read every task, report,
        supervision item and project (bulletins have their own readers)."""
        return self.is_system or self.role in READ_ALL

    @property
    def in_unit(self) -> bool:
        """A reporter or head of a unit: works on what its unit leads or cooperates on."""
        return self.role in UNIT_ROLES and bool(self.unit_id)

    def sees_org(self, org_path: str) -> bool:
        """The actor reads what belongs to the organisation at ``org_path``: its own
        organisation or one below it (the system: every one)."""
        if self.is_system:
            return True
        return bool(self.org_path) and org_path.startswith(self.org_path)

    def acts_in_org(self, org_id: int | None, org_path: str) -> bool:
        """The actor may write in that organisation: its own; one below it only when
        granted ``manages_below`` (the system: every one)."""
        if self.is_system:
            return True
        if org_id is not None and org_id == self.org_id:
            return True
        return self.manages_below and self.sees_org(org_path)

    def visible_org_ids(self):
        """A subquery of the ids of the organisations this actor reads (its own and those
        below it); None for the system (no restriction)."""
        if self.is_system:
            return None
        from luoshi.plans.models import Organisation

        if not self.org_path:
            return Organisation.objects.none().values("pk")
        return Organisation.objects.filter(path__startswith=self.org_path).values("pk")

    def acts_in(self, org_id: int | None) -> bool:
        """``acts_in_org`` from an organisation id alone: no query for the system, the
        actor's own organisation, or an actor not granted ``manages_below``; the path of
        another organisation is looked up once per Actor."""
        if self.is_system or (org_id is not None and org_id == self.org_id):
            return True
        if not self.manages_below or org_id is None:
            return False
        paths = self.__dict__.setdefault("_org_paths", {})
        if org_id not in paths:
            from luoshi.plans.models import Organisation

            paths[org_id] = (
                Organisation.objects.filter(pk=org_id).values_list("path", flat=True).first() or ""
            )
        return bool(paths[org_id]) and self.acts_in_org(org_id, paths[org_id])

    def sees(self, org_id: int | None) -> bool:
        """``sees_org`` from an organisation id (one query for another organisation than
        the actor's own, once per Actor)."""
        if self.is_system or (org_id is not None and org_id == self.org_id):
            return True
        if org_id is None or not self.org_path:
            return False
        paths = self.__dict__.setdefault("_org_paths", {})
        if org_id not in paths:
            from luoshi.plans.models import Organisation

            paths[org_id] = (
                Organisation.objects.filter(pk=org_id).values_list("path", flat=True).first() or ""
            )
        return bool(paths[org_id]) and self.sees_org(paths[org_id])

    @property
    def name(self) -> str:
        if self.user is None:
            return "系统"
        return self.user.get_full_name() or self.user.get_username()

    def office_part_ids(self) -> frozenset[int]:
        """Campaigns run by this user's unit as task-force office (办公室设在…), looked up
        once per Actor (an Actor lives for one request or one command)."""
        if self.role != Role.OFFICE or not self.unit_id:
            return frozenset()
        cached = self.__dict__.get("_office_part_ids")
        if cached is None:
            parts = Part.objects.filter(task_forces__office_id=self.unit_id).values_list("pk", flat=True)
            cached = self.__dict__["_office_part_ids"] = frozenset(parts)
        return cached


SYSTEM = Actor(None, None, None)

BELOW_READ_ONLY = "下级组织的事项只能查看，不能办理（需上级授予“可办理下级组织事项”）"


def scoped(queryset: QuerySet, actor: Actor, field: str = "organisation") -> QuerySet:
    """``queryset`` narrowed to the organisations the actor reads (its own and those below
    it), through ``field`` (a path to an Organisation: ``plan__organisation``)."""
    ids = actor.visible_org_ids()
    if ids is None:
        return queryset
    return queryset.filter(**{f"{field}__in": ids})


def check_acts_in(actor: Actor, org_id: int | None) -> None:
    """PermissionDenied unless the actor may write in that organisation."""
    if not actor.acts_in(org_id):
        raise PermissionDenied(BELOW_READ_ONLY)


def actor_for(user) -> Actor:
    """The Actor of a Django user (a user with no profile has no role and sees nothing;
    being a superuser gives no role in the work)."""
    if user is None:
        return SYSTEM
    if isinstance(user, AnonymousUser) or not user.is_authenticated:
        return Actor(user, None, None)
    profile = getattr(user, "_luoshi_profile", None)
    if profile is None:
        descriptor = user.__class__.profile  # (request.user is a lazy object)
        if descriptor.is_cached(user):  # read with the user (accounts.auth)
            profile = descriptor.related.get_cached_value(user)
        else:
            profile = (
                Profile.objects.filter(user=user)
                .select_related("organisation")
                .only("role", "unit_id", "manages_below", "organisation__path")
                .first()
            )
        user._luoshi_profile = profile or False
    if not profile:
        return Actor(user, None, None)  # the system administrator too: users and settings only
    return Actor(
        user,
        profile.role,
        profile.unit_id,
        profile.organisation_id,
        profile.organisation.path,
        profile.manages_below,
    )


def _read_with_user(actor: Actor, field: str, pk: int | None, model):
    """The profile's ``field`` (unit, organisation) as read with the signed-in user
    (``accounts.auth``), when it is the one asked for; else looked up; None without ``pk``."""
    if not pk:
        return None
    profile = getattr(actor.user, "_luoshi_profile", None)
    if profile and getattr(profile, f"{field}_id") == pk and getattr(Profile, field).is_cached(profile):
        return getattr(profile, field)
    return model.objects.filter(pk=pk).first()


def unit_of(actor: Actor) -> Unit | None:
    """The actor's unit: the one read with the signed-in user where it was, else looked up."""
    return _read_with_user(actor, "unit", actor.unit_id, Unit)


def organisation_of(actor: Actor) -> Organisation | None:
    """The actor's organisation: the one read with the signed-in user where it was (every
    page's frame and the boards ask for it), else looked up."""
    return _read_with_user(actor, "organisation", actor.org_id, Organisation)


def users_of(unit_ids, roles):
    """Active users of these units holding one of these roles (who a notice goes to)."""
    from django.contrib.auth import get_user_model

    if not isinstance(unit_ids, QuerySet):  # a queryset of ids stays a subquery
        unit_ids = list(unit_ids)
    user_ids = Profile.objects.filter(unit_id__in=unit_ids, role__in=list(roles)).values_list(
        "user_id", flat=True
    )
    return get_user_model().objects.filter(pk__in=user_ids, is_active=True)


def can_manage_tokens(actor: Actor, user) -> bool:
    """Who may create, list and revoke a user's personal API tokens: the user alone (an
    active one), or the system (``luoshi token`` on the server)."""
    if actor.is_system:
        return True
    me = actor.user
    return bool(
        me is not None and getattr(me, "is_authenticated", False) and me.pk == user.pk and user.is_active
    )


def token_may_write(token) -> bool:
    """A read-write token may write (with its user's rights); a read-only one only reads."""
    return token.scope == TokenScope.WRITE


def can_manage_security(actor: Actor) -> bool:
    """Who sees the login lock-outs and second-factor devices and lifts or resets them: the
    coordinator (the role that administers users), or the system (``luoshi unlock``)."""
    return actor.is_system or actor.role == Role.COORDINATOR


def visible_users(actor: Actor):
    """The users of the organisations the actor reads (the system: every user)."""
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.all()
    if actor.is_system:
        return users
    return users.filter(pk__in=scoped(Profile.objects.all(), actor).values("user_id"))


def can_manage_security_of(actor: Actor, user) -> bool:
    """Lift a user's lock-out or reset its second factor: ``can_manage_security`` where
    the actor acts (the user's organisation: its own, below it with ``manages_below``)."""
    if not can_manage_security(actor):
        return False
    if actor.is_system:
        return True
    org_id = Profile.objects.filter(user=user).values_list("organisation_id", flat=True).first()
    return org_id is not None and actor.acts_in(org_id)


def _is_top(actor: Actor) -> bool:
    """The actor's organisation is a top-level one (it reads every organisation of its tree)."""
    return actor.org_path.count("/") == 2


def lock_owners(names) -> dict[str, str]:
    """The tree path of the organisation of each of these account names that is a user
    with a role (a name that is no such user is left out)."""
    return dict(
        Profile.objects.filter(user__username__in=list(names)).values_list(
            "user__username", "organisation__path"
        )
    )


def sees_lock(actor: Actor, names, owners: dict[str, str]) -> bool:
    """Whether the actor sees (on 账号安全) a login lock-out stopping these account names:
    ``can_manage_security`` and every name a user of the organisations it reads; a name
    that is no user's, or a lock of no name, is seen only where the whole tree is (the
    coordinator of a top-level organisation, the system). ``owners`` is ``lock_owners``."""
    if actor.is_system:
        return True
    if not can_manage_security(actor) or not actor.org_path:
        return False
    if not names or any(name not in owners for name in names):
        return _is_top(actor)
    return all(actor.sees_org(owners[name]) for name in names)


def lifts_lock(actor: Actor, names, owners: dict[str, str]) -> bool:
    """Whether the actor may lift a lock-out stopping these account names: ``sees_lock``,
    and every user among them one whose security it manages (its own organisation; below
    it with ``manages_below``)."""
    if not sees_lock(actor, names, owners):
        return False
    if actor.is_system:
        return True
    return all(
        owners[name] == actor.org_path or (actor.manages_below and actor.sees_org(owners[name]))
        for name in names
        if name in owners
    )
