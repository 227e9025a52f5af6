"""Entry point of the bundled ``zsdesk-cli`` executable: the engine's command line, no window.

On Windows the main ``zsdesk.exe`` is a windowed program with no console, so anything it prints
is lost; ``zsdesk-cli.exe`` is the console twin for ``zsdesk-cli check``, scripts and support.
"""

import sys

from zsdesk.cli import main
from zsdesk.xlsx.check_worker import HELPER_ARGUMENT
from zsdesk.xlsx.check_worker import main as check_helper

if __name__ == "__main__":
    if sys.argv[1:] == [HELPER_ARGUMENT]:  # the window's import helper (zsdesk/xlsx/check_worker.py)
        check_helper()
        sys.exit(0)
    sys.exit(main())
