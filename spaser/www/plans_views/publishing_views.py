"""Publishing a scheme: the checklist and a preview of its public page for its editors, publish and unpublish for
its administrators (see spaser.plans.publishing)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from spaser.indicators.readers import StoreUnavailable
from spaser.organisations.models import Role
from spaser.organisations.permissions import require_role, role_in
from spaser.plans import publishing, steering
from spaser.plans.access import require_edit
from spaser.www.plans_views.dashboard_views import dashboard_context, private_scheme
from spaser.www.unavailable import unavailable


TEMPLATE = "plans/publish.html"
PUBLISHERS = {Role.ADMIN}


def publish(request, pk: int):
    scheme = private_scheme(request, pk)
    require_edit(request.user, scheme)
    refused = None
    if request.method == "POST":
        require_role(request.user, scheme.organisation, PUBLISHERS)
        if scheme.is_public:
            messages.info(request, "Ce SPASER est déjà publié.")
            return redirect(scheme)
        try:
            publishing.publish(scheme)
        except publishing.PublishingRefused as error:
            refused = str(error)
        else:
            messages.success(request, "SPASER publié : sa page publique est visible de tous, sans connexion.")
            return redirect(scheme)
    items = publishing.checklist(scheme)
    # The dashboard body with the private drill-down links: the public ones answer 404 until the scheme is published.
    context = dashboard_context(scheme, public=False) | {
        "title": f"Erreur : Publier « {scheme.title} »" if refused else f"Publier « {scheme.title} »",
        "checklist": items,
        "missing": publishing.missing(items),
        "refused": refused,
        "may_publish": role_in(request.user, scheme.organisation) in PUBLISHERS,
    }
    try:
        steering.require_store(scheme)
        response = render(request, TEMPLATE, context)
    except StoreUnavailable as error:
        response = unavailable(request, TEMPLATE, {**context, "body": None}, error)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@require_POST
def unpublish(request, pk: int):
    scheme = private_scheme(request, pk)
    require_edit(request.user, scheme)
    require_role(request.user, scheme.organisation, PUBLISHERS)
    if scheme.is_public:
        publishing.unpublish(scheme)
        messages.success(
            request, "SPASER dépublié : sa page publique, son document et l'API ne le montrent plus. Il reste adopté."
        )
    return redirect(scheme)
