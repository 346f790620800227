"""``goarchlab godebug``: which GODEBUG defaults a go line sets, and where a main
package's DefaultGODEBUG comes from (docs/godebug.md)."""
