"""Data-source records for the emulator: loading them (packaged sample, JSON, objects) and generating them."""

from __future__ import annotations

import json
import os
import random
from collections.abc import Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Any, TypeAlias

DataInput: TypeAlias = str | os.PathLike[str] | Mapping[str, Any] | Sequence[Mapping[str, Any]] | None

SAMPLE_RESOURCE = "sample_data.json"
STATUSES = ("STARTED", "STARTED", "STARTED", "STARTING", "STOPPED", "START_FAILED", "STOPPING", "STOP_FAILED")
TYPES = ("HIVE", "BIGQUERY", "MAXCOMPUTE", "DATABRICKS", "HIVE_OSS")
_NAME_PREFIXES = ("warehouse", "analytics", "ods", "dw", "finance", "marketing", "iot", "logs", "crm", "risk")
_NAME_SUFFIXES = ("prod", "staging", "dev", "archive", "eu", "cn", "shared", "legacy")


def sample_data() -> dict[str, Any]:
    """The ``data`` object of the packaged sample GetMmsDataSource response (a fresh copy)."""
    text = resources.files("pulumi_mms.testing").joinpath(SAMPLE_RESOURCE).read_text(encoding="utf-8")
    records = normalize(json.loads(text))
    return records[0]


def load_data_sources(data: DataInput) -> list[dict[str, Any]]:
    """Data-source dicts from ``data``.

    ``None`` is the packaged sample; a ``str``/path names a JSON file; a mapping or a list of mappings is
    used as is. A JSON document or mapping may be a full response (``{"requestId", "data": {...}}``), a
    list response (``{"data": {"objectList": [...]}}``), a single data dict or a list of data dicts.
    """
    if data is None:
        return [sample_data()]
    if isinstance(data, str | os.PathLike):
        return normalize(json.loads(Path(data).read_text(encoding="utf-8")))
    return normalize(data)


def normalize(document: Any) -> list[dict[str, Any]]:
    if isinstance(document, Mapping):
        inner = document.get("data")
        if isinstance(inner, Mapping) and "id" not in document:
            if isinstance(inner.get("objectList"), list):
                return normalize(inner["objectList"])
            return [dict(inner)]
        return [dict(document)]
    if isinstance(document, Sequence) and not isinstance(document, str | bytes):
        records: list[dict[str, Any]] = []
        for item in document:
            if not isinstance(item, Mapping):
                raise ValueError(f"a data source must be a JSON object, got {type(item).__name__}")
            records.append(dict(item))
        return records
    raise ValueError(f"cannot read data sources from a {type(document).__name__}")


def _config(kind: str, rng: random.Random, index: int) -> list[dict[str, Any]]:
    prefix = kind.lower()
    return [
        {
            "name": {"zh_CN": "连接地址", "en_US": "Endpoint"},
            "key": f"{prefix}.endpoint",
            "desc": {"zh_CN": "数据源的连接地址", "en_US": "Address of the data source"},
            "placeHolder": "thrift://host:9083",
            "type": "string",
            "value": f"thrift://{prefix}-{index}.internal:{rng.choice((9083, 10000, 443))}",
            "required": True,
            "group": "basic_group",
        },
        {
            "name": {"zh_CN": "密码", "en_US": "Password"},
            "key": f"{prefix}.password",
            "desc": {"zh_CN": "访问数据源的密码", "en_US": "Password used to read the data source"},
            "placeHolder": "",
            "type": "password",
            "value": f"pw-{rng.getrandbits(48):012x}",
            "required": True,
            "group": "basic_group",
        },
        {
            "name": "迁移并发数",
            "key": f"{prefix}.migration.parallelism",
            "desc": "同时迁移的表数量",
            "placeHolder": "10",
            "type": "int",
            "value": rng.choice((4, 8, 16, 32)),
            "required": False,
            "group": "advanced_group",
        },
        {
            "name": {"zh_CN": "分区迁移方式", "en_US": "Partition migration mode"},
            "key": f"{prefix}.range.partition.migrate.type",
            "desc": {"zh_CN": "范围分区表迁移方式", "en_US": "How range-partitioned tables are migrated"},
            "placeHolder": "Cluster or Partition",
            "type": "string",
            "value": rng.choice(("Cluster", "Partition")),
            "enums": ["Cluster", "Partition"],
            "required": False,
            "group": "advanced_group",
        },
    ]


def generate_data_sources(
    n: int, *, start_id: int = 3000001, seed: int = 0, region: str = "cn-shanghai"
) -> list[dict[str, Any]]:
    """``n`` distinct, realistic data sources (wire format), deterministic for a given ``seed``.

    Names are unique; types, statuses, projects and counters vary; every record has four config items,
    among them a ``password`` item with a value, and names/descriptions in both languages.
    """
    rng = random.Random(seed)
    records: list[dict[str, Any]] = []
    for index in range(n):
        source_id = start_id + index
        kind = rng.choice(TYPES)
        status = rng.choice(STATUSES)
        name = f"{rng.choice(_NAME_PREFIXES)}_{rng.choice(_NAME_SUFFIXES)}_{index:04d}"
        projects = [f"mms_{name}_{p}" for p in range(rng.randint(1, 3))]
        tables = rng.randint(10, 5000)
        partitions = tables * rng.randint(1, 200)
        done = rng.randint(0, tables)
        failed = rng.randint(0, tables - done)
        doing = rng.randint(0, tables - done - failed)
        created_day = rng.randint(1, 28)
        records.append(
            {
                "id": source_id,
                "region": region,
                "name": name,
                "dstProject": projects[0],
                "dstProjects": projects,
                "type": kind,
                "networklink": f"vpc-{rng.getrandbits(80):020x}:{region}",
                "lastUpdateTime": f"2024-12-{min(created_day + 1, 28):02d} {rng.randint(0, 23):02d}:17:44",
                "dbNum": rng.randint(1, 40),
                "tableNum": tables,
                "partitionNum": partitions,
                "createTime": f"2024-12-{created_day:02d} 09:{rng.randint(0, 59):02d}:58",
                "status": status,
                "errMsg": "agent heartbeat lost" if status.endswith("FAILED") else "",
                "config": _config(kind, rng, index),
                "agentIsOnline": status == "STARTED",
                "tablesDoingNum": doing,
                "tablesDoneNum": done,
                "tablesPartDoneNum": rng.randint(0, 10),
                "tablesFailedNum": failed,
                "partitionsDoingNum": rng.randint(0, partitions // 10),
                "partitionsDoneNum": rng.randint(0, partitions // 2),
                "partitionsFailedNum": rng.randint(0, 50),
                "scanId": 1000000 + source_id % 100000,
            }
        )
    return records
