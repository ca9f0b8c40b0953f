"""Forms for the lifetime management pages. They parse and offer choices; the statutory rules
(age, applicant, duration, start on release, custody) are checked by lifetime.services, whose
errors the views put back on these forms."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from socmap.lifetime.models import (
    CONDITION_DETAILS,
    Applicant,
    BreachOutcome,
    ConditionKind,
    Decision,
    OrderType,
)
from socmap.lifetime.rules import Court, CustodyType, OrderStatus
from socmap.lifetime.services import ConditionInput
from socmap.orgs.scoping import visible_to
from socmap.people.models import Nominal
from socmap.threats.selectors import threats_visible_to

REFERENCE_HELP = "A threat reference such as OCG-000012 (optional)."


def date_input(future: bool = False) -> forms.DateInput:
    attrs = {"type": "date"}
    if not future:
        attrs["max"] = timezone.localdate().isoformat()
    return forms.DateInput(attrs=attrs, format="%Y-%m-%d")


class NominalField(forms.IntegerField):
    """A person by socmap id, checked against what the user may see."""

    def __init__(self, *args, viewer=None, **kwargs):
        self.viewer = viewer
        kwargs.setdefault("min_value", 1)
        super().__init__(*args, **kwargs)

    def clean(self, value):
        number = super().clean(value)
        if number is None:
            return None
        nominal = visible_to(self.viewer, Nominal.objects.filter(pk=number)).first()
        if nominal is None:
            raise forms.ValidationError(f"There is no person with id {number} that you can see.")
        return nominal


class ThreatField(forms.CharField):
    def __init__(self, *args, viewer=None, **kwargs):
        self.viewer = viewer
        kwargs.setdefault("max_length", 40)
        super().__init__(*args, **kwargs)

    def clean(self, value):
        text = (super().clean(value) or "").strip()
        if not text:
            return None
        digits = text.rsplit("-", 1)[-1].lstrip("0")
        threat = None
        if digits.isdigit():
            threat = threats_visible_to(self.viewer).filter(pk=int(digits)).first()
        if threat is None:
            raise forms.ValidationError(f"There is no threat {text} that you can see.")
        return threat


def _types(current: str = ""):
    return OrderType.objects.filter(is_active=True) | OrderType.objects.filter(pk=current)


class DurationFields(forms.Form):
    """The ways a court gives an order's duration."""

    duration_months = forms.IntegerField(
        label="Duration in months",
        required=False,
        min_value=1,
        max_value=600,
        help_text="From the day it starts (or from release). Leave empty for an end date.",
    )
    ends_on = forms.DateField(
        label="Or: last day in force", required=False, widget=date_input(future=True)
    )
    until_further_order = forms.BooleanField(label="Or: until further order", required=False)


class OrderForm(DurationFields):
    nominal = NominalField(label="Person (socmap id)")
    order_type = forms.ModelChoiceField(queryset=OrderType.objects.none(), label="Type of order")
    applicant = forms.ModelChoiceField(queryset=Applicant.objects.all(), label="Applied for by")
    status = forms.ChoiceField(
        label="Stage",
        choices=[
            (OrderStatus.GRANTED, "The court has made the order"),
            (OrderStatus.APPLIED, "Applied for: the court has not decided yet"),
        ],
        initial=OrderStatus.GRANTED,
        widget=forms.RadioSelect,
    )
    applied_on = forms.DateField(
        label="Date of the application", required=False, widget=date_input()
    )
    decided_on = forms.DateField(
        label="Date the order was made", required=False, widget=date_input()
    )
    court = forms.ChoiceField(
        label="Court", required=False, choices=[("", "Choose the court"), *Court.choices]
    )
    court_reference = forms.CharField(
        label="Court or case reference", required=False, max_length=80
    )
    threat = ThreatField(label="Threat", required=False, help_text=REFERENCE_HELP)
    starts_on_release = forms.BooleanField(
        label="The court says it starts on release from custody", required=False
    )
    start_on = forms.DateField(
        label="Starts on (if not the day it was made)",
        required=False,
        widget=date_input(future=True),
    )
    notes = forms.CharField(
        required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    field_order = [
        "nominal",
        "order_type",
        "applicant",
        "status",
        "applied_on",
        "decided_on",
        "court",
        "court_reference",
        "threat",
        "starts_on_release",
        "start_on",
        "duration_months",
        "ends_on",
        "until_further_order",
        "notes",
    ]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nominal"].viewer = user
        self.fields["threat"].viewer = user
        self.fields["order_type"].queryset = OrderType.objects.filter(is_active=True)
        self.order_fields(self.field_order)

    def order_fields_for_service(self) -> dict:
        data = self.cleaned_data
        fields = {
            "nominal": data["nominal"],
            "order_type": data["order_type"],
            "applicant": data["applicant"],
            "status": data["status"],
            "applied_on": data["applied_on"],
            "court": data["court"],
            "court_reference": data["court_reference"],
            "threat": data["threat"],
            "notes": data["notes"],
        }
        if data["status"] == OrderStatus.GRANTED:
            fields.update(
                decided_on=data["decided_on"],
                starts_on_release=data["starts_on_release"],
                start_on=data["start_on"],
                duration_months=data["duration_months"],
                ends_on=data["ends_on"],
                until_further_order=data["until_further_order"],
            )
        return fields


DETAIL_FIELDS = sorted({key for details in CONDITION_DETAILS.values() for key, _ in details})
DETAIL_LABELS = {key: label for details in CONDITION_DETAILS.values() for key, label in details}


class ConditionForm(forms.Form):
    kind = forms.ChoiceField(
        label="Kind of condition",
        required=False,
        choices=[("", "Choose the kind"), *ConditionKind.choices],
    )
    wording = forms.CharField(
        label="Wording",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    associate = NominalField(
        label="Person not to associate with (socmap id, if recorded)", required=False
    )
    person = forms.CharField(label="Or their name", required=False, max_length=200)
    area = forms.CharField(label="Area or premises", required=False, max_length=200)
    from_time = forms.CharField(label="Curfew from (HH:MM)", required=False, max_length=5)
    to_time = forms.CharField(label="Curfew to (HH:MM)", required=False, max_length=5)
    where = forms.CharField(label="Report where", required=False, max_length=200)
    frequency = forms.CharField(label="How often", required=False, max_length=100)
    amount = forms.CharField(label="Amount (£)", required=False, max_length=20)
    due_on = forms.CharField(label="Pay by (YYYY-MM-DD)", required=False, max_length=10)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["associate"].viewer = user

    @property
    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not data.get("kind") and not (data.get("wording") or "").strip()

    def condition(self) -> ConditionInput:
        data = self.cleaned_data
        details = {key: data.get(key, "") for key in DETAIL_FIELDS}
        needed = {key for key, _ in CONDITION_DETAILS.get(data.get("kind"), ())}
        details = {k: v for k, v in details.items() if v and (k in needed or k == "person")}
        if data.get("kind") != "non_association":
            details.pop("person", None)
        return ConditionInput(
            kind=data.get("kind") or "",
            wording=data.get("wording") or "",
            details=details,
            associate=data.get("associate"),
        )


class BaseConditionFormSet(forms.BaseFormSet):
    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "user": self.user}

    def conditions(self) -> list[ConditionInput]:
        return [f.condition() for f in self.forms if f.is_valid() and not f.is_blank]


ConditionFormSet = forms.formset_factory(
    ConditionForm, formset=BaseConditionFormSet, extra=3, max_num=40
)


def condition_formset(request, prefix: str = "conditions") -> BaseConditionFormSet:
    data = request.POST if request.method == "POST" else None
    return ConditionFormSet(data, prefix=prefix, user=request.user)


class GrantForm(DurationFields):
    decided_on = forms.DateField(label="Date the order was made", widget=date_input())
    court = forms.ChoiceField(
        label="Court", required=False, choices=[("", "As in the application"), *Court.choices]
    )
    starts_on_release = forms.BooleanField(
        label="The court says it starts on release from custody", required=False
    )
    start_on = forms.DateField(
        label="Starts on (if not the day it was made)",
        required=False,
        widget=date_input(future=True),
    )
    note = forms.CharField(
        label="Note", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )


class RefuseForm(forms.Form):
    decided_on = forms.DateField(label="Date of the decision", widget=date_input())
    reason = forms.CharField(
        label="Why the court refused it", max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class VaryForm(forms.Form):
    varied_on = forms.DateField(label="Date of the variation", widget=date_input())
    reason = forms.CharField(
        label="What the court varied and why",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    duration_months = forms.IntegerField(
        label="New duration in months (from the original start)",
        required=False,
        min_value=1,
        max_value=600,
    )
    ends_on = forms.DateField(
        label="Or: new last day in force", required=False, widget=date_input(future=True)
    )
    until_further_order = forms.BooleanField(label="Or: now until further order", required=False)
    remove_conditions = forms.MultipleChoiceField(
        label="Conditions the court removed",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, order, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["remove_conditions"].choices = [
            (str(c.pk), f"{c.get_kind_display()}: {c.wording[:80]}")
            for c in order.current_conditions
        ]

    def duration_changes(self) -> dict:
        data = self.cleaned_data
        changes = {}
        if data.get("duration_months"):
            changes["duration_months"] = data["duration_months"]
        if data.get("ends_on"):
            changes["ends_on"] = data["ends_on"]
        if data.get("until_further_order"):
            changes["until_further_order"] = True
        return changes


class DischargeForm(forms.Form):
    discharged_on = forms.DateField(label="Date of the discharge", widget=date_input())
    reason = forms.CharField(
        label="Why it was discharged", max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class BreachForm(forms.Form):
    occurred_on = forms.DateField(label="Date of the breach", widget=date_input())
    description = forms.CharField(max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
    conditions = forms.MultipleChoiceField(
        label="Conditions breached", required=False, widget=forms.CheckboxSelectMultiple
    )
    outcome = forms.ModelChoiceField(queryset=BreachOutcome.objects.all(), label="What followed")
    record_as_disruption = forms.BooleanField(
        label="Record the action as a disruption now (analysts and LROs)",
        required=False,
        help_text="It is recorded as a draft against the person's threats, for you to grade "
        "and submit. Otherwise it waits for an analyst or LRO.",
    )

    def __init__(self, *args, order, may_record_disruption: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["conditions"].choices = [
            (str(c.pk), f"{c.get_kind_display()}: {c.wording[:80]}")
            for c in order.current_conditions
        ]
        if not may_record_disruption:
            del self.fields["record_as_disruption"]


class CustodyForm(forms.Form):
    nominal = NominalField(label="Person (socmap id)")
    custody_type = forms.ChoiceField(
        label="Custody", choices=CustodyType.choices, widget=forms.RadioSelect
    )
    started_on = forms.DateField(label="Sentenced or remanded on", widget=date_input())
    sentence_months = forms.IntegerField(
        label="Sentence in months", required=False, min_value=1, max_value=600
    )
    indeterminate = forms.BooleanField(label="Life or indeterminate sentence", required=False)
    establishment = forms.CharField(label="Prison or establishment", required=False, max_length=120)
    offence = forms.CharField(required=False, max_length=200)
    expected_release_on = forms.DateField(
        label="Expected release", required=False, widget=date_input(future=True)
    )
    released_on = forms.DateField(
        label="Released on (if already released)", required=False, widget=date_input()
    )
    notes = forms.CharField(
        required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, user, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nominal"].viewer = user
        if editing:
            del self.fields["nominal"]
            self.fields["reason"] = forms.CharField(
                label="Why are you changing it?", required=False, max_length=500
            )

    def custody_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("nominal", None)
        data.pop("reason", None)
        return data


class ReleaseForm(forms.Form):
    released_on = forms.DateField(label="Released on", widget=date_input())
    note = forms.CharField(label="Note", required=False, max_length=500)


class ConsiderForm(forms.Form):
    decision = forms.ChoiceField(choices=Decision.choices, widget=forms.RadioSelect)
    order_type = forms.ModelChoiceField(
        queryset=OrderType.objects.filter(is_active=True, new_applications=True),
        label="Order to apply for",
        required=False,
    )
    reason = forms.CharField(
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Why: this is kept and shown to inspectors.",
    )
    decided_on = forms.DateField(label="Date of the decision", required=False, widget=date_input())
    review_on = forms.DateField(label="Review on", required=False, widget=date_input(future=True))
    threat = ThreatField(label="Threat", required=False, help_text=REFERENCE_HELP)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["threat"].viewer = user
