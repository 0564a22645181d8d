"""python -m lab1 ...: see lab1/cli.py or `python -m lab1 --help`."""
import sys

from .cli import main

sys.exit(main())
