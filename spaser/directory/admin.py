"""The platform team enters and corrects directory entries here; an import is undone by deleting it (its entries go
with it). Imported entries stay editable: the national directory itself is corrected by hand."""

from django.contrib import admin
from django.db import models

from spaser.directory.models import DirectoryEntry, DirectoryImport


@admin.register(DirectoryEntry)
class DirectoryEntryAdmin(admin.ModelAdmin):
    list_display = ["name", "siren", "structure_type", "start_year", "end_year", "edition", "source"]
    list_filter = ["source", "structure_type", "mutualised"]
    search_fields = ["name", "siren", "other_sirens", "title"]
    readonly_fields = ["source", "directory_import"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(DirectoryImport)
class DirectoryImportAdmin(admin.ModelAdmin):
    list_display = ["file_name", "imported_by", "imported_at", "rows"]
    readonly_fields = ["file_name", "imported_by", "imported_at", "rows"]

    def has_add_permission(self, request, obj=None):
        return False  # files are imported from the upload page or `manage.py import_directory`
