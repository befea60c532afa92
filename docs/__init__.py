"""Documentation shipped with manifest-guard: docs/rules.md is what `manifest-guard rule` prints."""
