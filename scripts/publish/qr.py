"""QR codes of the edition, as vector SVG drawn by segno: in the PDFs and on printed pages.

    data_uri(url)  ->  "data:image/svg+xml,..."   (an <img> source for WeasyPrint)
    svg(url)       ->  "<svg ...>...</svg>"        (a file of its own)

Same address, same bytes: segno draws deterministically; the error correction level is fixed
(M: a code printed small, on a folded or creased sheet, still reads).
"""

from __future__ import annotations


def _make(url: str):
    try:
        import segno
    except ImportError as exc:  # pragma: no cover - requirements.txt installs it
        raise SystemExit(f"qr : segno n’est pas installé ({exc})")
    return segno.make(url, error="m", micro=False, boost_error=False)


def svg(url: str, title: str | None = None) -> str:
    """A standalone SVG (with its XML namespace), black on white, 4 modules of quiet zone."""
    import io
    out = io.BytesIO()
    _make(url).save(out, kind="svg", scale=4, border=4, dark="#000", light="#fff", title=title,
                    xmldecl=False, svgclass=None, lineclass=None, omitsize=False, nl=False)
    return out.getvalue().decode("utf-8")


def data_uri(url: str) -> str:
    return _make(url).svg_data_uri(scale=4, border=4, dark="#000", light="#fff",
                                   svgclass=None, lineclass=None, omitsize=False)
