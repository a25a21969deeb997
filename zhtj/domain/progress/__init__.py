"""Entry progress (X-3) and school progress (X-5), from per-org counters kept live (decision 0026)."""
