"""``python -m tests.faults [--small]``: run the fault suite and print its table."""

import sys

from tests.faults.suite import main

sys.exit(main())
