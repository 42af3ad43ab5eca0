from django.urls import path

from spaser.www.publications_views import views


app_name = "publications"

urlpatterns = [
    path("<int:pk>/publications/", views.scheme_publications, name="list"),
    path("<int:pk>/publications/preparer/", views.prepare, name="prepare"),
    path("publications/<int:pk>/", views.detail, name="detail"),
    path("publications/<int:pk>/publier/", views.publish, name="publish"),
]
