from django.urls import path

from spaser.www.governance_views import questionnaire_views, views


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

urlpatterns += [
    path("<int:pk>/questionnaires/", questionnaire_views.index, name="questionnaires"),
    path("<int:pk>/questionnaires/nouveau/", questionnaire_views.project_create, name="project_create"),
    path("<int:pk>/questionnaires/<int:project_pk>/modifier/", questionnaire_views.project_edit, name="project_edit"),
    path(
        "<int:pk>/questionnaires/<int:project_pk>/supprimer/",
        questionnaire_views.project_delete,
        name="project_delete",
    ),
    path(
        "<int:pk>/questionnaires/<int:project_pk>/marche/",
        questionnaire_views.project_contract,
        name="project_contract",
    ),
    path(
        "<int:pk>/questionnaires/<int:project_pk>/marche/retirer/",
        questionnaire_views.project_unlink,
        name="project_unlink",
    ),
    path("<int:pk>/questionnaires/questions/nouvelle/", questionnaire_views.question_create, name="question_create"),
    path(
        "<int:pk>/questionnaires/questions/<int:question_pk>/modifier/",
        questionnaire_views.question_edit,
        name="question_edit",
    ),
    path(
        "<int:pk>/questionnaires/questions/<int:question_pk>/supprimer/",
        questionnaire_views.question_delete,
        name="question_delete",
    ),
]
