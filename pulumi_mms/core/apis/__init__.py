"""The read side of an MMS migration: the declarations (`pulumi_mms.declarations`) bound to typed models."""

from __future__ import annotations

from .catalog import BY_ACTION, READ_APIS
from .reader import get, list_all, page
from .spec import Kind, Param, ReadApi, Shape

__all__ = ["BY_ACTION", "READ_APIS", "Kind", "Param", "ReadApi", "Shape", "get", "list_all", "page"]
