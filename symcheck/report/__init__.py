"""`symcheck report`: LaTeX/PDF reports, numeric tables and plots of result data.

Stage 8: may import `runtime`, `model`, `read`, `notes`, `load` and `printers`.
"""
