"""goarchlab bench."""
