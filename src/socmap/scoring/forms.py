"""The answers form for a methodology version, shared by the mapping form, the
re-assessment form and calibration responses."""

from __future__ import annotations

from django import forms

from socmap.orgs.models import User
from socmap.scoring.methodology import Methodology

ANSWER_PREFIX = "answer_"
JUDGE_PREFIX = "judged_by_"


class AnswersForm(forms.Form):
    """One choice per attribute (its allowed answers, with guidance as help text) and, with
    ``ask_judges``, who judged each subjective attribute (blank: the person assessing)."""

    def __init__(
        self,
        *args,
        rules: Methodology,
        judges=None,
        ask_judges: bool = True,
        required: bool = True,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.rules = rules
        for attribute in rules.attributes:
            choices = [("", "Choose…")] + [
                (a.key, f"{a.label}" + (f" — {a.guidance}" if a.guidance else ""))
                for a in attribute.answers
            ]
            help_parts = [attribute.guidance] if attribute.guidance else []
            if not attribute.objective:
                help_parts.append("A judgement: record who made it.")
            if not attribute.scored:
                help_parts.append("Recorded with the score; does not change it.")
            self.fields[ANSWER_PREFIX + attribute.key] = forms.ChoiceField(
                label=attribute.label,
                choices=choices,
                required=required,
                help_text=" ".join(help_parts),
            )
            if ask_judges and not attribute.objective:
                self.fields[JUDGE_PREFIX + attribute.key] = forms.ModelChoiceField(
                    label=f"Judged by ({attribute.label})",
                    queryset=judges if judges is not None else User.objects.none(),
                    required=False,
                )

    def answer_fields(self):
        """Bound fields in methodology order, each followed by its judge field if any."""
        for attribute in self.rules.attributes:
            yield self[ANSWER_PREFIX + attribute.key]
            if JUDGE_PREFIX + attribute.key in self.fields:
                yield self[JUDGE_PREFIX + attribute.key]

    def inputs(self) -> dict[str, str]:
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        return {
            key[len(ANSWER_PREFIX) :]: value
            for key, value in data.items()
            if key.startswith(ANSWER_PREFIX) and value
        }

    def judged_by(self) -> dict[str, User]:
        return {
            key[len(JUDGE_PREFIX) :]: value
            for key, value in self.cleaned_data.items()
            if key.startswith(JUDGE_PREFIX) and value is not None
        }


def raw_inputs(data, rules: Methodology) -> dict[str, str]:
    """Answers straight from request data (for the live preview, before validation)."""
    return {
        a.key: data.get(ANSWER_PREFIX + a.key, "")
        for a in rules.attributes
        if data.get(ANSWER_PREFIX + a.key)
    }
