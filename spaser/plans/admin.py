"""The platform team's back office, read-only: a scheme and its data change only through its organisation's screens
(partners, targets and values included), so that every change has an author the organisation knows."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from spaser.plans.models import (
    Action,
    ActionComment,
    Axis,
    ContractTag,
    DigestSent,
    Engagement,
    IndicatorSnapshot,
    ManualImport,
    ManualIndicator,
    ManualValue,
    Objective,
    Partnership,
    Scheme,
    Target,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ReadOnlyHistoryAdmin(SimpleHistoryAdmin, ReadOnlyAdmin):
    """Read-only, with the « Historique » button listing who changed what (reverting stays out: no change rights)."""


ORGANISATION_SEARCH = ["organisation__name", "organisation__siren"]


@admin.register(Scheme)
class SchemeAdmin(ReadOnlyHistoryAdmin):
    list_display = ["title", "organisation", "status", "start_year", "end_year", "updated_at"]
    list_filter = ["status"]
    search_fields = ["title", "slug", *ORGANISATION_SEARCH]


@admin.register(Axis)
class AxisAdmin(ReadOnlyHistoryAdmin):
    list_display = ["title", "scheme"]
    search_fields = ["title", "scheme__title", "scheme__organisation__name", "scheme__organisation__siren"]


@admin.register(Engagement)
class EngagementAdmin(ReadOnlyHistoryAdmin):
    list_display = ["title", "axis__scheme"]
    search_fields = ["title", "axis__scheme__title", "axis__scheme__organisation__siren"]


class TargetInline(ReadOnlyInline):
    model = Target


@admin.register(Objective)
class ObjectiveAdmin(ReadOnlyHistoryAdmin):
    list_display = ["title", "engagement__axis__scheme", "indicator_code", "manual_indicator"]
    search_fields = ["title", "engagement__axis__scheme__title", "engagement__axis__scheme__organisation__siren"]
    inlines = [TargetInline]


@admin.register(Action)
class ActionAdmin(ReadOnlyHistoryAdmin):
    list_display = ["title", "owner", "engagement__axis__scheme"]
    search_fields = ["title", "owner", "engagement__axis__scheme__organisation__siren"]


@admin.register(Partnership)
class PartnershipAdmin(ReadOnlyAdmin):
    """Read-only: only the two organisations invite, answer or end (the agreement must be theirs)."""

    list_display = ["scheme", "organisation", "status", "invited_at", "answered_at"]
    list_filter = ["status"]
    search_fields = ["scheme__title", *ORGANISATION_SEARCH]


@admin.register(ManualIndicator)
class ManualIndicatorAdmin(ReadOnlyHistoryAdmin):
    list_display = ["label", "code", "unit", "organisation"]
    search_fields = ["label", "code", *ORGANISATION_SEARCH]


@admin.register(ManualImport)
class ManualImportAdmin(ReadOnlyHistoryAdmin):
    list_display = ["filename", "indicator", "imported_by", "imported_at"]
    search_fields = ["filename", "indicator__label", "indicator__organisation__siren"]


@admin.register(ManualValue)
class ManualValueAdmin(ReadOnlyHistoryAdmin):
    list_display = ["indicator", "year", "value", "contract_id", "source"]
    list_filter = ["year"]
    search_fields = ["contract_id", "indicator__label", "indicator__organisation__siren"]


@admin.register(IndicatorSnapshot)
class IndicatorSnapshotAdmin(ReadOnlyAdmin):
    """Computed values: deleting them only makes the next dashboard recompute them."""

    list_display = ["scope", "year", "code", "value", "missing", "data_version", "computed_at"]
    list_filter = ["code", "year"]
    search_fields = ["scope"]


@admin.register(ActionComment)
class ActionCommentAdmin(ReadOnlyAdmin):
    list_display = ["action", "author", "created"]
    search_fields = ["text", "action__title", "action__engagement__axis__scheme__organisation__siren"]


@admin.register(DigestSent)
class DigestSentAdmin(ReadOnlyAdmin):
    list_display = ["key", "recipient", "sent_at"]
    search_fields = ["key", "recipient"]


@admin.register(ContractTag)
class ContractTagAdmin(ReadOnlyHistoryAdmin):
    list_display = ["contract_id", "buyer_siret", "engagement", "tagged_by", "tagged_at"]
    search_fields = ["contract_id", "uid", "engagement__title", "engagement__axis__scheme__organisation__siren"]
