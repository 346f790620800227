"""``goarchlab doctor``: a truthful audit of a Go development environment."""
