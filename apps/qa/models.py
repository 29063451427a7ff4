"""Models of the qa app."""
