"""Committees, members, meetings and decisions of a scheme: anything of another scheme or organisation is refused
with a French error on its field."""

from django import forms

from spaser.governance import rules
from spaser.governance.decisions import NewAction
from spaser.governance.models import Committee, CommitteeMember, Decision, Meeting
from spaser.plans.models import ActionStatus, Engagement, Scheme
from spaser.www.forms import DsfrModelForm
from spaser.www.plans_views.forms import DateInput


class CommitteeForm(DsfrModelForm):
    class Meta:
        model = Committee
        fields = ["name", "kind", "frequency"]
        help_texts = {
            "name": "Par exemple « Comité technique achats responsables ».",
            "frequency": "Sert à calculer la date de la prochaine réunion, à partir de la première.",
        }


class MemberForm(DsfrModelForm):
    """A user of the scheme's organisations, or a person outside the platform: one or the other."""

    user = forms.ModelChoiceField(
        None,
        label="Membre de la plateforme",
        required=False,
        empty_label="Personne extérieure à la plateforme (remplir les champs ci-dessous)",
        help_text="Les membres de l'organisation porteuse et des organisations partenaires.",
        error_messages={"invalid_choice": rules.OUTSIDE_USER},
    )

    class Meta:
        model = CommitteeMember
        fields = ["user", "name", "organisation_name", "email"]
        labels = {"name": "Nom et prénom de la personne extérieure", "organisation_name": "Son organisation"}
        help_texts = {"organisation_name": "Par exemple « CRESS », « ADEME », « Maison de l'emploi »."}

    def __init__(self, *args, committee: Committee, **kwargs):
        super().__init__(*args, instance=CommitteeMember(committee=committee), **kwargs)
        self.committee = committee
        self.fields["user"].queryset = rules.scheme_users(committee.scheme).order_by("email")
        self.fields["user"].label_from_instance = lambda user: f"{user.get_full_name()} ({user.email})".lstrip()

    def clean_user(self):
        user = self.cleaned_data["user"]
        if user and self.committee.members.filter(user=user).exists():
            raise forms.ValidationError("Cette personne siège déjà dans ce comité.")
        return user

    def clean(self):
        cleaned = super().clean()
        user, name = cleaned.get("user"), cleaned.get("name", "").strip()
        if "user" in self.errors:
            return cleaned
        if user and (name or cleaned.get("organisation_name") or cleaned.get("email")):
            self.add_error(
                "name", "Un membre de la plateforme n'a pas besoin de nom ni d'organisation : videz ces champs."
            )
        elif not user and not name:
            self.add_error(
                "name", "Choisissez un membre de la plateforme, ou indiquez le nom de la personne extérieure."
            )
        return cleaned


class TimeInput(forms.TimeInput):
    input_type = "time"


class MeetingForm(DsfrModelForm):
    class Meta:
        model = Meeting
        fields = ["date", "start_time", "place", "attendees", "minutes"]
        widgets = {
            "date": DateInput(format="%Y-%m-%d"),
            "start_time": TimeInput(format="%H:%M"),
            "attendees": forms.CheckboxSelectMultiple,
            "minutes": forms.Textarea(attrs={"rows": 8}),
        }
        labels = {"attendees": "Présents"}
        help_texts = {
            "attendees": "Cochez les membres du comité présents à la réunion (une fois celle-ci tenue).",
            "minutes": "Le relevé de la réunion ; les décisions s'ajoutent ensuite, une par une.",
        }

    def __init__(self, *args, committee: Committee, **kwargs):
        kwargs.setdefault("instance", Meeting(committee=committee))
        super().__init__(*args, **kwargs)
        self.committee = committee
        self.fields["attendees"].queryset = committee.members.select_related("user")
        self.fields["attendees"].error_messages["invalid_choice"] = (
            "Choisissez les présents parmi les membres du comité."
        )

    def clean_date(self):
        date = self.cleaned_data["date"]
        if error := rules.check_meeting_date(self.committee.scheme, date):
            raise forms.ValidationError(error)
        return date


class DecisionForm(DsfrModelForm):
    """A decision, the objectives and actions of the same scheme it concerns, and what it does to those actions;
    optionally a new action of one of the scheme's engagements."""

    new_action_title = forms.CharField(
        label="Nouvelle action créée par la décision : intitulé",
        required=False,
        max_length=255,
        help_text="Facultatif. Créée « à lancer », avec l'échéance de la décision.",
    )
    new_action_engagement = forms.ModelChoiceField(
        None,
        label="Engagement de la nouvelle action",
        required=False,
        error_messages={"invalid_choice": rules.OTHER_SCHEME_ENGAGEMENT},
    )
    new_action_owner = forms.CharField(label="Direction pilote de la nouvelle action", required=False, max_length=255)

    class Meta:
        model = Decision
        fields = ["text", "owner", "deadline", "status", "objectives", "actions", "action_status", "action_due_date"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 3}),
            "deadline": DateInput(format="%Y-%m-%d"),
            "action_due_date": DateInput(format="%Y-%m-%d"),
            "objectives": forms.CheckboxSelectMultiple,
            "actions": forms.CheckboxSelectMultiple,
        }
        labels = {
            "objectives": "Objectifs concernés",
            "actions": "Actions concernées",
            "action_status": "Nouvel état des actions concernées",
            "action_due_date": "Nouvelle échéance des actions concernées",
        }
        help_texts = {
            "owner": "Un membre du comité (de la plateforme ou extérieur).",
            "action_status": "Laissez vide pour ne pas changer leur état.",
            "action_due_date": "Laissez vide pour garder leurs échéances.",
        }

    def __init__(self, *args, meeting: Meeting, **kwargs):
        kwargs.setdefault("instance", Decision(meeting=meeting))
        super().__init__(*args, **kwargs)
        scheme: Scheme = meeting.committee.scheme
        self.fields["owner"].queryset = meeting.committee.members.select_related("user")
        self.fields["owner"].error_messages["invalid_choice"] = rules.OTHER_COMMITTEE_MEMBER
        self.fields["objectives"].queryset = rules.scheme_objectives(scheme)
        self.fields["objectives"].error_messages["invalid_choice"] = rules.OTHER_SCHEME_OBJECTIVE
        self.fields["actions"].queryset = rules.scheme_actions(scheme)
        self.fields["actions"].error_messages["invalid_choice"] = rules.OTHER_SCHEME_ACTION
        self.fields["action_status"].choices = [("", "Inchangé"), *ActionStatus.choices]
        self.fields["new_action_engagement"].queryset = Engagement.objects.filter(axis__scheme=scheme)
        if self.instance.created_action_id:  # the action exists: it is edited on the scheme's page
            for name in ("new_action_title", "new_action_engagement", "new_action_owner"):
                del self.fields[name]

    def clean(self):
        cleaned = super().clean()
        if "new_action_title" not in self.fields:
            return cleaned
        title = cleaned.get("new_action_title", "").strip()
        if title or cleaned.get("new_action_engagement") or cleaned.get("new_action_owner"):
            for name, missing in (
                ("new_action_title", "Donnez un intitulé à la nouvelle action."),
                ("new_action_engagement", "Choisissez l'engagement de la nouvelle action."),
                ("new_action_owner", "Indiquez la direction pilote de la nouvelle action."),
            ):
                if not cleaned.get(name) and name not in self.errors:
                    self.add_error(name, missing)
        return cleaned

    def new_action(self) -> NewAction | None:
        if not self.cleaned_data.get("new_action_title"):
            return None
        return NewAction(
            self.cleaned_data["new_action_engagement"],
            self.cleaned_data["new_action_title"].strip(),
            self.cleaned_data["new_action_owner"].strip(),
        )
