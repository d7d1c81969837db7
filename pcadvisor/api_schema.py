"""The OpenAPI schema tells the truth about what the API does (issue 14).

drf-spectacular describes each operation from its view and serializers; this AutoSchema adds
what every operation shares and the views do not say:

- **Anonymous access**: an operation that anyone may call (``IsStaffOrReadOnly`` on a safe
  method, like drf-spectacular's own rule for ``IsAuthenticatedOrReadOnly``) lists the empty
  security requirement ``{}`` next to Basic and session authentication.
- **The error answers**, each with its body: 400 (field errors, or a NUL byte refused by
  ``pcadvisor.middleware``: any request can get it), 401 with ``WWW-Authenticate`` (wrong or
  malformed Basic credentials, on every operation; a write without credentials), 403 (a signed-in
  user who is not staff writes), 404 (a missing row, or a page past the last), 415 (a body in a
  media type the operation does not parse), 429 with ``Retry-After`` on the rate-limited ones
  (pcadvisor/ratelimits.py). An operation that says more keeps its own.
"""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from rest_framework import permissions, serializers

from core.serializers import ErrorSerializer
from pcadvisor.api_permissions import IsStaffOrReadOnly
from pcadvisor.ratelimits import limited_api_paths


class FieldErrorsSerializer(serializers.Serializer):
    """``{"detail": "..."}`` or ``{"<field>": ["<message>", ...], ...}``."""

    detail = serializers.CharField(required=False)

    class Meta:
        ref_name = None


DESCRIPTIONS = {
    "400": "잘못된 요청 (필드별 오류 또는 detail)",
    "401": "인증 정보가 틀렸거나 형식이 잘못됨, 또는 쓰기 요청에 인증 정보가 없음",
    "403": "스태프만 할 수 있는 요청",
    "404": "찾을 수 없음 (없는 항목 또는 마지막 쪽을 넘은 페이지)",
    "415": "지원하지 않는 본문 형식",
    "429": "요청이 너무 많음 (Retry-After 초 후 다시)",
}


class AutoSchema(SpectacularAutoSchema):
    def _map_serializer_field(self, field, direction, bypass_extensions=False):  # noqa: ANN001, ANN202
        """A string field that may not be blank says so: ``minLength: 1`` and a non-space
        character (DRF trims whitespace first, so ``"  "`` is blank too)."""
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if (
            direction == "request"
            and isinstance(field, serializers.CharField)
            and not isinstance(field, serializers.ChoiceField)
            and not field.allow_blank
            and schema.get("type") == "string"
            and "enum" not in schema
        ):
            schema.setdefault("minLength", 1)
            if getattr(field, "trim_whitespace", False):
                schema.setdefault("pattern", r"\S")
        return schema

    def _filter_limits(self, operation: dict) -> None:
        """django-filter's form fields enforce ``min_value``/``max_value``/``max_length``;
        drf-spectacular does not carry them into the query parameters, so they are added."""
        filterset = getattr(self.view, "filterset_class", None)
        if filterset is None:
            return
        for parameter in operation.get("parameters", []):
            declared = filterset.base_filters.get(parameter.get("name"))
            if declared is None or parameter.get("in") != "query":
                continue
            field = declared.field
            schema = parameter.setdefault("schema", {})
            for attr, key in (("min_value", "minimum"), ("max_value", "maximum")):
                value = getattr(field, attr, None)
                if value is not None:
                    schema[key] = value
            if getattr(field, "max_length", None):
                schema["maxLength"] = field.max_length

    def get_auth(self) -> list[dict]:
        auth = super().get_auth()
        anonymous = self.method in permissions.SAFE_METHODS and any(
            isinstance(p, IsStaffOrReadOnly) for p in self.view.get_permissions()
        )
        if anonymous and {} not in auth:
            auth.append({})
        return auth

    def _writes(self) -> bool:
        return self.method not in permissions.SAFE_METHODS

    def _staff_only(self) -> bool:
        perms = self.view.get_permissions()
        if any(isinstance(p, permissions.AllowAny) for p in perms):
            return False
        if self._writes():
            return True
        return not all(isinstance(p, IsStaffOrReadOnly) for p in perms)

    def get_operation(self, path, path_regex, path_prefix, method, registry):  # noqa: ANN001, ANN201
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        self._filter_limits(operation)
        self._list_limits(operation)
        responses = operation.setdefault("responses", {})
        error = self._ref(ErrorSerializer)
        codes = {"400": self._ref(FieldErrorsSerializer) if self._has_input(operation) else error}
        codes["401"] = error
        if self._staff_only():
            codes["403"] = error
        if "{" in path or self._paginated(operation):
            codes["404"] = error
        if "requestBody" in operation:
            codes["415"] = error
        if path in limited_api_paths():
            codes["429"] = error
        for code, schema in codes.items():
            if code in responses:
                continue
            response = {
                "description": DESCRIPTIONS[code],
                "content": {"application/json": {"schema": schema}},
            }
            if code == "401":
                response["headers"] = {
                    "WWW-Authenticate": {
                        "schema": {"type": "string"},
                        "description": 'Basic realm="api"',
                    }
                }
            if code == "429":
                response["headers"] = {
                    "Retry-After": {"schema": {"type": "integer"}, "description": "초"}
                }
            responses[code] = response
        return operation

    def _list_limits(self, operation: dict) -> None:
        """A list body that may not be empty (``allow_empty=False``) says ``minItems: 1``."""
        if "requestBody" not in operation:
            return
        request = self.get_request_serializer()
        if not isinstance(request, serializers.ListSerializer) or request.allow_empty:
            return
        for content in operation.get("requestBody", {}).get("content", {}).values():
            if content.get("schema", {}).get("type") == "array":
                content["schema"]["minItems"] = 1

    def _ref(self, serializer: type[serializers.Serializer]) -> dict:
        component = self.resolve_serializer(serializer, "response")
        return component.ref

    @staticmethod
    def _has_input(operation: dict) -> bool:
        return "requestBody" in operation or any(
            p.get("in") == "query" for p in operation.get("parameters", [])
        )

    @staticmethod
    def _paginated(operation: dict) -> bool:
        return any(p.get("name") == "page" for p in operation.get("parameters", []))
