"""The audit log. Importing the package registers the flush hook that writes it, and audits users
(who have no change events of their own) under the entity "user"."""

from oppo_kz.audit.log import audit_model
from oppo_kz.users.models import User

audit_model(User, "user")
