from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "hongfan.core"
    label = "core"
    verbose_name = "核心"

    def ready(self) -> None:
        # before any URLconf is read: the project's URLs name their ids ``<id:pk>``
        from django.urls import register_converter

        from hongfan.core.converters import IdConverter

        register_converter(IdConverter, "id")

        # Issue 11 (keys): seal every audit row into the chain; keep audit rows 180+ days.
        from hongfan.core import audit

        audit.connect_signals()

        # Issue 11 (fast pages): every connection watches for writes of business data and
        # moves the data stamp when they commit (core.datastamp).
        from django.db import connections
        from django.db.backends.signals import connection_created

        from hongfan.core import datastamp

        connection_created.connect(datastamp.install, dispatch_uid="hongfan.core.datastamp")
        for conn in connections.all(initialized_only=True):
            if conn.connection is not None:
                datastamp.install(conn)
