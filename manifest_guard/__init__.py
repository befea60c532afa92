"""manifest-guard: keep Posit Connect's manifest.json true to the code it describes."""

__version__ = "0.1.0"
