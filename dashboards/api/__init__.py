"""The read-only open data API (/api/v1/): verified public data only, through selectors."""
