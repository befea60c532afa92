"""Helpers for coverage.ipynb."""

import geopandas as gpd
import pandas as pd
from pyproj import CRS
from shapely.geometry import Point

METRIC_CRS = CRS.from_epsg(2154)  # Lambert-93, metres


def stores_from_csv(path: str) -> gpd.GeoDataFrame:
    frame = pd.read_csv(path)
    geometry = [Point(lon, lat) for lon, lat in zip(frame["lon"], frame["lat"])]
    return gpd.GeoDataFrame(frame, geometry=geometry, crs="EPSG:4326")


def to_metric(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    return frame.to_crs(METRIC_CRS)
