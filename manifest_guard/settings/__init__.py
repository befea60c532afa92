"""What the user asked for: the ``[tool.manifest-guard]`` configuration, which rules run at which
severity, and the options of one check run.
"""
