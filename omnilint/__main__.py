import os
import sys

# `python -m omnilint` puts the working folder first on sys.path, so a `yaml.py` in the
# folder being checked would be imported instead of PyYAML and run.  omnilint itself is
# imported already; nothing else may come from there.
if not sys.flags.safe_path and sys.path and os.path.abspath(sys.path[0] or os.curdir) == os.getcwd():
    del sys.path[0]

from .cli import main

sys.exit(main())
