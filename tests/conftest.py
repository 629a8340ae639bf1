"""Test-session setup shared by every test folder."""

# Imported first, before any test module imports numpy, so that tinytorch's one-BLAS-thread default takes effect and
# the tests see the results (and speed) of the scripts and the book, whatever the import order.
import tinytorch  # noqa: F401
