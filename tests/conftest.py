"""Test-session setup shared by every test folder."""

import os

# The same single BLAS thread that `import tinytorch` asks for, set before any test module imports numpy, so that
# the tests see the results (and speed) of the scripts and the book, whatever the import order.
for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(variable, "1")
