"""JSON Schemas shipped with manifest-guard (the manifest schema and the check output schema)."""
