"""Forms of the profile and control strategy pages. Choices are limited to what the user may
see; the services check everything again."""

from __future__ import annotations

from django import forms

from socmap.orgs.models import LocalArea, Organisation, OrganisationKind, Region
from socmap.orgs.scoping import organisations_in_scope, visible_to
from socmap.profiles import rules
from socmap.profiles.models import AreaKind, PriorityKind

DATE = forms.DateInput(attrs={"type": "date"})


def _forces(user):
    return organisations_in_scope(user).filter(kind=OrganisationKind.FORCE).order_by("name")


def _local_areas(user):
    return LocalArea.objects.filter(force__in=_forces(user)).select_related("force")


def _regions(user):
    rocus = organisations_in_scope(user).filter(kind=OrganisationKind.ROCU)
    return Region.objects.filter(organisations__in=rocus).distinct().order_by("name")


class ProfileForm(forms.Form):
    area_kind = forms.ChoiceField(label="The profile covers", choices=AreaKind.choices)
    force = forms.ModelChoiceField(queryset=Organisation.objects.none(), required=False)
    local_area = forms.ModelChoiceField(
        label="Local policing area", queryset=LocalArea.objects.none(), required=False
    )
    region = forms.ModelChoiceField(queryset=Region.objects.none(), required=False)
    title = forms.CharField(
        max_length=200, required=False, help_text="Leave empty for 'SOC local profile: <area>'."
    )
    period_start = forms.DateField(
        required=False, widget=DATE, help_text="Default: the twelve months to the end date."
    )
    period_end = forms.DateField(required=False, widget=DATE, help_text="Default: today.")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["force"].queryset = _forces(user)
        self.fields["local_area"].queryset = _local_areas(user)
        self.fields["region"].queryset = _regions(user)


class EditForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    title = forms.CharField(max_length=200)
    note = forms.CharField(
        label="What you changed", max_length=300, required=False, help_text="Kept with the version."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, title, partner in rules.SECTIONS:
            help_text = (
                "Shown in the partner edition: no names, no intelligence, no operation names."
                if partner
                else "Internal: withheld from the partner edition."
            )
            self.fields[f"section_{key}"] = forms.CharField(
                label=title,
                required=False,
                max_length=rules.SECTION_LIMIT,
                widget=forms.Textarea(attrs={"rows": 8}),
                help_text=help_text,
            )

    def sections(self) -> dict[str, str]:
        return {key: self.cleaned_data.get(f"section_{key}", "") for key in rules.SECTION_KEYS}


class ShareForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label="Share the partner edition with",
        queryset=Organisation.objects.filter(kind=OrganisationKind.PARTNER, is_active=True),
    )
    conditions = forms.CharField(max_length=500, required=False)


class AssessmentForm(forms.Form):
    owner = forms.ModelChoiceField(queryset=Organisation.objects.none())
    year = forms.IntegerField(min_value=2000, max_value=2100)
    title = forms.CharField(max_length=200, required=False)
    approved_on = forms.DateField(widget=DATE, help_text="The six-month review falls due from it.")
    summary = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), required=False)
    intelligence_requirement = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}), required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = organisations_in_scope(user).filter(
            kind__in=[OrganisationKind.FORCE, OrganisationKind.ROCU, OrganisationKind.NATIONAL]
        )


class AssessmentEditForm(forms.Form):
    title = forms.CharField(max_length=200)
    summary = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), required=False)
    intelligence_requirement = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}), required=False
    )
    reason = forms.CharField(max_length=300, required=False, label="Why it changed")


class PriorityForm(forms.Form):
    kind = forms.ChoiceField(choices=PriorityKind.choices)
    crime_type = forms.ModelChoiceField(queryset=None, required=False)
    local_area = forms.ModelChoiceField(queryset=LocalArea.objects.none(), required=False)
    force_area = forms.ModelChoiceField(queryset=Organisation.objects.none(), required=False)
    threat = forms.CharField(
        label="Threat reference", required=False, help_text="e.g. OCG-000012", max_length=20
    )
    added_on = forms.DateField(label="Applies from", widget=DATE, required=False)
    rationale = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, user, assessment, **kwargs):
        super().__init__(*args, **kwargs)
        from socmap.threats.models import CrimeType

        self.fields["crime_type"].queryset = CrimeType.objects.filter(is_active=True)
        owner = assessment.owner
        if owner.kind == OrganisationKind.FORCE:
            areas = LocalArea.objects.filter(force=owner)
            forces = Organisation.objects.filter(pk=owner.pk)
        elif owner.kind == OrganisationKind.ROCU:
            areas = LocalArea.objects.filter(force__region=owner.region)
            forces = Organisation.objects.filter(kind=OrganisationKind.FORCE, region=owner.region)
        else:
            areas = LocalArea.objects.all()
            forces = Organisation.objects.filter(kind=OrganisationKind.FORCE)
        self.fields["local_area"].queryset = areas.select_related("force")
        self.fields["force_area"].queryset = forces
        self.user = user

    def threat_object(self):
        from socmap.intel.selectors import THREAT_REFERENCE
        from socmap.threats.models import Threat

        raw = (self.cleaned_data.get("threat") or "").strip()
        if not raw:
            return None
        match = THREAT_REFERENCE.match(raw)
        if not match:
            return None
        return visible_to(self.user, Threat.objects.all()).filter(pk=int(match.group(2))).first()


class RemovePriorityForm(forms.Form):
    removed_on = forms.DateField(label="Ends on", widget=DATE, required=False)
    reason = forms.CharField(max_length=500)


class ReviewForm(forms.Form):
    reviewed_on = forms.DateField(label="Reviewed on", widget=DATE, required=False)
    summary = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), label="What it found")
    changes = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, label="Changes to priorities"
    )
