"""Finding the math in notes: chains of equal expressions in Markdown, LaTeX and plain
text, with exact source positions. Pure functions over strings; no SymPy.

Stage 3: may import `symcheck.runtime`, `symcheck.model` and `symcheck.read`.
"""
