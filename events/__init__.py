"""The agenda and announcements app.

Its package name, `events`, is also the module name of the `Events` library
(PyPI « Events »), which opensearch-py imports (`from events import Events`,
opensearchpy/metrics/metrics_events.py): with the project on the path, that
import finds this app, and `SEARCH_BACKEND=opensearch` could not load
(opensearch-project/opensearch-py#756). The library's two names are given
here, loaded from the installed distribution itself.
"""

from importlib import metadata, util


def _events_library():
    try:
        path = metadata.distribution("Events").locate_file("events/events.py")
    except metadata.PackageNotFoundError:  # opensearch-py not installed
        return None
    spec = util.spec_from_file_location("_events_library", path)
    module = util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_library = _events_library()
if _library is not None:
    Events = _library.Events
    EventsException = _library.EventsException
