"""Paper, shared by the browser journeys: a page printed as the browser prints it, on A4 portrait."""
import re

from playwright.sync_api import expect

A4 = {"width": 794, "height": 1123}  # 210 × 297 mm at 96 px an inch
A4_POINTS = (595, 842)  # as Chromium writes an A4 page's MediaBox, rounded


def printed_on_a4(page, pages: int = 1) -> bytes:
    """Prints the page to PDF in print media: the site's header and the print buttons hidden,
    nothing wider than A4, `pages` pages, each A4 portrait. Returns the PDF; the page is left as
    it was (screen media, its viewport)."""
    viewport = page.viewport_size
    page.emulate_media(media="print")
    expect(page.locator("header.site-header")).to_be_hidden()
    buttons = "[data-print], .print-button, #print-paper, #print-notice"
    assert page.evaluate(f"[...document.querySelectorAll('{buttons}')].filter(e => e.offsetParent).length") == 0, \
        "a print button is printed"
    page.set_viewport_size(A4)
    assert page.evaluate("document.documentElement.scrollWidth") <= A4["width"], "wider than A4"
    pdf = page.pdf(format="A4", prefer_css_page_size=True, print_background=True)
    count = len(re.findall(rb"/Type\s*/Page(?!s)", pdf))
    assert count == pages, f"{count} pages, not {pages}"
    boxes = {tuple(round(float(n)) for n in m) for m in re.findall(
        rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", pdf)}
    assert boxes == {A4_POINTS}, f"pages of {boxes} points, not A4 portrait"
    page.set_viewport_size(viewport)
    page.emulate_media(media="screen")
    return pdf
