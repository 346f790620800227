"""goarchlab: audit, install, benchmark and cross-build Go natively."""

__version__ = "0.1.0"
