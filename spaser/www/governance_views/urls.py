from django.urls import path

from spaser.www.governance_views import views


app_name = "governance"

urlpatterns = [
    path("<int:pk>/gouvernance/", views.index, name="index"),
    path("<int:pk>/gouvernance/comites/nouveau/", views.committee_create, name="committee_create"),
    path("<int:pk>/gouvernance/comites/<int:committee_pk>/modifier/", views.committee_edit, name="committee_edit"),
    path(
        "<int:pk>/gouvernance/comites/<int:committee_pk>/supprimer/", views.committee_delete, name="committee_delete"
    ),
    path("<int:pk>/gouvernance/comites/<int:committee_pk>/membres/ajouter/", views.member_add, name="member_add"),
    path(
        "<int:pk>/gouvernance/comites/<int:committee_pk>/membres/<int:member_pk>/supprimer/",
        views.member_delete,
        name="member_delete",
    ),
    path(
        "<int:pk>/gouvernance/comites/<int:committee_pk>/reunions/nouvelle/",
        views.meeting_create,
        name="meeting_create",
    ),
    path("<int:pk>/gouvernance/reunions/<int:meeting_pk>/", views.meeting, name="meeting"),
    path("<int:pk>/gouvernance/reunions/<int:meeting_pk>/modifier/", views.meeting_edit, name="meeting_edit"),
    path("<int:pk>/gouvernance/reunions/<int:meeting_pk>/supprimer/", views.meeting_delete, name="meeting_delete"),
    path(
        "<int:pk>/gouvernance/reunions/<int:meeting_pk>/decisions/nouvelle/",
        views.decision_create,
        name="decision_create",
    ),
    path("<int:pk>/gouvernance/decisions/<int:decision_pk>/modifier/", views.decision_edit, name="decision_edit"),
    path("<int:pk>/gouvernance/decisions/<int:decision_pk>/supprimer/", views.decision_delete, name="decision_delete"),
    path("<int:pk>/gouvernance/calendrier/<str:token>.ics", views.calendar, name="calendar"),
    path("<int:pk>/gouvernance/calendrier/renouveler/", views.calendar_renew, name="calendar_renew"),
]
