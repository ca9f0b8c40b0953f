"""Forms for the intelligence pages. They parse and offer choices; the rules (gradings on the
right scale, conditions for handling code C, clearance, sanitisation, who may share what) are
checked by intel.services, whose errors the views put back on these forms."""

from __future__ import annotations

import re

from django import forms
from django.utils import timezone

from socmap.intel.models import (
    AcroResult,
    ClearanceLevel,
    DeclineReason,
    ReporterSector,
    SourceType,
)
from socmap.intel.rules import (
    HANDLING_3X5X2,
    HANDLING_5X5X5,
    INTELLIGENCE_3X5X2,
    INTELLIGENCE_5X5X5,
    SOURCE_3X5X2,
    SOURCE_5X5X5,
    Classification,
    GradingSystem,
)
from socmap.orgs.models import Organisation, OrganisationKind, User
from socmap.orgs.scoping import organisations_in_scope, visible_to
from socmap.people.models import Nominal
from socmap.threats.models import CrimeType, ThreatKind, Tier
from socmap.threats.selectors import threats_visible_to

SEPARATORS = re.compile(r"[\s,;]+")


def date_input() -> forms.DateInput:
    return forms.DateInput(
        attrs={"type": "date", "max": timezone.localdate().isoformat()}, format="%Y-%m-%d"
    )


class NominalIdsField(forms.CharField):
    def __init__(self, *args, viewer=None, **kwargs):
        self.viewer = viewer
        kwargs.setdefault("max_length", 400)
        super().__init__(*args, **kwargs)

    def clean(self, value):
        found = []
        for part in SEPARATORS.split(super().clean(value) or ""):
            if not part:
                continue
            if not part.isdigit():
                raise forms.ValidationError(f"'{part}' is not a person's id (a whole number).")
            nominal = visible_to(self.viewer, Nominal.objects.filter(pk=int(part))).first()
            if nominal is None:
                raise forms.ValidationError(f"There is no person with id {part} that you can see.")
            found.append(nominal)
        return list(dict.fromkeys(found))


class ThreatReferencesField(forms.CharField):
    def __init__(self, *args, viewer=None, single: bool = False, **kwargs):
        self.viewer = viewer
        self.single = single
        kwargs.setdefault("max_length", 400)
        super().__init__(*args, **kwargs)

    def clean(self, value):
        found = []
        for part in SEPARATORS.split(super().clean(value) or ""):
            if not part:
                continue
            digits = part.rsplit("-", 1)[-1].lstrip("0")
            threat = None
            if digits.isdigit():
                threat = threats_visible_to(self.viewer).filter(pk=int(digits)).first()
            if threat is None:
                raise forms.ValidationError(f"There is no threat {part} that you can see.")
            found.append(threat)
        found = list(dict.fromkeys(found))
        if self.single:
            if len(found) > 1:
                raise forms.ValidationError("Give one threat.")
            return found[0] if found else None
        return found


def _scale_help(scale: dict) -> str:
    return "; ".join(f"{k} {v.lower()}" for k, v in scale.items())


class GradingFields(forms.Form):
    grading_system = forms.ChoiceField(
        label="Grading system",
        choices=GradingSystem.choices,
        widget=forms.RadioSelect,
        initial=GradingSystem.G3X5X2,
        help_text="3x5x2 for current intelligence; 5x5x5 only for historic records.",
    )
    source_evaluation = forms.CharField(
        label="Source evaluation",
        max_length=1,
        help_text=f"3x5x2: {_scale_help(SOURCE_3X5X2)}. 5x5x5: {_scale_help(SOURCE_5X5X5)}.",
    )
    intelligence_assessment = forms.CharField(
        label="Intelligence assessment",
        max_length=1,
        help_text=f"3x5x2: {_scale_help(INTELLIGENCE_3X5X2)}. "
        f"5x5x5: {_scale_help(INTELLIGENCE_5X5X5)}.",
    )
    handling_code = forms.CharField(
        label="Handling code",
        max_length=1,
        help_text=f"3x5x2: {_scale_help(HANDLING_3X5X2)}. 5x5x5: {_scale_help(HANDLING_5X5X5)}.",
    )
    handling_conditions = forms.CharField(
        label="Handling conditions",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Required with handling code C: the conditions on sharing, in writing.",
    )
    classification = forms.ChoiceField(
        label="Government Security Classification",
        choices=Classification.choices,
        initial=Classification.OFFICIAL_SENSITIVE,
    )


class ReportForm(GradingFields):
    reported_on = forms.DateField(label="Date of the report", widget=date_input())
    source_type = forms.ChoiceField(label="Kind of source", choices=SourceType.choices)
    source_organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.filter(is_active=True),
        required=False,
        label="Source organisation",
        help_text="The organisation the intelligence came from.",
    )
    text = forms.CharField(
        label="The report",
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Mark source-identifying detail [[between double square brackets]]: it "
        "cannot survive into a sanitised copy.",
    )
    source_identifying = forms.CharField(
        label="Other source-identifying phrases",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="One per line.",
    )
    nominals = NominalIdsField(label="People (socmap ids)", required=False)
    threats = ThreatReferencesField(
        label="Threats", required=False, help_text="References such as OCG-000012."
    )
    external_reference = forms.CharField(
        label="Reference on the force system", required=False, max_length=60
    )
    field_order = [
        "reported_on",
        "source_type",
        "source_organisation",
        "text",
        "source_identifying",
        "grading_system",
        "source_evaluation",
        "intelligence_assessment",
        "handling_code",
        "handling_conditions",
        "classification",
        "nominals",
        "threats",
        "external_reference",
    ]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nominals"].viewer = user
        self.fields["threats"].viewer = user
        self.order_fields(self.field_order)


class RegradeForm(GradingFields):
    reason = forms.CharField(
        label="Why it is re-graded", max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )


class SanitiseForm(forms.Form):
    text = forms.CharField(
        label="Sanitised text",
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Drafted from the original with the marked passages removed: check and edit.",
    )
    classification = forms.ChoiceField(
        label="Classification of the copy", choices=Classification.choices
    )
    handling_conditions = forms.CharField(
        label="Handling conditions",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ShareCopyForm(forms.Form):
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.filter(is_active=True).order_by("kind", "name"),
        label="Share with",
    )
    conditions = forms.CharField(
        label="Further conditions (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ClearanceForm(forms.Form):
    user = forms.ModelChoiceField(queryset=User.objects.none(), label="User")
    level = forms.ChoiceField(choices=ClearanceLevel.choices, label="Cleared to read")
    vetting = forms.CharField(
        required=False,
        max_length=60,
        help_text="The vetting it rests on, e.g. 'SC, renewed 2025-11'.",
    )
    expires_on = forms.DateField(label="Until", widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(max_length=5000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = (
            User.objects.filter(is_active=True, organisation__in=organisations_in_scope(user))
            .exclude(organisation__kind=OrganisationKind.PARTNER)
            .exclude(pk=user.pk)
            .order_by("last_name", "first_name")
        )


class RevokeForm(forms.Form):
    reason = forms.CharField(max_length=5000, label="Why the clearance is withdrawn")


class TriggerForm(forms.Form):
    title = forms.CharField(max_length=200)
    summary = forms.CharField(
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="What is known, and why it may be serious and organised crime.",
    )
    suggested_kind = forms.ChoiceField(
        label="It looks like", required=False, choices=[("", "Not sure"), *ThreatKind.choices]
    )
    crime_type = forms.ModelChoiceField(
        queryset=CrimeType.objects.filter(is_active=True), required=False, label="Crime type"
    )
    people_named = forms.CharField(
        label="People named",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    nominals = NominalIdsField(label="People already in socmap (ids)", required=False)
    area = forms.CharField(label="Where", required=False, max_length=200)
    to = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        required=False,
        label="Send to",
        help_text="Usually the ROCU of your region, which assesses threats for its forces.",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nominals"].viewer = user
        self.fields["to"].queryset = Organisation.objects.filter(
            is_active=True,
            kind__in=[OrganisationKind.ROCU, OrganisationKind.FORCE, OrganisationKind.NATIONAL],
        ).order_by("kind", "name")
        if user.organisation and user.organisation.kind == OrganisationKind.PARTNER:
            del self.fields["nominals"]


class AcceptNewForm(forms.Form):
    name = forms.CharField(max_length=200, label="Name of the threat")
    kind = forms.ChoiceField(choices=ThreatKind.choices)
    crime_type = forms.ModelChoiceField(
        queryset=CrimeType.objects.filter(is_active=True), label="Predominant crime type"
    )
    tier = forms.ChoiceField(choices=Tier.choices, initial=Tier.LOCAL)
    subject = forms.IntegerField(
        label="Subject (socmap id, for a priority individual)", required=False, min_value=1
    )
    note = forms.CharField(required=False, max_length=2000, label="Note for the sender")


class AcceptExistingForm(forms.Form):
    threat = ThreatReferencesField(label="Threat", single=True, max_length=40)
    note = forms.CharField(required=False, max_length=2000, label="Note for the sender")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["threat"].viewer = user


class DeclineForm(forms.Form):
    reason = forms.ChoiceField(choices=DeclineReason.choices, label="Why it is declined")
    note = forms.CharField(
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Reason, in words, for the sender",
    )


class SarForm(forms.Form):
    reference = forms.CharField(label="UKFIU reference", max_length=40)
    received_on = forms.DateField(widget=date_input())
    reporter_sector = forms.ChoiceField(choices=ReporterSector.choices)
    amount = forms.CharField(required=False, max_length=20, label="Amount (£)")
    subject = forms.CharField(required=False, max_length=200)


class TriageForm(forms.Form):
    outcome = forms.ChoiceField(
        choices=[
            ("no_further_action", "No further action"),
            ("intelligence", "Keep as intelligence"),
        ],
        widget=forms.RadioSelect,
    )
    triaged_on = forms.DateField(widget=date_input(), required=False)
    note = forms.CharField(required=False, max_length=2000)


class PackageForm(forms.Form):
    sars = forms.CharField(
        label="SARs (UKFIU references)",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Separated by commas or lines.",
    )
    produced_on = forms.DateField(widget=date_input())
    summary = forms.CharField(max_length=20_000, widget=forms.Textarea(attrs={"rows": 4}))
    forwarded_to = forms.CharField(required=False, max_length=120, initial="Financial investigator")
    threat = ThreatReferencesField(label="Threat", single=True, required=False, max_length=40)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["threat"].viewer = user

    def references(self) -> list[str]:
        return [p for p in SEPARATORS.split(self.cleaned_data["sars"]) if p]


class ArrestForm(forms.Form):
    custody_reference = forms.CharField(max_length=40)
    arrested_on = forms.DateField(widget=date_input())
    nationality = forms.CharField(max_length=60)
    nominal = forms.IntegerField(required=False, min_value=1, label="Person (socmap id, optional)")
    acro_result = forms.ChoiceField(
        choices=AcroResult.choices, initial=AcroResult.NOT_REQUESTED, label="ACRO check"
    )
    requested_on = forms.DateField(required=False, widget=date_input(), label="Check requested on")
    answered_on = forms.DateField(required=False, widget=date_input(), label="ACRO answered on")


class AcroCheckForm(forms.Form):
    result = forms.ChoiceField(
        choices=[c for c in AcroResult.choices if c[0] != AcroResult.NOT_REQUESTED]
    )
    requested_on = forms.DateField(required=False, widget=date_input())
    answered_on = forms.DateField(required=False, widget=date_input())


IMPORT_KINDS = (
    ("reports", "Intelligence reports"),
    ("sars", "Suspicious activity reports"),
    ("arrests", "Arrests of foreign nationals (ACRO checks)"),
)


class ImportForm(forms.Form):
    kind = forms.ChoiceField(choices=IMPORT_KINDS, label="What the file holds")
    file = forms.FileField(label="File (CSV)")
    dry_run = forms.BooleanField(label="Check the file only (save nothing)", required=False)
