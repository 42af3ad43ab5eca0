from django.urls import path

from spaser.www.observatory_views import directory, home, obligation, profiles, series


app_name = "observatory"

urlpatterns = [
    path("", home.home, name="home"),
    path("annuaire/", directory.page, name="directory"),
    path("annuaire/annuaire-spaser.csv", directory.export, {"file_format": "csv"}, name="directory_csv"),
    path("annuaire/annuaire-spaser.parquet", directory.export, {"file_format": "parquet"}, name="directory_parquet"),
    path("annuaire/schemas/<slug:name>.json", directory.table_schema, name="directory_schema"),
    path("annuaire/modele.csv", directory.template_download, name="directory_template"),
    path("annuaire/importer/", directory.upload, name="directory_import"),
    path("annuaire/fiches/ajouter/", directory.entry_form, name="directory_add"),
    path("annuaire/fiches/<int:pk>/", directory.entry_form, name="directory_edit"),
    path("annuaire/imports/<int:pk>/annuler/", directory.undo, name="directory_undo"),
    path("indicateurs/", series.page, name="series"),
    path("indicateurs/<str:name>", series.download, name="series_download"),
    path("obligation/", obligation.register, name="obligation"),
    path("obligation/<str:siren>/", profiles.obligation_history, name="obligation_buyer"),
    path("acheteurs/<str:siren>/", profiles.profile, name="profile"),
    path("acheteurs/<str:name>", profiles.download, name="profiles_download"),
    path("obligation.<str:file_format>", obligation.download, name="obligation_download"),
]
