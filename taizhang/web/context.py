from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from taizhang.disclosure.access import can_read_batches
    from taizhang.followup.actions import CALLERS
    from taizhang.supervision.access import SUBSCRIBERS, can_read_accountability

    # Menus show a link only to a page its viewer may open (each flag is the same test the page applies).
    return {
        "can_triage": user.role in ("coordinator", "admin"),
        "is_bureau_wide": user.is_bureau_wide(),
        "can_subscribe": user.role in SUBSCRIBERS,
        "can_read_accountability": can_read_accountability(user),
        "can_read_disclosures": can_read_batches(user),
        "can_follow_up": user.role in CALLERS,
        "can_open_admin": user.is_active and user.is_staff,
        # The dashboard is scoped like the ledger, so anyone may open it; the menu offers it to those who steer.
        "can_see_dashboard": user.role in ("leader", "coordinator", "discipline", "admin"),
        "calendar_missing_years": _calendar_missing_years(user),
    }


def _calendar_missing_years(user: Any) -> list[int]:
    """Coordinators and administrators are warned of a missing holiday arrangement (from the cached config)."""
    from taizhang.clock import today
    from taizhang.supervision.calendar_notice import WARNED_ROLES, missing_years
    from taizhang.supervision.config import get_config

    if user.role not in WARNED_ROLES:
        return []
    return missing_years(today(), get_config().arranged_years)
