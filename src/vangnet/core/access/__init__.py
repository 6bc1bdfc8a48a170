"""Need-to-know: the one place that decides who may see and do what.

Lists go through ``visible_*`` (and the ``visible_to`` queryset methods that call them);
single records through ``access_*(user, id, *, for_write=False)``. A record outside the
user's reach raises :class:`~django.http.Http404` (its existence is not revealed); a
record the user may read but not change raises :class:`PermissionDenied` (403) on write.

The rules (see docs/domain.md, "Who uses it"):

* teacher: pupils of the groups they teach this school year; other pupils of their own
  school only through break-the-glass, where the board allows it;
* care coordinator, director/social-safety officer: every pupil of their school(s);
* confidential adviser: no pupil records (their own conversations only, later module);
* board: aggregates across the board's schools, no named pupils;
* privacy officer: the audit trail of the board, and pupils' identity only on the access
  log page (to answer requests);
* administrator: organisation data (schools, roles, social map, import), no pupil pages.
"""

# The rules are split by domain; this package is the one place to import them from.
from vangnet.core.access.base import *  # noqa: F403
from vangnet.core.access.base import _get  # noqa: F401
from vangnet.core.access.cases import *  # noqa: F403
from vangnet.core.access.dossier import *  # noqa: F403
from vangnet.core.access.incidents import *  # noqa: F403
from vangnet.core.access.measures import *  # noqa: F403
from vangnet.core.access.meetings import *  # noqa: F403
from vangnet.core.access.sharing import *  # noqa: F403
