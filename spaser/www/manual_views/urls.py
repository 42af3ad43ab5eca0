from django.urls import path

from spaser.www.manual_views import views


app_name = "manual"
urlpatterns = [
    path("", views.indicator_list, name="list"),
    path("nouveau/", views.indicator_create, name="create"),
    path("<int:pk>/", views.indicator_detail, name="detail"),
    path("<int:pk>/saisie/", views.value_create, name="value_create"),
    path("<int:pk>/import/", views.file_import, name="import"),
    path("<int:pk>/import/confirmer/", views.import_confirm, name="import_confirm"),
    path("<int:pk>/imports/<int:import_pk>/annuler/", views.import_undo, name="import_undo"),
    path("<int:pk>/valeurs/<int:value_pk>/supprimer/", views.value_delete, name="value_delete"),
    path("<int:pk>/modele.csv", views.template_download, name="template"),
]
