"""Run engine-backed tests on every backend: SciPy (the reference path) and, when installed,
OpenCV. A test module picks the scope it needs::

    engine_name = pytest.fixture(autouse=True, scope="module", params=ENGINES)(selected_engine)
"""

import os

from convgui import planner

ENGINES = ["scipy"] + (["opencv"] if planner.cv2 is not None else [])


def selected_engine(request):
    """Set ``CONVGUI_ENGINE`` to the fixture's parameter for the fixture's scope."""
    previous = os.environ.get("CONVGUI_ENGINE")
    os.environ["CONVGUI_ENGINE"] = request.param
    yield request.param
    if previous is None:
        del os.environ["CONVGUI_ENGINE"]
    else:
        os.environ["CONVGUI_ENGINE"] = previous
