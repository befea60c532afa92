"""Where files come from: the work tree, the git index and revisions, git's ignore rules, the cheap
scoping of a hook run, and the workspace that ties a source tree to its base.
"""
