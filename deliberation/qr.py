"""QR codes of join links, drawn as SVG so a projector shows them sharp at any size."""

import segno


def qr_svg(url: str, scale: int = 8) -> str:
    """An SVG document encoding `url`, with a quiet zone, dark on white."""
    code = segno.make(url, error="m", micro=False)
    return code.svg_inline(scale=scale, dark="#1d2430", light="#ffffff", border=2, omitsize=True)
