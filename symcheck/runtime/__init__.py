"""Running work within bounds: time limits (`limits`) and worker processes (`parallel`).

Stage 0: may import nothing from symcheck.
"""
