"""Forms for restricting records and for the reason asked before a restricted record opens."""

from __future__ import annotations

from django import forms

from socmap.orgs.models import Team, User
from socmap.orgs.selectors import users_visible_to

REASON_HELP = (
    "Why you need this record now (for example the tasking, enquiry or briefing). "
    "It is kept in the audit trail with your name and the time."
)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, help_text=REASON_HELP
    )
    next = forms.CharField(widget=forms.HiddenInput, required=False, max_length=2000)


class _People(forms.Form):
    people = forms.ModelMultipleChoiceField(
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Only the people named here, and the members of the teams named below, will "
        "see the record. You are named yourself.",
    )
    teams = forms.ModelMultipleChoiceField(
        queryset=Team.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text="Why the restriction is needed or changed; audited.",
    )

    def __init__(self, *args, user, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["people"].queryset = (
            users_visible_to(user, active=True)
            .filter(organisation=organisation)
            .order_by("last_name", "first_name", "username")
        )
        self.fields["teams"].queryset = Team.objects.filter(organisation=organisation)


class RestrictForm(_People):
    name = forms.CharField(
        max_length=120, label="Operation or reason", help_text="For example 'Operation Kestrel'."
    )
    field_order = ["name", "people", "teams", "reason"]


class ChangeRestrictionForm(_People):
    pass


class LiftForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text="Why everyone in scope may now see the record; audited.",
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        max_length=20,
        label="Code",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        help_text="The six digits your authenticator app shows now, or a recovery code.",
    )
    next = forms.CharField(widget=forms.HiddenInput, required=False, max_length=2000)


class RequirementForm(forms.Form):
    role = forms.ChoiceField(
        choices=[("", "Everyone")],
        required=False,
        help_text="Leave as 'Everyone' to require it of every user of the organisation.",
    )

    def __init__(self, *args, **kwargs):
        from socmap.orgs.models import Role

        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [("", "Everyone"), *Role.CHOICES]


class AdminReasonForm(forms.Form):
    reason = forms.CharField(
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Why (audited), e.g. 'identity checked by phone'.",
    )
