"""The OpenAPI schema: every operation documents the shared error shape for its error statuses."""

from drf_spectacular.openapi import AutoSchema as BaseAutoSchema

from .errors import ErrorSerializer

ERROR_STATUSES = {
    "400": "Invalid input; `fields` names the inputs at fault.",
    "401": "No valid credentials were sent.",
    "403": "Not allowed for this person, or not in the workshop's current phase.",
    "404": "No such object, or not one you can see.",
    "405": "Method not allowed.",
    "406": "Not acceptable.",
    "409": "Conflict: a stale `expected_version` or something that already exists.",
    "413": "The request body is too large.",
    "415": "Unsupported media type.",
    "429": "Too many requests; wait and try again.",
}
WRITE_ONLY_STATUSES = {"409", "413", "415"}


class AutoSchema(BaseAutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for code, description in ERROR_STATUSES.items():
            if code in WRITE_ONLY_STATUSES and self.method == "GET":
                continue
            if code not in responses:
                response = self._get_response_for_code(ErrorSerializer, code)
                response["description"] = description
                responses[code] = response
        return responses
