"""The quarterly notice: the page, the PDF preview and printing, the archive of issued notices."""
