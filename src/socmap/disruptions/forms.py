"""Forms for the disruption pages. They parse and offer choices; the rules (a threat, a date
not in the future, a tactic of the chosen P, a grade with its rationale, quantities that apply,
who may validate) are checked by disruptions.services, whose errors the views put back on
these forms."""

from __future__ import annotations

import re

from django import forms
from django.urls import reverse
from django.utils import timezone

from socmap.disruptions.models import Tactic
from socmap.disruptions.rules import QUANTITIES, ImpactGrade, clean_evidence
from socmap.fourp import FourP
from socmap.orgs.models import Organisation, OrganisationKind
from socmap.orgs.scoping import organisations_in_scope, visible_to
from socmap.people.models import Nominal
from socmap.threats.selectors import threats_visible_to

SEPARATORS = re.compile(r"[\s,;]+")
REFERENCE = re.compile(r"^(?:(OCG|PI|VUL|T)-)?0*(\d{1,12})$", re.IGNORECASE)
KIND_GROUPS = (
    (OrganisationKind.FORCE, "Police forces"),
    (OrganisationKind.ROCU, "Regional organised crime units"),
    (OrganisationKind.NATIONAL, "National agencies"),
    (OrganisationKind.PARTNER, "Partner agencies"),
)
NOT_GRADED = ("", "Not graded yet")


def date_input() -> forms.DateInput:
    return forms.DateInput(
        attrs={"type": "date", "max": timezone.localdate().isoformat()}, format="%Y-%m-%d"
    )


def organisation_choices() -> list:
    """Active organisations grouped by kind, for choosing who acted."""
    groups = []
    organisations = Organisation.objects.filter(is_active=True).order_by("name")
    for kind, label in KIND_GROUPS:
        members = [(str(o.pk), o.name) for o in organisations if o.kind == kind]
        if members:
            groups.append((label, members))
    return [("", "Choose the organisation that acted"), *groups]


def tactic_choices(category: str = "", keep: str = "") -> list[tuple[str, str]]:
    """Active tactics that may be recorded under ``category`` (every tactic if none), plus
    ``keep`` (the one already chosen, so a mismatch is explained rather than dropped)."""
    choices = [("", "Choose the tactic")]
    for tactic in Tactic.objects.all():
        fits = not category or category in tactic.categories
        if (tactic.is_active and fits) or tactic.code == keep:
            choices.append((tactic.code, tactic.name))
    return choices


class ReferencesField(forms.CharField):
    """Threats by reference (OCG-000012) or id, separated by commas or spaces, checked against
    what the user may see."""

    def __init__(self, *args, viewer=None, **kwargs):
        self.viewer = viewer
        super().__init__(*args, **kwargs)

    def clean(self, value):
        text = super().clean(value)
        found = []
        for part in SEPARATORS.split(text or ""):
            if not part:
                continue
            match = REFERENCE.match(part)
            if match is None:
                raise forms.ValidationError(
                    f"'{part}' is not a threat reference (e.g. OCG-000012)."
                )
            threat = threats_visible_to(self.viewer).filter(pk=int(match.group(2))).first()
            if threat is None or (
                match.group(1)
                and match.group(1).upper() not in ("T", threat.reference[:3].rstrip("-"))
            ):
                raise forms.ValidationError(f"There is no threat {part} that you can see.")
            found.append(threat)
        return list(dict.fromkeys(found))


class NominalIdsField(forms.CharField):
    """People by their socmap ids, separated by commas or spaces."""

    def __init__(self, *args, viewer=None, **kwargs):
        self.viewer = viewer
        super().__init__(*args, **kwargs)

    def clean(self, value):
        text = super().clean(value)
        found = []
        for part in SEPARATORS.split(text or ""):
            if not part:
                continue
            number = part.lstrip("#")
            if not number.isdigit():
                raise forms.ValidationError(f"'{part}' is not a person's id (a whole number).")
            nominal = visible_to(self.viewer, Nominal.objects.filter(pk=int(number))).first()
            if nominal is None:
                raise forms.ValidationError(
                    f"There is no person with id {number} that you can see."
                )
            found.append(nominal)
        return list(dict.fromkeys(found))


class DisruptionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    """Recording a disruption, or changing a draft or returned one (``editing=True``)."""

    threats = ReferencesField(
        label="Threats",
        max_length=400,
        help_text="References of the threats it acted on, e.g. OCG-000012; separate several "
        "with commas.",
    )
    occurred_on = forms.DateField(label="Date of the disruption")
    owner = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        label="Recorded by",
        help_text="The organisation that records the claim and answers for it.",
    )
    acting_organisation = forms.ChoiceField(
        label="Acting organisation",
        help_text="Who took the action: a force, a ROCU, the NCA or a partner agency.",
    )
    category = forms.ChoiceField(
        label="4P category",
        choices=[("", "Choose the 4P category"), *FourP.choices],
    )
    tactic = forms.ChoiceField(label="Tactic")
    grade = forms.ChoiceField(
        label="Impact grade",
        required=False,
        choices=[NOT_GRADED, *ImpactGrade.choices],
        widget=forms.RadioSelect,
    )
    rationale = forms.CharField(
        label="Rationale for the grade",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Why the disruption is graded so: what it changed for the threat.",
    )
    operation_name = forms.CharField(label="Operation name", required=False, max_length=120)
    narrative = forms.CharField(
        required=False, max_length=10_000, widget=forms.Textarea(attrs={"rows": 4})
    )
    evidence = forms.CharField(
        label="Evidence records",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="References to evidence records (crime numbers, exhibits, court results, "
        "links), one per line.",
    )
    nominals = NominalIdsField(
        label="People involved",
        required=False,
        max_length=400,
        help_text="socmap ids of the people (nominals) involved, separated by commas.",
    )
    reason = forms.CharField(
        label="Why are you changing it?",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, user, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["threats"].viewer = user
        self.fields["nominals"].viewer = user
        self.fields["occurred_on"].widget = date_input()
        owners = (
            organisations_in_scope(user).exclude(kind=OrganisationKind.PARTNER).order_by("name")
        )
        if editing or owners.count() <= 1:
            del self.fields["owner"]
        else:
            self.fields["owner"].queryset = owners
            if user.organisation_id and owners.filter(pk=user.organisation_id).exists():
                self.fields["owner"].initial = user.organisation_id
        if not editing:
            del self.fields["reason"]
        self.fields["acting_organisation"].choices = organisation_choices()
        for quantity in QUANTITIES:
            if quantity.whole:
                field = forms.IntegerField(min_value=0, required=False)
            else:
                field = forms.DecimalField(
                    min_value=0, decimal_places=quantity.places, required=False
                )
            field.label = quantity.describe()
            field.widget.attrs.update({"inputmode": "decimal", "size": 12})
            self.fields[quantity.code] = field
        category = self.chosen("category")
        tactic = self.chosen("tactic")
        self.fields["tactic"].choices = tactic_choices(category, keep=tactic)
        swap = {
            "hx-get": reverse("disruptions:tactic-fields"),
            "hx-trigger": "change",
            "hx-target": "#tactic-fields",
            "hx-include": "#tactic-fields",
        }
        self.fields["category"].widget.attrs.update(swap)
        self.fields["tactic"].widget.attrs.update(
            {**swap, "hx-include": "[name='category'], #tactic-fields"}
        )

    def chosen(self, name: str) -> str:
        if self.is_bound:
            return self.data.get(name, "") or ""
        value = self.initial.get(name, self.fields[name].initial if name in self.fields else "")
        return str(value or "")

    @property
    def chosen_tactic(self) -> Tactic | None:
        code = self.chosen("tactic")
        return Tactic.objects.filter(pk=code).first() if code else None

    def quantity_fields(self) -> list:
        """The quantity fields to show: those of the chosen tactic, or all of them."""
        tactic = self.chosen_tactic
        shown = []
        for quantity in QUANTITIES:
            value = self[quantity.code].value()
            if tactic is None or quantity.code in tactic.quantities or value not in (None, ""):
                shown.append(self[quantity.code])
        return shown

    def clean_acting_organisation(self):
        value = self.cleaned_data["acting_organisation"]
        return Organisation.objects.filter(pk=value).first() if value else None

    def disruption_fields(self) -> dict:
        data = self.cleaned_data
        tactic = Tactic.objects.filter(pk=data["tactic"]).first()
        return {
            "threats": data["threats"],
            "occurred_on": data["occurred_on"],
            "acting_organisation": data["acting_organisation"],
            "category": data["category"],
            "tactic": tactic,
            "grade": data["grade"],
            "rationale": data["rationale"],
            "quantities": {q.code: data.get(q.code) for q in QUANTITIES},
            "operation_name": data["operation_name"],
            "narrative": data["narrative"],
            "evidence": clean_evidence(data["evidence"]),
            "nominals": data["nominals"],
        }

    @staticmethod
    def initial_for(disruption) -> dict:
        return {
            "version": disruption.version,
            "threats": ", ".join(t.reference for t in disruption.threats.all()),
            "occurred_on": disruption.occurred_on,
            "acting_organisation": str(disruption.acting_organisation_id),
            "category": disruption.category,
            "tactic": disruption.tactic_id,
            "grade": disruption.grade,
            "rationale": disruption.grade_rationale,
            "operation_name": disruption.operation_name,
            "narrative": disruption.narrative,
            "evidence": "\n".join(disruption.evidence),
            "nominals": ", ".join(str(n.pk) for n in disruption.nominals.all()),
            **{q.code: getattr(disruption, q.code) for q in QUANTITIES},
        }


class ValidateForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    grade = forms.ChoiceField(
        label="Impact grade", choices=ImpactGrade.choices, widget=forms.RadioSelect
    )
    rationale = forms.CharField(
        label="Rationale for a new grade",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed only if you change the grade: why the claim deserves another grade.",
    )
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReturnForm(forms.Form):
    reasons = forms.CharField(
        label="Reasons for returning it",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What the claimant must correct or evidence before submitting it again.",
    )


class RegradeForm(forms.Form):
    grade = forms.ChoiceField(
        label="New impact grade", choices=ImpactGrade.choices, widget=forms.RadioSelect
    )
    rationale = forms.CharField(
        label="Rationale for the new grade",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ShareForm(forms.Form):
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.filter(kind=OrganisationKind.PARTNER, is_active=True),
        label="Partner agency",
    )
    conditions = forms.CharField(
        label="Handling conditions (optional)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label="File (CSV or XLSX)",
        help_text="Use the published template: one disruption per row.",
    )
    owner = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        label="Recorded by",
        required=False,
        help_text="For rows without an owner column value.",
    )
    status = forms.ChoiceField(
        label="Status of imported rows",
        choices=[("submitted", "Submitted for validation"), ("draft", "Draft")],
        initial="submitted",
        help_text="For rows without a status; rows with a validator are imported as validated.",
    )
    dry_run = forms.BooleanField(label="Check the file only (save nothing)", required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        owners = (
            organisations_in_scope(user).exclude(kind=OrganisationKind.PARTNER).order_by("name")
        )
        if owners.count() <= 1:
            del self.fields["owner"]
        else:
            self.fields["owner"].queryset = owners
            self.fields["owner"].initial = user.organisation_id
