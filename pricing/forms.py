"""The "what should this configuration cost" form. Its fields come from
``pricing.configurations.CONFIGURATION_INPUT``, like the API serializer's, and both end in
``pricing.services.estimate_configuration``, which fills gaps and checks the training domain."""

from __future__ import annotations

from django import forms

from pricing.configurations import (
    CONFIGURATION_INPUT,
    Configuration,
    InputField,
    configuration_from,
    kind_choices,
    kind_problem,
)


def form_field(spec: InputField) -> forms.Field:
    """The HTML form's field for one input field."""
    common = {"label": spec.label, "required": spec.required, "help_text": spec.help_text}
    if spec.choices:
        # Every kind is accepted by the field; clean_kind refuses one the model did not learn,
        # with the reason.
        return forms.ChoiceField(choices=kind_choices(), initial=spec.default, **common)
    if spec.type is int:
        return forms.IntegerField(min_value=spec.min_value, max_value=spec.max_value, **common)
    return forms.CharField(max_length=spec.max_length, **common)


_InputFields = type(
    "_InputFields", (forms.Form,), {spec.name: form_field(spec) for spec in CONFIGURATION_INPUT}
)


class ConfigurationForm(_InputFields):
    def __init__(self, *args: object, kinds: list[str] | None = None, **kwargs: object) -> None:
        """``kinds``: the kinds the active model was trained on (None: no model yet)."""
        super().__init__(*args, **kwargs)
        self.kinds = kinds
        # Offered: the kinds the model learned; any other kind is refused with the reason.
        self.fields["kind"].widget.choices = kind_choices(kinds)

    def clean_kind(self) -> str:
        kind = self.cleaned_data.get("kind") or "desktop"
        problem = kind_problem(kind, self.kinds)
        if problem:
            raise forms.ValidationError(problem)
        return kind

    def configuration(self) -> Configuration:
        return configuration_from(self.cleaned_data)
