"""assessor: English writing assessment for BPO hiring."""

__version__ = "0.1.0"
