"""salontui: the front desk of a hair salon, spa or beauty clinic, in a terminal."""

__version__ = "0.1.0"
