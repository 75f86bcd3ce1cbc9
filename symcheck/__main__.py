"""`python -m symcheck` is the `symcheck` command."""

from symcheck.cli import main

if __name__ == "__main__":
    main()
