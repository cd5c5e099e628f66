"""python -m newsingest."""

from .cli import main

main()
