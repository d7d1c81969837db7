"""Serializers every app's API shares (the bottom layer: apps import it, it imports no app)."""

from __future__ import annotations

from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    """An error answer: ``{"detail": "..."}`` in Korean."""

    detail = serializers.CharField(help_text="무엇이 잘못되었는지 (한국어)")


class StrictBooleanField(serializers.BooleanField):
    """A boolean that is one, as the schema's ``boolean`` says. DRF's takes ``0``, ``"yes"``,
    ``"on"`` and reads a blank form value as "not given"; this one takes a JSON ``true``/``false``
    only, or, from a form (``form=True``: multipart, where every value is text), ``"true"`` or
    ``"false"``. Anything else, a blank included, is a field error."""

    default_error_messages = {"invalid": "true 또는 false여야 합니다."}

    def __init__(self, *, form: bool = False, **kwargs: object) -> None:
        self.form = form
        super().__init__(**kwargs)

    def get_value(self, dictionary: object) -> object:
        value = super().get_value(dictionary)
        if self.form and value is serializers.empty and hasattr(dictionary, "getlist"):
            raw = dictionary.get(self.field_name)  # type: ignore[attr-defined]
            if raw == "":
                return ""  # given, and blank: refused below, not "not given"
        return value

    def to_internal_value(self, data: object) -> bool:
        if isinstance(data, bool):  # JSON's true/false (or a form field left out: False)
            return data
        if self.form and isinstance(data, str) and data.strip().lower() in ("true", "false"):
            return data.strip().lower() == "true"
        self.fail("invalid", input=data)


class StrictStringMixin:
    """A string field that takes strings only: DRF's CharField turns ``0`` or ``true`` into
    ``"0"``/``"True"``, where the schema says ``string``."""

    default_error_messages = {"invalid": "문자열이어야 합니다."}

    def to_internal_value(self, data: object) -> object:
        if not isinstance(data, str):
            self.fail("invalid")  # type: ignore[attr-defined]
        return super().to_internal_value(data)  # type: ignore[misc]


class StrictCharField(StrictStringMixin, serializers.CharField):
    pass


class StrictRegexField(StrictStringMixin, serializers.RegexField):
    pass


class StrictURLField(StrictStringMixin, serializers.URLField):
    pass


class NoBlankFormValuesMixin:
    """For a multipart serializer: an optional field sent blank (``category=``) is an error, as
    the schema's non-blank string says, where DRF reads a blank form value as "not given"."""

    def to_internal_value(self, data: object) -> object:
        if hasattr(data, "getlist"):
            blank = {
                name: ["비워 둘 수 없습니다. 보내지 않거나 값을 넣으세요."]
                for name, field in self.fields.items()  # type: ignore[attr-defined]
                if not field.read_only
                and name in data  # type: ignore[operator]
                and data.get(name) == ""  # type: ignore[attr-defined]
                and not getattr(field, "allow_blank", False)
            }
            if blank:
                raise serializers.ValidationError(blank)
        return super().to_internal_value(data)  # type: ignore[misc]
