"""The camera register: every change kept with its date; any past date rebuilt."""

import datetime as dt

import pandas as pd
import pytest

from geo.errors import GeoInputError
from geo.workspace import Workspace
from tests.conftest import ORIGIN


def _cam(cid, dx, **kw):
    return {"camera_id": cid, "name": f"Camera {cid}", "x": ORIGIN[0] + dx,
            "y": ORIGIN[1], "range_m": 100.0, **kw}  # fmt: skip


@pytest.fixture
def register(tmp_path):
    """C1 installed March 2021 looking east, re-aimed south from January 2022;
    C2 of unknown age, decommissioned March 2022; C3 entered in error and
    deleted; P1 a proposed site."""
    ws = Workspace(tmp_path / "ws.duckdb")
    ws.record_cameras(
        [
            _cam("C1", 0, bearing=90.0, fov=60.0, install_date="2021-03-01"),
            _cam("C2", 200),
            _cam("C3", 400, install_date="2022-06-01"),
        ]
    )
    ws.record_cameras(
        [{"camera_id": "C1", "bearing": 180.0, "effective": "2022-01-01"}]
    )
    ws.record_cameras(
        [
            {
                "camera_id": "C2",
                "status": "decommissioned",
                "decommission_date": "2022-03-01",
                "effective": "2022-03-01",
            }
        ]
    )
    ws.record_cameras([{"camera_id": "C3", "action": "delete"}])
    ws.record_cameras([_cam("P1", 600, status="proposed")])
    return ws


def _state(ws, on, **kw):
    cams = ws.cameras(on, **kw)
    return {r.camera_id: r.bearing for r in cams.itertuples()}


def test_a_past_date_is_rebuilt_from_the_history(register):
    assert _state(register, "2021-01-15", in_service=True).keys() == {"C2"}
    assert _state(register, "2021-06-01", in_service=True).keys() == {"C1", "C2"}
    assert _state(register, "2021-06-01", in_service=True)["C1"] == 90.0
    assert _state(register, "2022-02-01", in_service=True)["C1"] == 180.0
    assert _state(register, "2022-04-01", in_service=True).keys() == {"C1"}
    # the whole register today: the proposed site and the decommissioned camera
    # are in it, the camera entered in error is not
    today = register.cameras()
    assert set(today["camera_id"]) == {"C1", "C2", "P1"}
    assert today.set_index("camera_id").loc["P1", "status"] == "proposed"
    history = register.camera_history()
    assert history["action"].tolist().count("delete") == 1
    assert len(history) == 7


def test_no_change_is_not_recorded_and_bad_values_are_refused(register):
    assert register.record_cameras([{"camera_id": "C1", "bearing": 180.0}]) == 0
    with pytest.raises(
        GeoInputError, match="camera 'C1': bearing 400 must be 0 to 360"
    ):
        register.record_cameras([{"camera_id": "C1", "bearing": 400.0}])
    with pytest.raises(GeoInputError, match="needs an id"):
        register.record_cameras([{"camera_id": " ", "x": 1.0, "y": 2.0}])
    with pytest.raises(GeoInputError, match="has no location"):
        register.record_cameras([{"camera_id": "N1", "name": "nowhere"}])
    with pytest.raises(GeoInputError, match="status 'broken' is not one of"):
        register.record_cameras([_cam("S1", 5, status="broken")])


def test_a_camera_list_imported_twice_adds_nothing(tmp_path):
    path = tmp_path / "cams.csv"
    path.write_text(
        "camera_id,easting,northing,range_m,install_date\n"
        f"A1,{ORIGIN[0]},{ORIGIN[1]},80,2022-05-01\n"
        f"A2,{ORIGIN[0] + 50},{ORIGIN[1]},,\n"
    )
    ws = Workspace(tmp_path / "ws.duckdb")
    assert ws.import_cameras(path)[1] == 2
    assert ws.import_cameras(path)[1] == 0
    cams = ws.cameras("2022-01-01", in_service=True)
    assert cams["camera_id"].tolist() == ["A2"]  # A1 was installed later
    cams = ws.cameras(dt.date(2022, 5, 1), in_service=True)
    assert cams["camera_id"].tolist() == ["A1", "A2"]


def test_a_faulty_camera_watches_nothing_until_repaired(register):
    register.record_cameras(
        [{"camera_id": "C1", "status": "faulty", "effective": "2022-05-01"}]
    )
    register.record_cameras(
        [{"camera_id": "C1", "status": "working", "effective": "2022-08-01"}]
    )
    assert "C1" in _state(register, "2022-04-01", in_service=True)
    assert "C1" not in _state(register, "2022-06-01", in_service=True)
    assert "C1" in _state(register, "2022-09-01", in_service=True)


def test_cameras_swapped_or_far_outside_the_area_are_refused_by_name(tmp_path):
    """Longitude and latitude swapped, or another town's camera: never 0.0% quietly."""
    from geo.cctv import read_cameras
    from geo.errors import GeoInputError
    from geo.workspace import Workspace
    from tests.conftest import police_row

    swapped = tmp_path / "swapped.csv"
    swapped.write_text("camera_id,longitude,latitude\nC1,-3.05,53.81\nC2,53.81,-3.05\n")
    with pytest.raises(
        GeoInputError, match=r"camera 'C2': longitude 53\.81 and latitude"
    ):
        read_cameras(swapped)
    ws = Workspace(tmp_path / "w.duckdb")
    rows = pd.DataFrame([police_row(0, 0), police_row(300, 300)])
    (tmp_path / "2022-01-test-street.csv").write_text(rows.to_csv(index=False))
    ws.import_incidents([tmp_path / "2022-01-test-street.csv"])
    far = tmp_path / "far.csv"
    far.write_text(
        "camera_id,easting,northing\n"
        "NEAR,330100,436100\nFAR,380000,436000\n"  # 50 km east of the incidents
    )
    with pytest.raises(GeoInputError, match=r"camera 'FAR': it stands 49\.\d km out"):
        ws.import_cameras(far)
    assert ws.cameras().empty  # nothing imported
