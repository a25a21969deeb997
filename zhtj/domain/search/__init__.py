"""Global search (X-1): what a typed text asks for, and the index terms of names (decision 0025)."""
