"""Safe extraction of archives (tar, zip, wheels): a base facility.

Used by toolchains (installing a Go from an archive) and by the api feature
(``git archive`` of a revision); :mod:`goarchlab.archive.plan` decides what an
archive may create, :mod:`goarchlab.archive.extract` writes it.
"""
