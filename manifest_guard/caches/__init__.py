"""What a run remembers under the git directory, never inside the work tree: md5 by blob id, manifests
already found schema-valid, and whole check results of unchanged apps.
"""
