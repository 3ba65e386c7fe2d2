# Placeholder replaced by the roster import/export work.
from django.http import Http404


def roster_import(request, *a, **k):
    raise Http404


roster_template = roster_export = roster_import
