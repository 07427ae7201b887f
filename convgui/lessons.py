"""The window's lessons: the titles of its central tabs, in order, and how a typed name finds
one ("step-through", "Step Through" and "step_through" all name "Step through").

Qt-free, so that ``convgui --tab NAME`` is checked before the window (and Qt) starts; the
window builds its classroom tabs from :data:`CLASSROOM_TABS`.
"""

from __future__ import annotations

__all__ = ["CLASSROOM_TABS", "PLAYGROUND", "TAB_NAMES", "TAB_TITLES", "find_tab", "tab_key"]

#: The first tab's title: any kernel on any image.
PLAYGROUND = "Playground"

#: (attribute, tab title, tooltip) of the classroom tabs, in tab order after the playground.
CLASSROOM_TABS = (
    ("matrix", "Step through", "A small grid: slide the kernel cell by cell, with the arithmetic"),
    ("filter_bank", "Filter bank", "Several kernels, their feature maps and the merged map"),
    ("channels", "Channels", "R, G and B as a CNN sees them: one kernel slice per channel"),
    ("layer", "Layer", "Convolution → activation → pooling, with the shape chain"),
    ("transposed", "Transposed", "Upsampling with a transposed convolution (checkerboards)"),
    ("quiz", "Quiz", "Generated exercises one at a time: type the answer, see right or wrong, "
                     "reveal the worked solution"),
)

#: Every central tab's title, in tab order.
TAB_TITLES = (PLAYGROUND, *(title for _attribute, title, _tip in CLASSROOM_TABS))

#: The titles as written on the command line: ``step-through``.
TAB_NAMES = tuple(title.lower().replace(" ", "-") for title in TAB_TITLES)


def tab_key(name: str) -> str:
    """``name`` as tab names are compared: its letters and digits, in lower case."""
    return "".join(ch for ch in name.lower() if ch.isalnum())


def find_tab(name: str) -> str | None:
    """The title of the tab ``name`` names (compared by :func:`tab_key`), or None."""
    wanted = tab_key(name)
    return next((title for title in TAB_TITLES if tab_key(title) == wanted), None)
