"""tito, TinyTorch's command line: the milestones (list, info, run, timeline,
status), this machine (info, doctor) and the book (build, serve).

    tito --help
    tito milestones run 3 --quick

Every command says what it does with ``--help``; a mistake in the command line is an
argparse error (exit code 2), any other problem one clear paragraph (exit code 1).
"""

from pathlib import Path

# The repository tito was installed from (an editable install, as `make setup` does):
# where milestones/, the book and requirements.txt are.
REPOSITORY = Path(__file__).resolve().parent.parent
