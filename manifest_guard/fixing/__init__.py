"""``fix``'s side effects: rewrite stale manifests on disk with compare-and-swap writes, create the
first manifest of declared apps, and stage what was written.
"""
