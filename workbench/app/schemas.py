"""Which annotation schema a file was made with, as every use case finds it."""

from __future__ import annotations

from workbench.app.errors import AppError
from workbench.core.paths import schemas_dir
from workbench.core.schema import AnnotationSchema, SchemaError, load_schema


def schema_for(ref: str | None, path: str | None = None) -> AnnotationSchema | None:
    """``path`` (a ``--schema`` flag) if given, else the shipped ``<name>.json`` that ``ref`` names.

    ``ref`` is a record's ``schema`` field (``news@1``); a shipped schema of another
    version is not used (None), since its labels may mean something else.
    """
    try:
        if path:
            return load_schema(path)
        if not ref:
            return None
        name, _, version = ref.partition("@")
        p = schemas_dir() / f"{name}.json"
        if not p.is_file():
            return None
        schema = load_schema(p)
        return schema if str(schema.version) == version or not version else None
    except SchemaError as e:
        raise AppError(str(e)) from None
