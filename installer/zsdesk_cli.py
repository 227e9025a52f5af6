"""Entry point of the bundled ``zsdesk-cli`` executable: the engine's command line, no window.

On Windows the main ``zsdesk.exe`` is a windowed program with no console, so anything it prints
is lost; ``zsdesk-cli.exe`` is the console twin for ``zsdesk-cli check``, scripts and support.
"""

import sys

from zsdesk.cli import main

if __name__ == "__main__":
    sys.exit(main())
