"""Authentication that refuses credentials which cannot exist before looking anything up.

A username or password with a NUL byte can never match a user (PostgreSQL text cannot store
NUL, and Django's forms refuse it), but looking it up raises a DataError: a 500 on every API
endpoint for anyone who sends such a Basic-auth header.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth.backends import ModelBackend
from drf_spectacular.authentication import BasicScheme
from rest_framework import authentication, exceptions, status

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser
    from django.http import HttpRequest
    from rest_framework.request import Request

NUL = "\x00"


def _impossible(*values: object) -> bool:
    return any(isinstance(v, str) and NUL in v for v in values)


class MalformedCredentials(exceptions.APIException):
    """401 with a Basic challenge. Not an AuthenticationFailed: DRF would turn that into a 403
    because the first authenticator (session) has no challenge to offer."""

    status_code = status.HTTP_401_UNAUTHORIZED
    default_detail = "사용자 이름이나 비밀번호에 허용되지 않는 문자(NUL)가 있습니다."
    default_code = "malformed_credentials"
    auth_header = 'Basic realm="api"'


class BasicAuthentication(authentication.BasicAuthentication):
    """DRF's Basic authentication, refusing NUL bytes in the credentials with a 401."""

    def authenticate_credentials(
        self, userid: str, password: str, request: Request | None = None
    ) -> tuple[AbstractBaseUser, None]:
        if _impossible(userid, password):
            raise MalformedCredentials()
        return super().authenticate_credentials(userid, password, request)


class NulSafeBasicScheme(BasicScheme):
    """The OpenAPI schema describes it as the Basic authentication it is."""

    target_class = "pcadvisor.authentication.BasicAuthentication"


class NulSafeModelBackend(ModelBackend):
    """Django's model backend; credentials with a NUL byte authenticate nobody, unlooked-up
    (the admin login form, ``authenticate()`` callers)."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> AbstractBaseUser | None:
        if _impossible(username, password, *kwargs.values()):
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
