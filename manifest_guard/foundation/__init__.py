"""Leaf modules every stage uses and that use nothing else of the package: errors that end a run,
console output, strict reading of text, TOML and positioned JSON, md5 checksums, the packaged schema.
"""
