"""Analysis library of the hotspot mapper: pure functions over (Geo)DataFrames."""

from geo.errors import GeoInputError
from geo.incidents import INCIDENT_COLUMNS, Columns, LoadedIncidents, read_incidents
from geo.periods import Period, missing_months, parse_period
from geo.quality import QualityReport
from geo.settings import WORKING_CRS

__all__ = [
    "INCIDENT_COLUMNS",
    "WORKING_CRS",
    "Columns",
    "GeoInputError",
    "LoadedIncidents",
    "Period",
    "QualityReport",
    "missing_months",
    "parse_period",
    "read_incidents",
]
