"""Forms of the plan pages. They parse and offer choices; the services decide what is
allowed (their errors are put back on the fields)."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from socmap.fourp import MEANING, FourP
from socmap.orgs.models import Organisation, OrganisationKind, Role, User
from socmap.orgs.selectors import users_visible_to
from socmap.plans.rules import ActionStatus, GainAnswer, Outcome, Progress, ProposalKind
from socmap.threats.models import ArchiveReason, Tier

DATE = forms.DateInput(attrs={"type": "date"})
P_CHOICES = [(code, f"{label}: {MEANING[code]}") for code, label in FourP.choices]


def _partners():
    return Organisation.objects.filter(kind=OrganisationKind.PARTNER, is_active=True).order_by(
        "name"
    )


def _officers(user):
    return (
        users_visible_to(user, active=True)
        .exclude(roles__code=Role.INSPECTOR)
        .order_by("last_name", "first_name")
    )


class UserChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.display_name} ({obj.username})"


class PlanForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    review_interval_days = forms.IntegerField(
        label="Review interval (days)",
        required=False,
        help_text="Leave empty for the default interval of every plan.",
    )
    look_for = forms.CharField(
        label="What neighbourhood teams should look for",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Shown on the neighbourhood briefing: no names, no intelligence detail.",
    )
    reason = forms.CharField(label="Reason for the change", required=False, max_length=300)


class ObjectiveForm(forms.Form):
    category = forms.ChoiceField(
        label="4P category", choices=P_CHOICES, widget=forms.RadioSelect, required=False
    )
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)


class ObjectiveEditForm(forms.Form):
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    is_achieved = forms.BooleanField(label="Achieved", required=False)


class ActionForm(forms.Form):
    """Both owner fields are optional here: the service insists on exactly one."""

    category = forms.ChoiceField(
        label="4P category", choices=P_CHOICES, widget=forms.RadioSelect, required=False
    )
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    objective = forms.ModelChoiceField(
        label="Objective it serves", queryset=None, required=False, empty_label="None"
    )
    owner_user = UserChoice(
        label="Owner: an officer", queryset=User.objects.none(), required=False,
        empty_label="(a partner organisation owns it)",
    )  # fmt: skip
    owner_organisation = forms.ModelChoiceField(
        label="Owner: a partner organisation", queryset=None, required=False,
        empty_label="(an officer owns it)",
    )  # fmt: skip
    due_on = forms.DateField(label="Due date", widget=DATE, required=False)

    def __init__(self, *args, user, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["objective"].queryset = plan.objectives.filter(is_achieved=False)
        self.fields["owner_user"].queryset = _officers(user)
        self.fields["owner_organisation"].queryset = _partners()


class ActionEditForm(ActionForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    status = forms.ChoiceField(choices=ActionStatus.choices)
    outcome = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="Needed once the action is completed or cancelled.",
    )
    reason = forms.CharField(label="Reason for the change", required=False, max_length=300)


class ActionReportForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    """What an action's owner may change: its status and outcome."""

    status = forms.ChoiceField(choices=ActionStatus.choices)
    outcome = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="Needed once the action is completed or cancelled.",
    )


class PartnerForm(forms.Form):
    organisation = forms.ModelChoiceField(label="Partner agency", queryset=None, required=False)
    contribution = forms.CharField(
        label="What they bring to the plan", required=False, max_length=300
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = _partners()


class RemovePartnerForm(forms.Form):
    reason = forms.CharField(required=False, max_length=300)


class ReferralForm(forms.Form):
    partner = forms.ModelChoiceField(label="Partner agency", queryset=None, required=False)
    request = forms.CharField(
        label="What the partner agency is asked",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    referred_on = forms.DateField(label="Referred on", widget=DATE, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = _partners()
        self.fields["referred_on"].initial = timezone.localdate()


class AnswerForm(forms.Form):
    answer = forms.ChoiceField(
        choices=[(GainAnswer.HIT, "Hit"), (GainAnswer.NO_HIT, "No hit")],
        widget=forms.RadioSelect,
        required=False,
    )
    answered_on = forms.DateField(label="Answered on", widget=DATE, required=False)
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)


class ReviewForm(forms.Form):
    progress = forms.ChoiceField(choices=Progress.choices, widget=forms.RadioSelect, required=False)
    summary = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        help_text="Progress under each P, what changes, what comes next.",
    )
    held_on = forms.DateField(
        label="Date of the review",
        widget=DATE,
        required=False,
        help_text="Leave empty for today; give the date if the review meeting was earlier.",
    )
    next_review_due = forms.DateField(
        label="Next review",
        widget=DATE,
        required=False,
        help_text="Leave empty for one interval from today; you may bring it forward.",
    )


class ProposalForm(forms.Form):
    board = forms.ModelChoiceField(label="Tasking meeting", queryset=None, required=False)
    kind = forms.ChoiceField(label="Proposal", choices=ProposalKind.choices, required=False)
    tier = forms.ChoiceField(label="New tier", choices=[("", "—"), *Tier.choices], required=False)
    owner = forms.ModelChoiceField(label="New owner", queryset=None, required=False)
    lro = UserChoice(label="New LRO", queryset=User.objects.none(), required=False)
    archive_reason = forms.ChoiceField(
        label="Why archive",
        choices=[("", "—")] + [c for c in ArchiveReason.choices if c[0] != ArchiveReason.MERGED],
        required=False,
    )
    reason = forms.CharField(
        label="Why you propose it", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, user, boards, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["board"].queryset = boards
        self.fields["owner"].queryset = Organisation.objects.exclude(
            kind=OrganisationKind.PARTNER
        ).order_by("kind", "name")
        self.fields["lro"].queryset = users_visible_to(user, role=Role.LRO, active=True).order_by(
            "last_name"
        )


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(choices=Outcome.choices, widget=forms.RadioSelect, required=False)
    reason = forms.CharField(
        label="Reason for the decision", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
