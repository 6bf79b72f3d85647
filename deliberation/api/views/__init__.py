"""API views, one module per group of resources. Each write parses input with a serializer and
calls one domain function; errors leave through `deliberation.api.errors`."""
