"""goarchlab api."""
