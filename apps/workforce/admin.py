"""Admin for agents, skills, availability, leave, shift rules, forecasts, requirements, rosters and solves."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from apps.core.admin import ScopedAdmin
from apps.core.errors import DomainError
from apps.people.admin import AgentAdmin
from apps.workforce import services
from apps.workforce.choices import RosterStatus
from apps.workforce.models import (
    AgentSkill,
    Availability,
    Forecast,
    ForecastOverride,
    Leave,
    Roster,
    RosterChange,
    Shift,
    ShiftRule,
    SolveRun,
    StaffingRequirement,
)


class AgentSkillInline(admin.TabularInline):
    model = AgentSkill
    extra = 0


class AvailabilityInline(admin.TabularInline):
    model = Availability
    extra = 0


class LeaveInline(admin.TabularInline):
    model = Leave
    extra = 0


# the agent's page is people's (apps.people.admin); its skills, availability and leave are
# workforce's rows, so workforce adds them to that page inline (people may not import them)
AgentAdmin.inlines = [*AgentAdmin.inlines, AgentSkillInline, AvailabilityInline, LeaveInline]


@admin.register(AgentSkill)
class AgentSkillAdmin(ScopedAdmin):
    list_display = ["agent", "client", "platform", "channel", "language", "proficiency"]
    list_filter = ["client", "platform", "channel", "language", "proficiency"]
    search_fields = ["agent__name", "agent__nick", "agent__employee_no"]
    list_select_related = ["agent", "client"]
    autocomplete_fields = ["agent"]


@admin.register(Availability)
class AvailabilityAdmin(ScopedAdmin):
    list_display = ["agent", "weekday", "starts_at", "ends_at"]
    list_filter = ["weekday"]
    search_fields = ["agent__name", "agent__nick"]
    list_select_related = ["agent"]


@admin.register(Leave)
class LeaveAdmin(ScopedAdmin):
    list_display = ["agent", "kind", "start", "end", "note"]
    list_filter = ["kind"]
    search_fields = ["agent__name", "agent__nick"]
    list_select_related = ["agent"]
    date_hierarchy = "start"


@admin.register(ShiftRule)
class ShiftRuleAdmin(ScopedAdmin):
    list_display = [
        "name",
        "client",
        "min_length_minutes",
        "max_length_minutes",
        "meal_minutes",
        "min_rest_hours",
        "max_days_per_week",
    ]
    list_select_related = ["client"]
    search_fields = ["name"]


@admin.register(Forecast)
class ForecastAdmin(ScopedAdmin):
    list_display = ["client", "channel", "interval_start", "volume", "human_volume", "aht_seconds", "promo_uplift"]
    list_filter = ["client", "channel"]
    list_select_related = ["client"]
    date_hierarchy = "interval_start"
    search_fields = ["client__name"]


@admin.register(ForecastOverride)
class ForecastOverrideAdmin(ScopedAdmin):
    list_display = ["client", "channel", "interval_start", "volume", "reason", "created_by"]
    list_filter = ["client", "channel"]
    list_select_related = ["client", "created_by"]
    search_fields = ["reason", "client__name"]


@admin.register(StaffingRequirement)
class StaffingRequirementAdmin(ScopedAdmin):
    list_display = ["client", "interval_start", "human_volume", "agents", "scheduled", "service_level", "occupancy"]
    list_filter = ["client"]
    list_select_related = ["client"]
    date_hierarchy = "interval_start"
    search_fields = ["client__name"]


class ShiftInline(admin.TabularInline):
    model = Shift
    extra = 0
    fields = ["agent", "start", "end", "meal_start", "meal_end", "paid_hours", "night_hours", "is_surge"]
    raw_id_fields = ["agent"]
    show_change_link = True


@admin.action(description=_("Publish the selected draft rosters"))
def publish_rosters(modeladmin, request, queryset):
    for roster in queryset:
        try:
            services.roster_publish(roster=roster, actor=request.user)
        except DomainError as exc:
            modeladmin.message_user(request, f"{roster}: {exc}", messages.ERROR)


@admin.register(Roster)
class RosterAdmin(ScopedAdmin):
    list_display = ["client", "week_start", "version", "status", "published_at", "created_at"]
    list_filter = ["status", "client"]
    list_select_related = ["client"]
    search_fields = ["client__name"]
    readonly_fields = ["status", "published_at", "published_by", "stats"]
    actions = [publish_rosters]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.status != RosterStatus.DRAFT:  # published: changes make a new version
            return [f.name for f in Roster._meta.fields if f.name != "id"]
        return super().get_readonly_fields(request, obj)


class ShiftForm(forms.ModelForm):
    def clean_roster(self):
        roster = self.cleaned_data["roster"]
        if roster is not None and roster.status != RosterStatus.DRAFT:
            raise forms.ValidationError(_("Shifts of a published roster cannot be changed; make a new version."))
        return roster


@admin.register(Shift)
class ShiftAdmin(ScopedAdmin):
    """Edits go through the services; only a draft roster's shifts change (published: new version)."""

    form = ShiftForm

    list_display = ["agent", "roster", "start", "end", "paid_hours", "night_hours", "is_surge"]
    list_filter = ["is_surge", "roster__client"]
    list_select_related = ["agent", "roster__client"]
    search_fields = ["agent__name", "agent__nick"]
    raw_id_fields = ["agent", "roster"]
    fields = ["roster", "agent", "start", "end", "meal_start", "meal_end", "paid_hours", "night_hours", "is_surge"]
    readonly_fields = ["meal_start", "meal_end", "paid_hours", "night_hours", "is_surge"]

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        try:
            if change:
                services.shift_change(
                    shift=obj,
                    start=data["start"],
                    end=data["end"],
                    agent=data["agent"],
                    reason="admin",
                    actor=request.user,
                )
            else:
                saved = services.shift_add(
                    roster=data["roster"],
                    agent=data["agent"],
                    start=data["start"],
                    end=data["end"],
                    reason="admin",
                    actor=request.user,
                )
                obj.pk = saved.pk
        except DomainError as exc:
            self.message_user(request, str(exc), messages.ERROR)

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.roster.status != RosterStatus.DRAFT:
            return False  # a published roster's shifts change only through a new version
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.roster.status != RosterStatus.DRAFT:
            return False
        return super().has_delete_permission(request, obj)

    def delete_model(self, request, obj):
        services.shift_remove(shift=obj, reason="admin", actor=request.user)

    def delete_queryset(self, request, queryset):
        kept = queryset.exclude(roster__status=RosterStatus.DRAFT).count()
        if kept:
            self.message_user(request, _("Shifts of published rosters were kept: %d") % kept, messages.ERROR)
        for shift in queryset.filter(roster__status=RosterStatus.DRAFT):
            services.shift_remove(shift=shift, reason="admin", actor=request.user)


@admin.register(RosterChange)
class RosterChangeAdmin(ScopedAdmin):
    list_display = ["roster", "kind", "agent", "reason", "changed_by", "at"]
    list_filter = ["kind"]
    list_select_related = ["roster__client", "agent", "changed_by"]
    search_fields = ["reason", "agent__name"]

    def has_change_permission(self, request, obj=None):
        return False


# The statuses a solve records: CP-SAT's own, the LP-rounded fallback and a site without shift variants.
SOLVER_STATUS_LABELS = {
    "OPTIMAL": _("optimal"),
    "FEASIBLE": _("feasible (time limit reached)"),
    "INFEASIBLE": _("infeasible"),
    "UNKNOWN": _("no solution within the time limit"),
    "MODEL_INVALID": _("invalid model"),
    "LP_ROUNDED": _("rounded LP solution"),
    "NO_VARIANTS": _("no shift to choose from"),
}


@admin.register(SolveRun)
class SolveRunAdmin(ScopedAdmin):
    list_display = [
        "client",
        "week_start",
        "kind",
        "status",
        "progress_done",
        "solver_status_label",
        "demand_hours",
        "paid_hours",
        "lp_bound_hours",
        "efficiency",
        "surge_needed",
        "created_at",
    ]
    list_filter = ["status", "kind", "client"]
    list_select_related = ["client"]
    search_fields = ["client__name"]
    readonly_fields = [f.name for f in SolveRun._meta.fields if f.name not in ("id",)]

    @admin.display(description=_("solver status"), ordering="solver_status")
    def solver_status_label(self, obj) -> str:
        """CP-SAT's status words (joined by "/" for a run of several sites) in the user's language."""
        if not obj.solver_status:
            return "—"
        return " / ".join(str(SOLVER_STATUS_LABELS.get(part, part)) for part in obj.solver_status.split("/"))
