"""Persistence only. Import every model here so Alembic and the architecture test see them all."""

from .base import AppSession
from .base import Base
from .base import CrossTenantAccess
from .base import TenantScoped
from .jira_mirror import JiraProject
from .tenant import ConsumedInstallToken
from .tenant import Tenant

# Models that are deliberately not tenant-scoped (the tenant registry itself, protocol state).
GLOBAL_MODELS = (Tenant, ConsumedInstallToken)

__all__ = [
    "AppSession",
    "Base",
    "ConsumedInstallToken",
    "CrossTenantAccess",
    "GLOBAL_MODELS",
    "JiraProject",
    "Tenant",
    "TenantScoped",
]
