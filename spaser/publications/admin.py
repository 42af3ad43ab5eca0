"""Read-only in the back office: a publication is prepared and published from its scheme's screens only."""

from django.contrib import admin

from spaser.plans.admin import ReadOnlyAdmin
from spaser.publications.models import Publication


@admin.register(Publication)
class PublicationAdmin(ReadOnlyAdmin):
    list_display = ("scheme", "organisation", "first_year", "last_year", "status", "published_at")
    list_filter = ("status",)
    search_fields = ("scheme__title", "organisation__name", "siren")
