"""Loading real administrative divisions from the statistical division files in data/divisions.

Two kinds of file: village files (5 levels: province … village, 12-digit village codes, 6- and
9-digit county and township codes that we pad to 12) and point files (Vonng/adcode: county and
township centres in GCJ-02, the offset system of Chinese web maps). We store WGS-84, converting
with prcoords; villages without a point of their own use their township's.
"""
import csv
from dataclasses import dataclass
from pathlib import Path

import prcoords
from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.models import Area, AreaLevel

VILLAGE_COLUMNS = {"county_code", "county_name", "township_code", "township_name", "village_code", "village_name"}
POINT_COLUMNS = {"code", "name", "level", "longitude", "latitude"}


@dataclass
class DivisionImport:
    created: int = 0
    updated: int = 0
    located: int = 0


def pad(code: str) -> str:
    return code.ljust(12, "0")


def file_kind(path: Path) -> str:
    with open(path, encoding="utf-8-sig", newline="") as f:
        header = set(next(csv.reader(f), []))
    if VILLAGE_COLUMNS <= header:
        return "villages"
    if POINT_COLUMNS <= header:
        return "points"
    raise ValueError(f"{path.name}: neither a village file nor a point file (header {sorted(header)})")


def read_points(path: Path) -> dict[str, tuple[float, float]]:
    """12-digit code -> WGS-84 (lat, lon)."""
    points = {}
    with open(path, encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f):
            if row["longitude"] and row["latitude"]:
                wgs = prcoords.gcj_wgs_bored((float(row["latitude"]), float(row["longitude"])))
                points[pad(row["code"])] = (round(wgs.lat, 6), round(wgs.lon, 6))
    return points


def bundled_points(data_dir: Path) -> dict[str, tuple[float, float]]:
    points: dict[str, tuple[float, float]] = {}
    for path in sorted(Path(data_dir, "divisions").glob("vonng_adcode_*.csv")):
        points.update(read_points(path))
    return points


def import_divisions(session: Session, path: Path, data_dir: Path, county: str | None = None) -> DivisionImport:
    """Creates or renames the counties, townships and villages of a file; idempotent. Coordinates
    come from the point file itself, or for a village file from the bundled point files."""
    result = DivisionImport()
    if file_kind(path) == "points":
        for code, (lat, lon) in read_points(path).items():
            area = session.get(Area, code)
            if area is not None and (area.lat, area.lon) != (lat, lon):
                area.lat, area.lon = lat, lon
                result.located += 1
        session.flush()
        return result
    points = bundled_points(data_dir)
    known = {a.code: a for a in session.scalars(select(Area))}

    def upsert(code, name, level, parent):
        area = known.get(code)
        lat, lon = points.get(code, (None, None))
        if area is None:
            area = known[code] = Area(code=code, name=name, level=level, parent_code=parent, lat=lat, lon=lon)
            session.add(area)
            result.created += 1
        elif area.name != name or (lat is not None and (area.lat, area.lon) != (lat, lon)):
            area.name = name
            if lat is not None:
                area.lat, area.lon = lat, lon
            result.updated += 1

    with open(path, encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f):
            if county and row["county_code"] != county[:6]:
                continue
            county_code, township_code = pad(row["county_code"]), pad(row["township_code"])
            upsert(county_code, row["county_name"], AreaLevel.county, None)
            upsert(township_code, row["township_name"], AreaLevel.township, county_code)
            upsert(row["village_code"], row["village_name"], AreaLevel.village, township_code)
    session.flush()
    return result
