"""X-1 global search and X-3/X-5 entry progress in GraphQL."""
