"""The platform team's back office: schemes and manual indicators are read here, edited by their organisations."""

from django.contrib import admin

from spaser.plans.models import IndicatorSnapshot, ManualIndicator, Partnership, Scheme


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Scheme)
class SchemeAdmin(ReadOnlyAdmin):
    """Read-only: a scheme changes only through its organisation's screens."""

    list_display = ["title", "organisation", "status", "start_year", "end_year", "updated_at"]
    list_filter = ["status"]
    search_fields = ["title", "slug", "organisation__name", "organisation__siren"]


@admin.register(Partnership)
class PartnershipAdmin(ReadOnlyAdmin):
    """Read-only: only the two organisations invite, answer or end (the agreement must be theirs)."""

    list_display = ["scheme", "organisation", "status", "invited_at", "answered_at"]
    list_filter = ["status"]
    search_fields = ["scheme__title", "organisation__name", "organisation__siren"]


@admin.register(ManualIndicator)
class ManualIndicatorAdmin(admin.ModelAdmin):
    list_display = ["label", "code", "unit", "organisation"]
    search_fields = ["label", "code", "organisation__name"]
    autocomplete_fields = ["organisation"]


@admin.register(IndicatorSnapshot)
class IndicatorSnapshotAdmin(ReadOnlyAdmin):
    """Computed values: deleting them only makes the next dashboard recompute them."""

    list_display = ["scope", "year", "code", "value", "missing", "data_version", "computed_at"]
    list_filter = ["code", "year"]
    search_fields = ["scope"]
