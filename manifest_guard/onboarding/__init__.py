"""``init``: find a repository's apps and their modes from the code, write the manifests they lack,
declare them in the configuration and add the pre-commit hook, keeping the user's files as written."""
