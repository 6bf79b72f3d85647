"""QR codes of join links, drawn as SVG so a projector shows them sharp at any size."""

import io

import segno

COLOURS = {"dark": "#1d2430", "light": "#ffffff"}


def _code(url: str) -> segno.QRCode:
    return segno.make(url, error="m", micro=False)


def qr_svg(url: str, scale: int = 8) -> bytes:
    """A standalone SVG document encoding `url`, with a quiet zone, dark on white. It carries the
    SVG namespace: without it a browser will not show the file as an image."""
    out = io.BytesIO()
    _code(url).save(out, kind="svg", scale=scale, border=2, xmldecl=False, svgns=True, omitsize=True, **COLOURS)
    return out.getvalue()


def qr_data_uri(url: str) -> str:
    """The same image as a data: URI, so a page needs no second request and no markup is inserted."""
    return _code(url).svg_data_uri(border=2, omitsize=True, **COLOURS)
