from .health import HealthResource
from .secrets import SecretResource

__all__ = ["HealthResource", "SecretResource"]
