"""The read side of an MMS migration, declared once per API (`catalog`) with typed models (`models`)."""

from __future__ import annotations

from .catalog import BY_ACTION, READ_APIS
from .reader import get, list_all, page
from .spec import Kind, Param, ReadApi, Shape

__all__ = ["BY_ACTION", "READ_APIS", "Kind", "Param", "ReadApi", "Shape", "get", "list_all", "page"]
