"""goarchlab matrix."""
