"""Persistence only. Import every model here so Alembic and the architecture test see them all."""

from .account import Account
from .account import AccountCategory
from .account import AccountLink
from .account import Customer
from .approval import ApprovalLog
from .approval import Discrepancy
from .approval import PeriodClosure
from .approval import TimesheetApproval
from .audit import AuditChainHead
from .audit import AuditEntry
from .base import AppSession
from .base import Base
from .base import CrossTenantAccess
from .base import TenantScoped
from .capacity import Absence
from .capacity import Holiday
from .capacity import HolidayScheme
from .capacity import HolidaySchemeMember
from .capacity import Plan
from .capacity import PlanDay
from .capacity import Team
from .capacity import TeamMembership
from .capacity import WorkloadScheme
from .capacity import WorkloadSchemeMember
from .invoice import Invoice
from .invoice import InvoiceCounter
from .invoice import InvoiceItem
from .invoice import InvoiceLine
from .jira_mirror import JiraIssue
from .jira_mirror import JiraProject
from .jira_mirror import JiraUser
from .jira_mirror import JiraWorklog
from .money import BudgetAlert
from .money import ExchangeRate
from .money import Expense
from .money import Milestone
from .money import Rate
from .role import Role
from .role import RoleAssignment
from .share import Share
from .share import ShareAccess
from .sync import InboxEvent
from .sync import SyncState
from .tenant import ConsumedInstallToken
from .tenant import Tenant
from .tenant import TenantSetting
from .worklog import ApiToken
from .worklog import WorkAttribute
from .worklog import Worklog

# Models that are deliberately not tenant-scoped (the tenant registry itself, protocol state).
GLOBAL_MODELS = (Tenant, ConsumedInstallToken)

__all__ = [
    "Absence",
    "Holiday",
    "HolidayScheme",
    "HolidaySchemeMember",
    "Plan",
    "PlanDay",
    "Team",
    "TeamMembership",
    "WorkloadScheme",
    "WorkloadSchemeMember",
    "Account",
    "AccountCategory",
    "AccountLink",
    "ApiToken",
    "ApprovalLog",
    "AuditChainHead",
    "AuditEntry",
    "Discrepancy",
    "PeriodClosure",
    "TimesheetApproval",
    "Customer",
    "AppSession",
    "Base",
    "ConsumedInstallToken",
    "CrossTenantAccess",
    "GLOBAL_MODELS",
    "InboxEvent",
    "Invoice",
    "InvoiceCounter",
    "InvoiceItem",
    "InvoiceLine",
    "JiraIssue",
    "JiraProject",
    "JiraUser",
    "JiraWorklog",
    "BudgetAlert",
    "ExchangeRate",
    "Expense",
    "Milestone",
    "Rate",
    "Role",
    "RoleAssignment",
    "Share",
    "ShareAccess",
    "SyncState",
    "Tenant",
    "TenantScoped",
    "TenantSetting",
    "WorkAttribute",
    "Worklog",
]
