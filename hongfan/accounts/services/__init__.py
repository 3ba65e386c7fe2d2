"""Account writes under 三员分立: the security admin grants roles and sets policy, the
system admin keeps accounts, a user logs in, resets and binds their own; the auditor only
reads. One module per noun; the names are gathered here for ``services.<name>``."""

from hongfan.accounts.services.policy import POLICY_FIELDS, policy_update
from hongfan.accounts.services.roles import (
    SEPARATED_ROLES,
    role_grant,
    role_revoke,
    roles_grant_bulk,
)
from hongfan.accounts.services.roster_accounts import RosterAccounts, roster_accounts_create
from hongfan.accounts.services.sms_codes import (
    SmsThrottled,
    account_activate,
    password_reset,
    sms_code_request,
    sms_codes_prune,
    sms_login,
)
from hongfan.accounts.services.users import (
    FAILURE_LOG_DAYS,
    login_failure_noted,
    login_failures_prune,
    password_change,
    totp_device_pending,
    unlock_user,
    unlock_user_from_console,
    user_create,
    user_set_active,
)
from hongfan.accounts.services.wechat import wechat_bind, wechat_unbind

__all__ = [
    "FAILURE_LOG_DAYS",
    "POLICY_FIELDS",
    "SEPARATED_ROLES",
    "RosterAccounts",
    "SmsThrottled",
    "account_activate",
    "login_failure_noted",
    "login_failures_prune",
    "password_change",
    "password_reset",
    "policy_update",
    "role_grant",
    "role_revoke",
    "roles_grant_bulk",
    "roster_accounts_create",
    "sms_code_request",
    "sms_codes_prune",
    "sms_login",
    "totp_device_pending",
    "unlock_user",
    "unlock_user_from_console",
    "user_create",
    "user_set_active",
    "wechat_bind",
    "wechat_unbind",
]
