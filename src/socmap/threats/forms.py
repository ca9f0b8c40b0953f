"""Forms for the threat pages. They parse and offer choices; the rules are in services.py."""

from __future__ import annotations

import re

from django import forms
from django.urls import reverse
from django.utils import timezone

from socmap.orgs.models import LocalArea, Organisation, OrganisationKind, Role
from socmap.orgs.scoping import organisations_in_scope, visible_to
from socmap.people.models import Nominal
from socmap.scoring.models import MethodologyVersion
from socmap.threats.models import (
    ArchiveReason,
    CrimeType,
    MemberRole,
    Status,
    Threat,
    ThreatKind,
    Tier,
)
from socmap.threats.selectors import officer_candidates, threats_visible_to
from socmap.threats.services import TRANSITIONS

REFERENCE = re.compile(r"^\s*(?:[A-Za-z]+-)?0*(\d+)\s*$")


def _user_label(user) -> str:
    org = f", {user.organisation.name}" if user.organisation else ""
    return f"{user.display_name} ({user.username}{org})"


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return _user_label(obj)


class NominalIdField(forms.IntegerField):
    """A person by their socmap id, checked against what the user may see."""

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


def methodology_choices(kind: str = "") -> list[tuple[str, str]]:
    """Current methodology versions; those that apply to ``kind`` (all if no kind)."""
    choices = []
    for version in MethodologyVersion.objects.filter(is_current=True).order_by("name"):
        rules = version.rules()
        if kind and kind not in rules.applies_to:
            continue
        kinds = ", ".join(ThreatKind(k).label.lower() for k in rules.applies_to)
        choices.append((version.label, f"{version.title} ({version.label}; for {kinds})"))
    return choices


def default_methodology(kind: str) -> str:
    choices = methodology_choices(kind)
    return choices[0][0] if choices else ""


class ThreatDetailsForm(forms.Form):
    """The details of a threat shared by the mapping and editing forms."""

    name = forms.CharField(max_length=200, help_text="The name the threat is known by.")
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False)
    tier = forms.ChoiceField(
        choices=Tier.choices,
        initial=Tier.LOCAL,
        label="Owner level (tier)",
        help_text="Usually chosen at tasking, by the band.",
    )
    predominant_crime_type = forms.ModelChoiceField(
        queryset=CrimeType.objects.filter(is_active=True), empty_label="Choose…"
    )
    other_crime_types = forms.ModelMultipleChoiceField(
        queryset=CrimeType.objects.filter(is_active=True),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    forces = forms.ModelMultipleChoiceField(
        queryset=Organisation.objects.filter(kind=OrganisationKind.FORCE).order_by("name"),
        required=False,
        label="Force areas touched",
        help_text="The owning force is always included. Hold Ctrl (or Cmd) to choose several.",
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    local_areas = forms.ModelMultipleChoiceField(
        queryset=LocalArea.objects.none(),
        required=False,
        help_text="Local policing areas of the forces touched.",
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    subject = NominalIdField(
        required=False,
        label="Subject (person id)",
        help_text="Required for a priority individual: the socmap id of the person.",
    )
    operation_names = forms.CharField(
        max_length=500, required=False, help_text="Separate several with commas."
    )
    lro = UserChoiceField(
        queryset=None,
        required=False,
        label="Lead Responsible Officer (LRO)",
        empty_label="None yet",
        help_text="Users holding the LRO role, including partner agencies' officers. "
        "An officer whose organisation cannot see the threat gets it shared with them.",
    )
    sro = UserChoiceField(
        queryset=None,
        required=False,
        label="Senior Responsible Officer (SRO)",
        empty_label="None yet",
        help_text="Oversees the LRO; a different person.",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["subject"].viewer = user
        in_scope = organisations_in_scope(user)
        self.fields["local_areas"].queryset = LocalArea.objects.filter(
            force__in=in_scope
        ).select_related("force")
        self.fields["lro"].queryset = officer_candidates(user, role=Role.LRO).order_by(
            "last_name", "first_name"
        )
        self.fields["sro"].queryset = officer_candidates(user).order_by("last_name", "first_name")

    def clean_operation_names(self) -> list[str]:
        raw = self.cleaned_data.get("operation_names") or ""
        return [part.strip() for part in raw.split(",") if part.strip()]

    def threat_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "description": data["description"],
            "tier": data["tier"],
            "predominant_crime_type": data["predominant_crime_type"],
            "other_crime_types": list(data["other_crime_types"]),
            "forces": list(data["forces"]),
            "local_areas": list(data["local_areas"]),
            "subject": data["subject"],
            "operation_names": data["operation_names"],
            "lro": data["lro"],
            "sro": data["sro"],
        }


class MapThreatForm(ThreatDetailsForm):
    """Mapping a new threat: its details, then (optionally) its first assessment."""

    field_order = [
        "kind",
        "name",
        "description",
        "owner",
        "tier",
        "predominant_crime_type",
        "other_crime_types",
        "forces",
        "local_areas",
        "subject",
        "operation_names",
        "lro",
        "sro",
        "status",
    ]

    kind = forms.ChoiceField(choices=ThreatKind.choices, initial=ThreatKind.OCG)
    owner = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        label="Owning organisation",
        empty_label=None,
        required=False,
        help_text="Your own organisation unless you choose another in your scope.",
    )
    status = forms.ChoiceField(
        choices=[
            (Status.UNDER_ASSESSMENT, Status.UNDER_ASSESSMENT.label),
            (Status.TRIGGER_REPORT, Status.TRIGGER_REPORT.label),
        ],
        initial=Status.UNDER_ASSESSMENT,
        label="Status",
        help_text="A trigger report may be sent without an assessment.",
    )
    methodology = forms.ChoiceField(
        choices=(),
        required=False,
        label="Scoring methodology",
        help_text="Choose 'Not assessed yet' to record a trigger report without answers.",
    )
    rationale = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        label="Rationale for the assessment",
        help_text="What the answers rest on: intelligence, events, judgements.",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        owners = (
            organisations_in_scope(user).exclude(kind=OrganisationKind.PARTNER).order_by("name")
        )
        self.fields["owner"].queryset = owners
        if user.organisation_id and owners.filter(pk=user.organisation_id).exists():
            self.fields["owner"].initial = user.organisation_id
        self.fields["methodology"].choices = [("", "Not assessed yet"), *methodology_choices()]
        # Choosing another methodology swaps in its questions; choosing another kind
        # re-checks that the methodology scores it, keeping the answers given (htmx).
        swap = {
            "hx-get": reverse("threats:answers-fields"),
            "hx-trigger": "change",
            "hx-target": "#answer-fields",
        }
        self.fields["methodology"].widget.attrs.update({**swap, "hx-include": "[name='kind']"})
        self.fields["kind"].widget.attrs.update(
            {**swap, "hx-include": "[name='methodology'], #answer-fields select"}
        )

    def details_fields(self):
        """The bound fields of the threat's details (the methodology comes separately)."""
        return [self[name] for name in self.field_order]


class EditThreatForm(ThreatDetailsForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    reason = forms.CharField(
        max_length=500,
        required=False,
        label="Reason for the change",
        help_text="Kept in the audit trail.",
    )

    @classmethod
    def initial_for(cls, threat: Threat) -> dict:
        return {
            "name": threat.name,
            "description": threat.description,
            "tier": threat.tier,
            "predominant_crime_type": threat.predominant_crime_type_id,
            "other_crime_types": [c.pk for c in threat.other_crime_types.all()],
            "forces": [f.pk for f in threat.forces.all()],
            "local_areas": [a.pk for a in threat.local_areas.all()],
            "subject": threat.subject_id,
            "operation_names": ", ".join(threat.operation_names or []),
            "lro": threat.lro_id,
            "sro": threat.sro_id,
            "version": threat.version,
        }


class ThreatReferenceField(forms.CharField):
    """Another threat, by its reference (OCG-000012) or id, that the user may see."""

    def __init__(self, *args, viewer=None, **kwargs):
        self.viewer = viewer
        super().__init__(*args, **kwargs)

    def clean(self, value):
        text = super().clean(value)
        if not text:
            return None
        match = REFERENCE.match(text)
        threat = (
            threats_visible_to(self.viewer).filter(pk=int(match.group(1))).first()
            if match
            else None
        )
        if threat is None:
            raise forms.ValidationError(f"There is no threat '{text}' that you can see.")
        return threat


class StatusForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    to_status = forms.ChoiceField(label="New status", widget=forms.RadioSelect)
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="Required when archiving. Kept with the threat's history.",
    )
    archive_reason = forms.ChoiceField(
        choices=[("", "Not archiving"), *ArchiveReason.choices],
        required=False,
        label="Why it is archived",
    )
    merged_into = ThreatReferenceField(
        required=False,
        max_length=20,
        label="Merged into (threat reference)",
        help_text="Only when merged, e.g. OCG-000012.",
    )

    def __init__(self, *args, threat: Threat, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_status"].choices = [
            (s, Status(s).label) for s in TRANSITIONS[threat.status]
        ]
        self.fields["merged_into"].viewer = user


class MemberForm(forms.Form):
    nominal = NominalIdField(label="Person id", help_text="The socmap id of the person.")
    role = forms.ChoiceField(choices=MemberRole.choices)
    joined_on = forms.DateField(
        required=False,
        label="Joined on",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Leave blank if not known.",
    )
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nominal"].viewer = user


class EndMemberForm(forms.Form):
    left_on = forms.DateField(
        label="Left on", widget=forms.DateInput(attrs={"type": "date"}), initial=timezone.localdate
    )
    reason = forms.CharField(max_length=500, required=False, help_text="Kept in the audit trail.")
