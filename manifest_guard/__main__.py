"""Allow ``python -m manifest_guard``."""

from manifest_guard.cli import main_entry

if __name__ == "__main__":
    main_entry()
