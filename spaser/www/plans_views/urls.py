from django.urls import path, re_path

from spaser.www.plans_views import (
    contract_tag_views,
    dashboard_views,
    follow_up_views,
    legal_views,
    partnership_views,
    publishing_views,
    report_views,
    views,
)
from spaser.www.plans_views.nodes import KINDS


app_name = "plans"

urlpatterns = [
    path("nouveau/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/modifier/", views.edit, name="edit"),
    path("<int:pk>/supprimer/", views.delete, name="delete"),
    path("<int:pk>/publier/", publishing_views.publish, name="publish"),
    path("<int:pk>/depublier/", publishing_views.unpublish, name="unpublish"),
    path("<int:pk>/partenaires/inviter/", partnership_views.invite, name="invite_partner"),
    path("partenariats/<int:pk>/", partnership_views.answer, name="partnership"),
    path("partenariats/<int:pk>/terminer/", partnership_views.end, name="end_partnership"),
    path("<int:pk>/pilotage/", dashboard_views.dashboard, name="dashboard"),
    path("<int:pk>/conformite/", legal_views.legal, name="legal"),
    path("<int:pk>/historique/", follow_up_views.scheme_history, name="history"),
    path("actions/<int:pk>/", follow_up_views.action_detail, name="action"),
    path("<int:pk>/pilotage/objectifs/<int:objective_pk>/<int:year>/", dashboard_views.contracts, name="contracts"),
    path(
        "<int:pk>/pilotage/objectifs/<int:objective_pk>/<int:year>/calcul/",
        dashboard_views.private_audit,
        name="audit",
    ),
    path(
        "<int:pk>/engagements/<int:engagement_pk>/marches/",
        contract_tag_views.engagement_contracts,
        name="engagement_contracts",
    ),
    path(
        "<int:pk>/engagements/<int:engagement_pk>/marches/<int:tag_pk>/retirer/",
        contract_tag_views.untag_contract,
        name="untag_contract",
    ),
    path("<int:pk>/marches/rattacher/", contract_tag_views.tag_contract, name="tag_contract"),
    path("<int:pk>/marches/rattacher/fichier/", contract_tag_views.import_tags, name="import_tags"),
    path("<int:pk>/marches/rattacher/modele.csv", contract_tag_views.tags_template, name="tags_template"),
    path("<int:pk>/rapport/<int:year>/", report_views.private_report, name="report"),
    path("<int:pk>/rapport/<int:year>.pdf", report_views.private_report_pdf, name="report_pdf"),
    re_path(rf"^(?P<kind>{KINDS})/(?P<parent_pk>\d+)/nouveau/$", views.create_node, name="create_node"),
    re_path(rf"^(?P<kind>{KINDS})/(?P<node_pk>\d+)/modifier/$", views.edit_node, name="edit_node"),
    re_path(rf"^(?P<kind>{KINDS})/(?P<node_pk>\d+)/supprimer/$", views.delete_node, name="delete_node"),
    re_path(rf"^(?P<kind>{KINDS})/(?P<node_pk>\d+)/deplacer/$", views.move_node, name="move_node"),
]
