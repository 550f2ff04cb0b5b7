"""Start the app warm: heavy modules imported, demo read, before the first visitor.

``make run`` uses this instead of ``streamlit run``: it imports the heavy modules
(geopandas, scikit-learn, scipy) and reads the default dataset into the shared
resource cache in this process, then hands over to Streamlit's own command line.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    sys.path.insert(0, str(ROOT))
    from streamlit.web import cli

    from app import data

    ds = data.demo_dataset()
    data.loaded(ds.incidents, ds.wards_path(ds.wards[0][0]))  # fills the resource cache
    sys.argv = [
        "streamlit",
        "run",
        str(ROOT / "app" / "streamlit_app.py"),
        *sys.argv[1:],
    ]
    sys.exit(cli.main())


if __name__ == "__main__":
    main()
