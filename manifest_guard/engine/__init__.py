"""The one engine: what the manifest of a tree should be (bundle file set, environment, package file,
entrypoint inference), the manifest document in rsconnect's exact bytes, and the edits ``fix`` applies.
"""
