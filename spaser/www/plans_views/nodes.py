"""The four kinds of nodes of a scheme's tree, so that one set of views creates, edits, moves and deletes them."""

from dataclasses import dataclass

from django.db import models

from spaser.plans.models import Action, Axis, Engagement, Objective, Scheme
from spaser.www.plans_views.forms import ActionForm, AxisForm, EngagementForm, ObjectiveForm


@dataclass(frozen=True)
class Node:
    model: type[models.Model]
    form: type
    parent_model: type[models.Model]
    parent_field: str
    scheme_lookup: str  # from the node's parent to the scheme
    label: str  # "un axe", for titles
    siblings: str  # related name on the parent

    def scheme_of_parent(self, parent) -> Scheme:
        for attribute in self.scheme_lookup.split("__") if self.scheme_lookup else []:
            parent = getattr(parent, attribute)
        return parent


NODES = {
    "axes": Node(Axis, AxisForm, Scheme, "scheme", "", "un axe", "axes"),
    "engagements": Node(Engagement, EngagementForm, Axis, "axis", "scheme", "un engagement", "engagements"),
    "objectifs": Node(Objective, ObjectiveForm, Engagement, "engagement", "axis__scheme", "un objectif", "objectives"),
    "actions": Node(Action, ActionForm, Engagement, "engagement", "axis__scheme", "une action", "actions"),
}
KINDS = "|".join(NODES)
