"""The compatibility suite compares tinytorch with PyTorch; see harness.py."""
