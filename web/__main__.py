"""python -m web: the spacereg command line."""

from web.cli import main

main()
