"""Serializers every app's API shares (the bottom layer: apps import it, it imports no app)."""

from __future__ import annotations

from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    """An error answer: ``{"detail": "..."}`` in Korean."""

    detail = serializers.CharField(help_text="무엇이 잘못되었는지 (한국어)")
