"""Which Quartiere a staff member may work on, enforced wherever staff see content.

DESIGN.md: "Staff see and export personal data only for the Quartiere they are responsible
for." Superusers work on everything. Staff with the permission
`quartiere.work_in_all_quartiere` (the role Redaktion) work on the public content of all
Quartiere. Everything else, and personal data always, only for the Quartiere assigned to the
staff member (`quartiere.QuartierAssignment`, role Quartiersentwicklung), a Stadtteil's
assignment covering the Quartiere inside it. Staff without an assignment see nothing that
belongs to a Quartier: the default is no access, not all access.

Each admin of something that belongs to a Quartier uses `QuartierScopedAdminMixin` and names
the way from its model to the Quartier in `quartier_path` (`"opportunity__quartier"`;
`"pk"` for the Quartier itself). The mixin limits the admin's queryset, so the list, the
search, the filters, the actions, the CSV exports and the autocomplete of other admins all
start from the editor's Quartiere; it refuses the change, delete and history pages of
anything outside them (403); and it offers only the editor's Quartiere (and what lies in
them) in the choices of related fields. Pages outside the admin call `restrict()`.

A partner organisation's contact can be made an editor of exactly their own opportunities
(`partner.PartnerAssignment`): besides the Quartiere above, they work on the opportunities of
their organisation and the sign-ups for them, nothing else. An admin opens its rows to them
by naming the way from its model to the opportunity in `opportunity_path` (`"pk"` on the
opportunity, `"opportunity"` on the sign-up); every other admin stays closed to them, even if
someone gave their role more permissions.

This module imports no app: it reads the assignments through the reverse relations
`user.quartier_assignments` (with their `current()` and `covered_quartier_ids()` QuerySet
methods) and `user.partner_assignments` (`opportunity_ids()`).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet

ALL_QUARTIERE_PERMISSION = "quartiere.work_in_all_quartiere"

_CACHE = "_quartier_scope"


def is_unrestricted(user, *, personal: bool = False) -> bool:
    """Whether `user` works on all Quartiere: superusers always; for public content (not
    `personal` data) also staff with the permission for all Quartiere."""
    if not (user.is_authenticated and user.is_active):
        return False
    return user.is_superuser or (not personal and user.has_perm(ALL_QUARTIERE_PERMISSION))


def quartier_ids(request, *, personal: bool = False) -> frozenset[int] | None:
    """The ids of the Quartiere the user of `request` may work on; None means all of them.

    `personal`: for personal data (sign-ups, registrations, wishes), which only the
    assignments open up. Worked out once per request; a delegation counts until its
    `valid_until` and not a moment longer, because every request reads the clock anew.
    """
    cache = request.__dict__.setdefault(_CACHE, {})
    if personal not in cache:
        user = request.user
        if is_unrestricted(user, personal=personal):
            cache[personal] = None
        elif not (user.is_authenticated and user.is_active and user.is_staff):
            cache[personal] = frozenset()
        else:
            if "assigned" not in cache:
                assignments = user.quartier_assignments.current()
                cache["assigned"] = assignments.covered_quartier_ids()
            cache[personal] = cache["assigned"]
    return cache[personal]


def opportunity_ids(request) -> frozenset[int]:
    """The opportunities the user of `request` works on as the contact of a partner
    organisation (besides their Quartiere). Worked out once per request."""
    cache = request.__dict__.setdefault(_CACHE, {})
    if "opportunities" not in cache:
        user = request.user
        assignments = getattr(user, "partner_assignments", None)
        if assignments is None or not (user.is_active and user.is_staff):
            cache["opportunities"] = frozenset()
        else:
            cache["opportunities"] = assignments.opportunity_ids()
    return cache["opportunities"]


def restrict(
    queryset: QuerySet,
    request,
    path: str,
    *,
    personal: bool = False,
    opportunity_path: str = "",
) -> QuerySet:
    """`queryset` cut down to the rows whose Quartier (reached by `path`) the user may see,
    and, with `opportunity_path`, the rows of the opportunities of their partner organisation
    (see the module docstring)."""
    ids = quartier_ids(request, personal=personal)
    if ids is None:
        return queryset
    condition = Q(**{f"{path}__in": ids})
    if opportunity_path:
        own = opportunity_ids(request)
        if own:
            condition |= Q(**{f"{opportunity_path}__in": own})
    return queryset.filter(condition)


def only_as_partner(queryset: QuerySet, request, path: str, obj) -> bool:
    """Whether the user may see `obj` (a row of `queryset`'s model) only as the contact of a
    partner organisation, not through their Quartiere."""
    if obj is None or obj.pk is None:
        return False
    ids = quartier_ids(request)
    if ids is None or not opportunity_ids(request):
        return False
    return not queryset.filter(pk=obj.pk, **{f"{path}__in": ids}).exists()


class QuartierScopedAdminMixin:
    """For a ModelAdmin of something that belongs to a Quartier: see the module docstring.

    Put it first in the bases, before `admin.ModelAdmin` (or a base derived from it).
    """

    # The lookup from the model to its Quartier, e.g. "meeting__conference__quartier".
    quartier_path: str = ""
    # Personal data (sign-ups, registrations, wishes): only through assignments.
    personal_data: bool = False
    # The lookup from the model to its opportunity, for the contacts of a partner
    # organisation ("pk" on Opportunity); empty: they see nothing of this admin.
    opportunity_path: str = ""
    # Fields a partner's contact may not change on their opportunities: the relations to
    # projects and Quartiere, of which they could choose none.
    partner_readonly_fields: tuple[str, ...] = ()

    def scope(self, queryset, request):
        return restrict(
            queryset,
            request,
            self.quartier_path,
            personal=self.personal_data,
            opportunity_path=self.opportunity_path,
        )

    def scope_ids(self, request):
        return quartier_ids(request, personal=self.personal_data)

    def get_queryset(self, request):
        return self.scope(super().get_queryset(request), request)

    def is_in_scope(self, request, obj) -> bool:
        """Whether `obj` lies in the user's Quartiere (True for "no object" and new ones)."""
        if obj is None or obj.pk is None or self.scope_ids(request) is None:
            return True
        cache = request.__dict__.setdefault("_quartier_scope_objects", {})
        key = (self.model._meta.label, obj.pk)
        if key not in cache:
            cache[key] = self.scope(self.model._default_manager.filter(pk=obj.pk), request).exists()
        return cache[key]

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if self.partner_readonly_fields and only_as_partner(
            self.model._default_manager.all(), request, self.quartier_path, obj
        ):
            return [*fields, *(f for f in self.partner_readonly_fields if f not in fields)]
        return fields

    def get_object(self, request, object_id, from_field=None):
        """Something outside the editor's Quartiere is refused (403), not reported missing."""
        obj = super().get_object(request, object_id, from_field)
        if obj is not None or self.scope_ids(request) is None:
            return obj
        model = self.model
        field = model._meta.pk if from_field is None else model._meta.get_field(from_field)
        try:
            value = field.to_python(object_id)
        except (ValidationError, ValueError):
            return None
        if model._default_manager.filter(**{field.attname: value}).exists():
            raise PermissionDenied
        return None

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self.is_in_scope(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self.is_in_scope(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self.is_in_scope(request, obj)

    def get_search_results(self, request, queryset, search_term):
        # The changelist and the autocomplete of other admins pass a queryset from
        # `get_queryset` already; restricting again costs nothing and keeps any other
        # caller honest.
        queryset = self.scope(queryset, request)
        return super().get_search_results(request, queryset, search_term)

    def scope_related_choices(self, db_field, request, formfield):
        """Limit the choices of a relation to a scoped model to the user's Quartiere."""
        if formfield is None or not hasattr(formfield, "queryset"):
            return formfield
        related_admin = self.admin_site._registry.get(db_field.remote_field.model)
        if isinstance(related_admin, QuartierScopedAdminMixin):
            formfield.queryset = related_admin.scope(formfield.queryset, request)
        return formfield

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        return self.scope_related_choices(db_field, request, formfield)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        formfield = super().formfield_for_manytomany(db_field, request, **kwargs)
        return self.scope_related_choices(db_field, request, formfield)
