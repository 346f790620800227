"""goarchlab deps."""
