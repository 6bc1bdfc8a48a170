"""Template filters for showing roles in people's words."""

from __future__ import annotations

from django import template

from vangnet.core.roles import Role

register = template.Library()


@register.filter
def role_labels(value: str | None) -> str:
    """``"care_coordinator,teacher"`` (as the audit log stores it) → the roles' names."""
    if not value:
        return ""
    names = []
    for code in str(value).split(","):
        code = code.strip()
        names.append(str(Role(code).label) if code in Role.values else code)
    return ", ".join(names)
