"""Forms for the people pages. They only parse input; the rules (dates of birth, PNC IDs,
duplicates, who may do what) are checked by people.services, whose errors the views put
back on these forms."""

from __future__ import annotations

import re

from django import forms

from socmap.orgs.models import Organisation, OrganisationKind
from socmap.orgs.scoping import organisations_in_scope
from socmap.people.models import (
    INVERSE_LABELS,
    AliasKind,
    AssociationKind,
    Gender,
    IdentifierKind,
)
from socmap.people.selectors import visible_nominal

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
PERSON_ID = re.compile(r"^\s*#?\s*(\d+)\s*$")
INVERSE_PREFIX = "by:"


def relation_choices() -> list[tuple[str, str]]:
    """How this person relates to the other, in both directions: "Supplies" records this
    person as the source, "Supplied by" as the target."""
    choices = []
    for kind in AssociationKind:
        choices.append((kind.value, kind.label))
        if kind in INVERSE_LABELS:
            choices.append((INVERSE_PREFIX + kind.value, INVERSE_LABELS[kind]))
    return choices


def split_relation(relation: str) -> tuple[str, bool]:
    """``(kind, outgoing)`` for a value of :func:`relation_choices`."""
    if relation.startswith(INVERSE_PREFIX):
        return relation[len(INVERSE_PREFIX) :], False
    return relation, True


class NominalIdField(forms.CharField):
    """Another person, by their socmap id, checked against what the user may see."""

    def __init__(self, *args, viewer=None, **kwargs):
        self.viewer = viewer
        kwargs.setdefault("max_length", 12)
        super().__init__(*args, **kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.update({"inputmode": "numeric", "autocomplete": "off", "size": 12})
        return attrs

    def clean(self, value):
        text = super().clean(value)
        if not text:
            return None
        match = PERSON_ID.match(text)
        if match is None:
            raise forms.ValidationError(f"'{text}' is not a person's id (a whole number).")
        nominal = visible_nominal(self.viewer, match.group(1))
        if nominal is None:
            raise forms.ValidationError(
                f"There is no person with id {match.group(1)} that you can see."
            )
        return nominal


class NominalForm(forms.Form):
    """Recording a person, or changing their details (``editing=True``)."""

    owner = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        label="Recorded by",
        help_text="The organisation that owns this record.",
    )
    surname = forms.CharField(max_length=100, help_text="Use UNKNOWN if the surname is not known.")
    forenames = forms.CharField(max_length=150, required=False)
    date_of_birth = forms.DateField(required=False, widget=DATE_INPUT, label="Date of birth")
    gender = forms.ChoiceField(choices=Gender.choices, initial=Gender.UNKNOWN)
    nationality = forms.CharField(max_length=60, required=False)
    pnc_id = forms.CharField(
        max_length=20,
        required=False,
        label="PNC ID",
        help_text="For example 19/123456A or 2019/123456A.",
    )
    aliases = forms.CharField(
        max_length=1000,
        required=False,
        help_text="Other names the person is known by; separate several with semicolons.",
    )
    foreign_national = forms.BooleanField(required=False, label="Foreign national")
    iom = forms.BooleanField(required=False, label="Integrated Offender Management (IOM)")
    mappa = forms.BooleanField(required=False, label="MAPPA")
    vulnerable = forms.BooleanField(required=False, label="Vulnerable or exploited person")
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False)
    reason = forms.CharField(
        max_length=500,
        required=False,
        label="Reason for the change",
        help_text="Kept in the audit trail.",
    )

    def __init__(self, *args, viewer, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["owner"]
            del self.fields["aliases"]
            return
        del self.fields["reason"]
        owners = organisations_in_scope(viewer).exclude(kind=OrganisationKind.PARTNER)
        self.fields["owner"].queryset = owners.order_by("name")
        self.fields["owner"].initial = viewer.organisation_id
        if owners.count() <= 1:
            # Nothing to choose: the person is recorded for the user's own organisation.
            del self.fields["owner"]

    def nominal_fields(self) -> dict:
        data = dict(self.cleaned_data)
        for key in ("owner", "aliases", "reason"):
            data.pop(key, None)
        return data

    def alias_list(self) -> list[str]:
        return [a.strip() for a in self.cleaned_data.get("aliases", "").split(";") if a.strip()]


class AliasForm(forms.Form):
    name = forms.CharField(max_length=200, label="Alias")
    kind = forms.ChoiceField(choices=AliasKind.choices, initial=AliasKind.ALIAS, label="Kind")


class IdentifierForm(forms.Form):
    kind = forms.ChoiceField(choices=IdentifierKind.choices, label="Kind of identifier")
    value = forms.CharField(max_length=120, label="Identifier")


class AddressForm(forms.Form):
    line = forms.CharField(max_length=200, label="Address", help_text="House and street.")
    town = forms.CharField(max_length=80, required=False)
    postcode = forms.CharField(max_length=10, required=False)
    force = forms.ModelChoiceField(
        queryset=Organisation.objects.filter(kind=OrganisationKind.FORCE).order_by("name"),
        required=False,
        label="Force area",
    )
    local_area = forms.CharField(max_length=80, required=False, label="Local area")
    from_date = forms.DateField(required=False, widget=DATE_INPUT, label="Lived there from")
    to_date = forms.DateField(
        required=False,
        widget=DATE_INPUT,
        label="Lived there until",
        help_text="Leave empty for a current address.",
    )


class LinkForm(forms.Form):
    relation = forms.ChoiceField(
        choices=relation_choices,
        label="How this person is linked to the other",
        help_text="Read as: this person … the other person (for example 'Exploited by').",
    )
    other = NominalIdField(
        label="The other person's id",
        help_text="Their socmap id, shown on their page; use the search below to find it.",
    )
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    from_date = forms.DateField(required=False, widget=DATE_INPUT, label="Known since")
    to_date = forms.DateField(required=False, widget=DATE_INPUT, label="Ended on")

    def __init__(self, *args, viewer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["other"].viewer = viewer


class UnlinkForm(forms.Form):
    reason = forms.CharField(
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Why is the association being removed?",
        help_text="Kept in the audit trail.",
    )


class MergeForm(forms.Form):
    survivor = NominalIdField(
        label="Merge into the person with id",
        help_text="The record to show this person as; both records are kept as they are.",
    )
    reason = forms.CharField(
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Why are they the same person?",
        help_text="Kept with the merge and in the audit trail.",
    )
    confirm_different_dates_of_birth = forms.BooleanField(
        required=False,
        label="I have checked: they are the same person although the dates of birth differ",
    )

    def __init__(self, *args, viewer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["survivor"].viewer = viewer


class UnmergeForm(forms.Form):
    reason = forms.CharField(
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Why is the merge being undone?",
        help_text="Kept with the merge and in the audit trail.",
    )


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("confirm", "Same person: merge them"), ("reject", "Different people")],
        widget=forms.RadioSelect,
        label="Your decision",
    )
    keep = forms.ChoiceField(
        choices=[("left", "The first record"), ("right", "The second record")],
        initial="left",
        widget=forms.RadioSelect,
        required=False,
        label="Show them as",
    )
    reason = forms.CharField(
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Reason",
        help_text="Kept with the decision and in the audit trail.",
    )
    confirm_different_dates_of_birth = forms.BooleanField(
        required=False,
        label="I have checked: they are the same person although the dates of birth differ",
    )

    def __init__(self, *args, candidate=None, **kwargs):
        super().__init__(*args, **kwargs)
        if candidate is not None:
            self.fields["keep"].choices = [
                ("left", f"{candidate.left} ({candidate.left.owner.name}, id {candidate.left_id})"),
                (
                    "right",
                    f"{candidate.right} ({candidate.right.owner.name}, id {candidate.right_id})",
                ),
            ]


class FindDuplicatesForm(forms.Form):
    threshold = forms.FloatField(
        min_value=0.5,
        max_value=0.999,
        initial=0.9,
        label="Least match probability to review",
        help_text="Between 0.5 and 0.999; pairs at or above it go to the queue.",
    )
