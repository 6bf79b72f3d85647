"""The REST API (`/api/v1/`): thin DRF views over the same domain functions as the pages."""
