from django.urls import path

from spaser.www.public_views import indicators, views
from spaser.www.publications_views import public as publications


app_name = "public"

urlpatterns = [
    path("", views.home, name="home"),
    path("spaser/", views.schemes, name="schemes"),
    path("spaser/<slug:slug>/", views.scheme, name="scheme"),
    path("spaser/<slug:slug>/document/", views.document, name="document"),
    path("spaser/<slug:slug>/objectifs/<int:objective_pk>/<int:year>/", views.contracts, name="contracts"),
    path("spaser/<slug:slug>/objectifs/<int:objective_pk>/<int:year>/calcul/", views.audit, name="audit"),
    path("spaser/<slug:slug>/publications/", publications.publications, name="publications"),
    path("spaser/<slug:slug>/publications/<int:year>/", publications.publication, name="publication"),
    path(
        "spaser/<slug:slug>/publications/<int:year>/publication.<str:name>",
        publications.download,
        name="publication_download",
    ),
    path("spaser/<slug:slug>/rapport/<int:year>/", views.report, name="report"),
    path("spaser/<slug:slug>/rapport/<int:year>.pdf", views.report_pdf, name="report_pdf"),
    path("donnees-et-api/", views.api, name="api"),
    path("accessibilite/", views.information_page, {"page": "accessibility"}, name="accessibility"),
    path("mentions-legales/", views.information_page, {"page": "legal"}, name="legal"),
    path("donnees-personnelles/", views.information_page, {"page": "personal_data"}, name="personal_data"),
    path("indicateurs/", indicators.catalogue, name="indicators"),
]
