"""Image-only copies of born-digital records: every page rendered to a grey image and put
back in a PDF with no text layer, as a scanned record is. The truth of the born-digital
record then scores the OCR of its copy."""

from __future__ import annotations

from pathlib import Path


def image_only_copy(pdf: Path, out: Path, dpi: int = 200) -> Path:
    """Write an image-only copy of ``pdf`` at ``dpi`` (grey) to ``out``; its path."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(pdf))
    images = []
    try:
        for index in range(len(document)):
            page = document[index]
            images.append(page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L"))
            page.close()
    finally:
        document.close()
    out.parent.mkdir(parents=True, exist_ok=True)
    images[0].save(out, "PDF", resolution=float(dpi), save_all=True, append_images=images[1:])
    return out
