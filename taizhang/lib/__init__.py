"""Plain-Python helpers with no Django imports."""
