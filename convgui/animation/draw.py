"""Drawing animation frames: a layout of boxes and labels, rendered to palette images (Pillow),
SVG (xml.etree) and PDF pages (fpdf2, imported only when a PDF is written). No Qt.

:class:`Figure` places everything in pixels and lists each frame's items in three layers: the
*background* every frame shares (title, the grid with its values, empty output cells, legend),
the *filled* output cells (one more per frame) and the *overlay* of one frame (the window over
its taps, the current output cell). :class:`RasterRenderer` draws the layers straight into one
fixed palette ("P" images, one shared palette, text anti-aliased with palette shades), drawing
the background once and per frame only what changes. The colours follow conv_arithmetic's:
blue input, dashed light padding, a dark window, cyan outputs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from xml.etree import ElementTree as ET

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from convgui.animation.frames import INPUT, INSERTED, PADDING, Animation, Frame, cell_text

__all__ = [
    "DEFAULT_CELL", "MAX_CELL", "MIN_CELL", "THEMES", "Box", "Figure", "Label",
    "RasterRenderer", "svg_frame",
]

DEFAULT_CELL = 36
MIN_CELL, MAX_CELL = 12, 160
#: ``(name, light RGB, dark RGB)``: every colour a frame uses, by role.
_COLOURS = (
    ("background", (255, 255, 255), (0, 43, 54)),
    ("input", (125, 185, 232), (38, 139, 210)),
    ("padding", (255, 255, 255), (0, 43, 54)),
    ("inserted", (222, 236, 247), (7, 54, 66)),
    ("tap_input", (30, 104, 163), (160, 210, 245)),
    ("tap_padding", (101, 123, 131), (147, 161, 161)),
    ("tap_inserted", (70, 118, 150), (120, 165, 195)),
    ("output_pending", (255, 255, 255), (0, 43, 54)),
    ("output_done", (122, 206, 198), (42, 161, 152)),
    ("output_current", (20, 122, 114), (181, 137, 0)),
    ("grid", (0, 43, 54), (147, 161, 161)),
    ("dash", (88, 110, 117), (131, 148, 150)),
    ("faint", (176, 190, 194), (88, 110, 117)),
    ("window_edge", (7, 54, 66), (253, 246, 227)),
    ("text", (0, 43, 54), (238, 232, 213)),
    ("text_muted", (101, 123, 131), (131, 148, 150)),
    ("text_window", (255, 255, 255), (0, 43, 54)),
    ("weight", (255, 214, 102), (203, 75, 22)),
)
THEMES = ("light", "dark")
_FILLS = ("background", "input", "padding", "inserted", "tap_input", "tap_padding",
          "tap_inserted", "output_pending", "output_done", "output_current")
_TEXTS = ("text", "text_muted", "text_window", "weight")
_SHADES = 3  # anti-aliasing levels between a text colour and the fill under it
_KIND_FILL = {INPUT: "input", PADDING: "padding", INSERTED: "inserted"}
_TAP_FILL = {INPUT: "tap_input", PADDING: "tap_padding", INSERTED: "tap_inserted"}
FONT_FAMILY = "Aileron, Helvetica, Arial, sans-serif"


def theme_colours(theme: str) -> dict[str, tuple[int, int, int]]:
    """Colour role → RGB for ``theme`` (``"light"`` or ``"dark"``)."""
    if theme not in THEMES:
        raise ValueError(f"unknown theme {theme!r}: use {', '.join(THEMES)}")
    column = 1 if theme == "light" else 2
    return {row[0]: row[column] for row in _COLOURS}


@dataclass(frozen=True)
class Box:
    """A rectangle ``[x, x + w] × [y, y + h]`` in pixels: filled with colour role ``fill``
    and/or outlined *inside* its bounds by ``stroke`` (``width`` px, dashed or solid)."""

    x: int
    y: int
    w: int
    h: int
    fill: str | None = None
    stroke: str | None = None
    width: int = 1
    dashed: bool = False


@dataclass(frozen=True)
class Label:
    """Text centred on ``(x, y)``, ``size`` px, colour role ``colour``, drawn over a fill of
    role ``under`` (the raster anti-aliases against it)."""

    x: float
    y: float
    text: str
    size: int
    colour: str
    under: str


Item = Box | Label


@lru_cache(maxsize=64)
def font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """Pillow's bundled default font at ``size`` px (no system font files needed)."""
    return ImageFont.load_default(size=size)


@lru_cache(maxsize=4096)
def _fitted_size(text: str, size: int, max_width: float) -> int:
    """``size``, or smaller (≥ 6) until ``text`` is at most ``max_width`` px wide."""
    while size > 6 and font(size).getlength(text) > max_width:
        size -= 1
    return size


class Figure:
    """Where everything of an :class:`~convgui.animation.frames.Animation` goes, in pixels.

    ``cell`` is the side of one grid cell (px); ``width``/``height`` the frame size.
    """

    def __init__(self, animation: Animation, cell: int = DEFAULT_CELL, theme: str = "light"
                 ) -> None:
        if not MIN_CELL <= cell <= MAX_CELL:
            raise ValueError(f"the cell size must be {MIN_CELL} to {MAX_CELL} px, got {cell}")
        self.animation, self.cell, self.theme = animation, int(cell), theme
        self.colours = theme_colours(theme)
        c = self.cell
        self.margin = max(8, c // 2)
        self.title_size = max(10, round(c * 0.36))
        self.value_size = max(7, round(c * 0.42))
        self.weight_size = max(6, round(c * 0.27))
        self.label_size = max(9, round(c * 0.32))
        self.window_width = max(2, c // 12)
        grid_h, grid_w = animation.grid.shape
        out_h, out_w = animation.out_hw
        rows = max(grid_h, out_h)
        top = self.margin + round(self.title_size * 1.8)
        self.grid_origin = (self.margin, top + (rows - grid_h) * c // 2)
        gap = max(c, 24)
        self.output_origin = (self.margin + grid_w * c + gap, top + (rows - out_h) * c // 2)
        self.labels_y = top + rows * c + round(self.label_size * 1.2)
        self.legend_y = self.labels_y + round(self.label_size * 1.8)
        self._legend, legend_right = self._legend_items()
        title_w = font(self.title_size).getlength(animation.title)
        content_w = self.output_origin[0] + out_w * c
        self.width = int(max(content_w, self.margin + title_w, legend_right) + self.margin)
        self.height = int(self.legend_y + round(self.label_size * 1.2) + self.margin)

    def __len__(self) -> int:
        return len(self.animation)

    # -- positions -------------------------------------------------------------------------

    def grid_cell(self, r: int, c: int) -> tuple[int, int]:
        """Top-left pixel of grid cell (r, c)."""
        x0, y0 = self.grid_origin
        return (x0 + c * self.cell, y0 + r * self.cell)

    def output_cell(self, i: int, j: int) -> tuple[int, int]:
        """Top-left pixel of output cell (i, j)."""
        x0, y0 = self.output_origin
        return (x0 + j * self.cell, y0 + i * self.cell)

    # -- items -----------------------------------------------------------------------------

    def _value(self, x: int, y: int, value: float, colour: str, under: str) -> Label:
        text = cell_text(value)
        size = _fitted_size(text, self.value_size, self.cell * 0.88)
        return Label(x + self.cell / 2, y + self.cell / 2, text, size, colour, under)

    def background(self) -> list[Item]:
        """What every frame shows: title, the grid (values too with numbers), the empty output
        cells, the captions and the legend."""
        a, c = self.animation, self.cell
        items: list[Item] = [Label(self.margin + font(self.title_size).getlength(a.title) / 2,
                                   self.margin + self.title_size * 0.7, a.title,
                                   self.title_size, "text", "background")]
        cells = [(r, col, int(a.kinds[r, col])) for r in range(a.grid.shape[0])
                 for col in range(a.grid.shape[1])]
        items += [Box(*self.grid_cell(r, col), c, c, fill=_KIND_FILL[k]) for r, col, k in cells]
        items += [Box(*self.grid_cell(r, col), c, c, stroke="dash", dashed=True)
                  for r, col, k in cells if k != INPUT]
        items += [Box(*self.grid_cell(r, col), c, c, stroke="grid")
                  for r, col, k in cells if k == INPUT]
        if a.numbers:
            items += [self._value(*self.grid_cell(r, col), a.grid[r, col],
                                  "text" if k == INPUT else "text_muted", _KIND_FILL[k])
                      for r, col, k in cells]
        out_h, out_w = a.out_hw
        items += [Box(*self.output_cell(i, j), c, c, fill="output_pending", stroke="faint")
                  for i in range(out_h) for j in range(out_w)]
        grid_w = a.grid.shape[1]
        items.append(Label(self.grid_origin[0] + grid_w * c / 2, self.labels_y, "input",
                           self.label_size, "text", "background"))
        items.append(Label(self.output_origin[0] + out_w * c / 2, self.labels_y, "output",
                           self.label_size, "text", "background"))
        return items + self._legend

    def _legend_items(self) -> tuple[list[Item], int]:
        """The legend's swatches and captions, and the x where it ends."""
        kinds = set(np.unique(self.animation.kinds).tolist())
        entries = [("input", "input", False)]
        if PADDING in kinds:
            fill = "-inf" if self.animation.op == "max" else self.animation.padding_fill
            entries.append(("padding", f"padding ({fill})", True))
        if INSERTED in kinds:
            entries.append(("inserted", "zero inserted by the stride", True))
        entries.append(("tap_input", "window", False))
        entries.append(("output_done", "output", False))
        side = max(8, round(self.label_size * 0.9))
        x, y = self.margin, self.legend_y
        items: list[Item] = []
        for fill, text, dashed in entries:
            items.append(Box(x, y - side // 2, side, side, fill=fill))
            items.append(Box(x, y - side // 2, side, side, stroke="dash" if dashed else "grid",
                             dashed=dashed))
            width = font(self.label_size).getlength(text)
            items.append(Label(x + side + 4 + width / 2, y, text, self.label_size, "text",
                               "background"))
            x += side + 4 + int(width) + side
        return items, x - side

    def filled(self, i: int, j: int) -> list[Item]:
        """Output cell (i, j) once computed."""
        a, c = self.animation, self.cell
        x, y = self.output_cell(i, j)
        items: list[Item] = [Box(x, y, c, c, fill="output_done", stroke="grid")]
        if a.numbers:
            items.append(self._value(x, y, a.output[i, j], "text", "output_done"))
        return items

    def overlay(self, frame: Frame) -> list[Item]:
        """What frame ``frame`` adds: its window (taps shaded, values and weights) and its
        output cell (highlighted, with its value)."""
        a, c = self.animation, self.cell
        items: list[Item] = []
        weights = a.window_kernel.ravel() if a.window_kernel is not None else None
        for t, (r, col) in enumerate(frame.window):
            x, y = self.grid_cell(r, col)
            fill = _TAP_FILL[int(a.kinds[r, col])]
            items.append(Box(x, y, c, c, fill=fill, stroke="grid"))
            if a.numbers:
                items.append(self._value(x, y, a.grid[r, col], "text_window", fill))
                if weights is not None:
                    text = cell_text(weights[t])
                    size = _fitted_size(text, self.weight_size, c * 0.5)
                    half = font(size).getlength(text) / 2
                    items.append(Label(x + c - half - 2, y + c - size * 0.55, text, size,
                                       "weight", fill))
        top, left, bottom, right = frame.span
        x0, y0 = self.grid_cell(top, left)
        items.append(Box(x0, y0, (right - left) * c, (bottom - top) * c, stroke="window_edge",
                         width=self.window_width))
        x, y = self.output_cell(*frame.output_index)
        items.append(Box(x, y, c, c, fill="output_current", stroke="window_edge",
                         width=self.window_width))
        if a.numbers:
            items.append(self._value(x, y, frame.value, "text_window", "output_current"))
        return items

    def items(self, n: int) -> list[Item]:
        """Every item of frame ``n``, bottom to top (for the vector formats)."""
        out_w = self.animation.out_hw[1]
        items = self.background()
        for done in range(n):
            items += self.filled(*divmod(done, out_w))
        return items + self.overlay(self.animation.frame(n))


# ----------------------------------------------------------------------------------------------
# Raster: one fixed palette


class RasterRenderer:
    """Frames of a :class:`Figure` as "P" images sharing one palette (:attr:`palette`).

    Index :attr:`transparent` is a palette entry no drawing uses, free for the writers to mark
    unchanged pixels.
    """

    def __init__(self, figure: Figure) -> None:
        self.figure = figure
        colours = figure.colours
        rgb: list[tuple[int, int, int]] = []
        self.index: dict[str, int] = {}
        for name, value in colours.items():
            self.index[name] = len(rgb)
            rgb.append(value)
        self._shades: dict[tuple[str, str], np.ndarray] = {}
        for text in _TEXTS:
            for under in _FILLS:
                lut = [self.index[under]]
                fg, bg = np.array(colours[text]), np.array(colours[under])
                for level in range(1, _SHADES + 1):
                    mix = level / (_SHADES + 1)
                    lut.append(len(rgb))
                    rgb.append(tuple(int(round(v)) for v in bg + (fg - bg) * mix))
                lut.append(self.index[text])
                self._shades[(text, under)] = np.array(lut, dtype=np.uint8)
        self.transparent = len(rgb)
        rgb.append((255, 0, 255))
        self.palette = [v for colour in rgb for v in colour]
        self._text_cache: dict[tuple[str, int], tuple[np.ndarray, int, int]] = {}

    def new_image(self, pixels: np.ndarray) -> Image.Image:
        """A "P" image of ``pixels`` (palette indices) with :attr:`palette`."""
        image = Image.fromarray(pixels, mode="L")
        image.putpalette(self.palette)
        return image

    def draw(self, pixels: np.ndarray, items: Sequence[Item]) -> None:
        """Draw ``items`` into ``pixels`` (H × W palette indices), in order."""
        for item in items:
            if isinstance(item, Box):
                self._box(pixels, item)
            else:
                self._label(pixels, item)

    def _box(self, px: np.ndarray, box: Box) -> None:
        x0, y0, x1, y1 = box.x, box.y, box.x + box.w, box.y + box.h
        if box.fill is not None:
            px[y0:y1 + 1, x0:x1 + 1] = self.index[box.fill]
        if box.stroke is None:
            return
        colour, lw = self.index[box.stroke], box.width
        if not box.dashed:
            px[y0:y0 + lw, x0:x1 + 1] = colour
            px[y1 - lw + 1:y1 + 1, x0:x1 + 1] = colour
            px[y0:y1 + 1, x0:x0 + lw] = colour
            px[y0:y1 + 1, x1 - lw + 1:x1 + 1] = colour
            return
        dash = max(2, self.figure.cell // 9)
        on_x = (np.arange(x1 - x0 + 1) // dash) % 2 == 0
        on_y = (np.arange(y1 - y0 + 1) // dash) % 2 == 0
        for row in (y0, y1):
            line = px[row, x0:x1 + 1]
            line[on_x] = colour
        for col in (x0, x1):
            line = px[y0:y1 + 1, col]
            line[on_y] = colour

    def _text_mask(self, text: str, size: int) -> tuple[np.ndarray, int, int]:
        """Anti-aliasing levels 0 … 4 of ``text`` and the offset of its box from the centre."""
        key = (text, size)
        if key not in self._text_cache:
            f = font(size)
            left, top, right, bottom = (int(v) for v in f.getbbox(text, anchor="mm"))
            mask = Image.new("L", (max(1, right - left), max(1, bottom - top)), 0)
            ImageDraw.Draw(mask).text((-left, -top), text, font=f, fill=255, anchor="mm")
            levels = (np.asarray(mask, dtype=np.uint16) * (_SHADES + 1) + 127) // 255
            self._text_cache[key] = (levels.astype(np.uint8), left, top)
        return self._text_cache[key]

    def _label(self, px: np.ndarray, label: Label) -> None:
        levels, left, top = self._text_mask(label.text, label.size)
        x, y = int(round(label.x)) + left, int(round(label.y)) + top
        h, w = levels.shape
        ys, xs = max(0, -y), max(0, -x)
        ye, xe = min(h, px.shape[0] - y), min(w, px.shape[1] - x)
        if ye <= ys or xe <= xs:
            return
        region = px[y + ys:y + ye, x + xs:x + xe]
        lv = levels[ys:ye, xs:xe]
        lut = self._shades[(label.colour, label.under)]
        np.copyto(region, lut[lv], where=lv > 0)

    def background(self) -> np.ndarray:
        """The pixels every frame starts from."""
        fig = self.figure
        pixels = np.full((fig.height, fig.width), self.index["background"], dtype=np.uint8)
        self.draw(pixels, fig.background())
        return pixels

    def frames(self) -> Iterator[np.ndarray]:
        """Each frame's pixels (palette indices), in order. Each array is new and owned by the
        caller: the background is drawn once, the filled outputs added one per frame, the
        overlay drawn onto a copy."""
        fig = self.figure
        progress = self.background()
        out_w = fig.animation.out_hw[1]
        for frame in fig.animation.frames():
            pixels = progress.copy()
            self.draw(pixels, fig.overlay(frame))
            yield pixels
            self.draw(progress, fig.filled(*divmod(frame.index, out_w)))


# ----------------------------------------------------------------------------------------------
# SVG


def _hex(rgb: tuple[int, int, int]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def svg_frame(figure: Figure, n: int) -> ET.Element:
    """Frame ``n`` as an ``<svg>`` element (pixels as user units)."""
    colours = figure.colours
    svg = ET.Element("svg", {
        "xmlns": "http://www.w3.org/2000/svg", "version": "1.1",
        "width": str(figure.width), "height": str(figure.height),
        "viewBox": f"0 0 {figure.width} {figure.height}",
    })
    ET.SubElement(svg, "title").text = f"{figure.animation.title} (frame {n + 1})"
    ET.SubElement(svg, "rect", {"width": "100%", "height": "100%",
                                "fill": _hex(colours["background"])})
    for item in figure.items(n):
        if isinstance(item, Box):
            if item.fill is not None:
                ET.SubElement(svg, "rect", {
                    "x": str(item.x), "y": str(item.y), "width": str(item.w + 1),
                    "height": str(item.h + 1), "fill": _hex(colours[item.fill]),
                })
            if item.stroke is not None:
                inset = item.width / 2
                attrs = {
                    "x": f"{item.x + inset:g}", "y": f"{item.y + inset:g}",
                    "width": f"{item.w + 1 - item.width:g}",
                    "height": f"{item.h + 1 - item.width:g}", "fill": "none",
                    "stroke": _hex(colours[item.stroke]), "stroke-width": str(item.width),
                }
                if item.dashed:
                    dash = max(2, figure.cell // 9)
                    attrs["stroke-dasharray"] = f"{dash} {dash}"
                ET.SubElement(svg, "rect", attrs)
        else:
            text = ET.SubElement(svg, "text", {
                "x": f"{item.x:g}", "y": f"{item.y:g}", "font-family": FONT_FAMILY,
                "font-size": str(item.size), "fill": _hex(colours[item.colour]),
                "text-anchor": "middle", "dominant-baseline": "central",
            })
            text.text = item.text
    return svg


# ----------------------------------------------------------------------------------------------
# PDF


def pdf_document(figure: Figure, frames: Sequence[int] | None = None,
                 progress: Callable[[int, int], object] | None = None) -> Any:
    """An ``fpdf.FPDF`` document with one vector page per frame (all frames by default);
    ``progress(done, total)`` is called after each page. Needs fpdf2."""
    from fpdf import FPDF  # fpdf2: imported only when a PDF is asked for

    scale = 0.75  # 96 px per inch on screen → 72 pt per inch
    pdf = FPDF(unit="pt", format=(figure.width * scale, figure.height * scale))
    pdf.set_auto_page_break(False)
    pdf.set_margin(0)
    pdf.set_creator("ConvGUI")
    pdf.set_title(figure.animation.title)
    colours = figure.colours
    indices = range(len(figure)) if frames is None else frames
    for done, n in enumerate(indices, start=1):
        pdf.add_page()
        pdf.set_fill_color(*colours["background"])
        pdf.rect(0, 0, figure.width * scale, figure.height * scale, style="F")
        for item in figure.items(n):
            if isinstance(item, Box):
                _pdf_box(pdf, item, colours, scale, figure.cell)
            else:
                pdf.set_font("helvetica", size=item.size * scale)
                pdf.set_text_color(*colours[item.colour])
                width = pdf.get_string_width(item.text)
                pdf.text(item.x * scale - width / 2, (item.y + item.size * 0.35) * scale,
                         item.text)
        if progress is not None:
            progress(done, len(indices))
    return pdf


def _pdf_box(pdf: Any, box: Box, colours: dict, scale: float, cell: int) -> None:
    if box.fill is not None:
        pdf.set_fill_color(*colours[box.fill])
        pdf.rect(box.x * scale, box.y * scale, (box.w + 1) * scale, (box.h + 1) * scale,
                 style="F")
    if box.stroke is not None:
        inset = box.width / 2
        pdf.set_draw_color(*colours[box.stroke])
        pdf.set_line_width(box.width * scale)
        dash = max(2, cell // 9) * scale if box.dashed else 0
        pdf.set_dash_pattern(dash=dash, gap=dash)
        pdf.rect((box.x + inset) * scale, (box.y + inset) * scale,
                 (box.w + 1 - box.width) * scale, (box.h + 1 - box.width) * scale, style="D")
        pdf.set_dash_pattern()
