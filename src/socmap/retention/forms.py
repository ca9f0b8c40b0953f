from django import forms

from socmap.retention.models import Decision


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=Decision.choices, widget=forms.RadioSelect)
    next_review_on = forms.DateField(
        required=False,
        label="Next review",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="When retaining: leave empty for one review period from today.",
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text="Why it is still needed (or no longer); audited.",
    )
