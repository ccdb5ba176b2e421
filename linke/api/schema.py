from drf_spectacular import generators

from ..tenancy import all_providers


class SchemaGenerator(generators.SchemaGenerator):
    """OpenAPI generation inspects querysets and filtersets but reads no tenant rows, so it runs
    outside the tenant scope (django-filter builds filtersets from `_default_manager.all().query`)."""

    def get_schema(self, request=None, public=False):
        with all_providers():
            return super().get_schema(request=request, public=public)


ERROR = {
    "type": "object",
    "description": (
        "Every error, whatever its status. `code` is stable (`invalid`, `malformed_request`, `not_authenticated`, "
        "`no_provider`, `permission_denied`, `not_found`, `invalid_transition`, `conflict`, `rate_limited`, "
        "`request_too_large`, …); `message` is translated; `details` holds per-field messages of `invalid`."
    ),
    "properties": {
        "code": {"type": "string", "example": "invalid"},
        "message": {"type": "string", "example": "The submitted data is not valid."},
        "details": {"description": "Per field, its messages (or what the code needs to say)."},
    },
    "required": ["code", "message"],
}
RETRY_AFTER = {"description": "Seconds until the client may try again.", "schema": {"type": "integer"}}
WHY = {
    "400": "The request is malformed or a field is not valid (`details` says which).",
    "403": "Not logged in, in no provider, or the role does not allow it.",
    "404": "No such object for you (another provider's answers the same), or no such page.",
    "405": "The method is not allowed here.",
    "406": "The `Accept` header asks for something other than JSON.",
    "409": "The object's state does not allow this, or it conflicts with existing data.",
    "413": "The request body is larger than the server accepts.",
    "415": "The body's content type is not accepted here.",
    "429": "Too many requests: `Retry-After` says when to try again.",
}


def document_errors(result, generator, request, public):
    """drf-spectacular postprocessing: every operation documents the error body and the statuses it can
    answer with (a view may document more, such as its 429; what it documents is given the error body)."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            writes = method in ("post", "put", "patch", "delete")
            statuses = {"400", "404", "405", "406"}
            if operation.get("security") not in ([], [{}]):  # not public: a visitor may be refused
                statuses.add("403")
            if writes:
                statuses |= {"409", "413", "415"}
            responses = operation.setdefault("responses", {})
            for status in sorted(statuses | {status for status in responses if status[0] in "45"}):
                response = responses.setdefault(status, {"description": WHY.get(status, "An error.")})
                response["content"] = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
                if status == "429":
                    response.setdefault("headers", {})["Retry-After"] = RETRY_AFTER
    return result
