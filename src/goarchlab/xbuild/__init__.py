"""goarchlab xbuild."""
