"""One reader per input format (text, docx, html, pdf); see ``luoshi.docparse.readers``."""
