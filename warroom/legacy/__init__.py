"""Apps that keep only their migrations, after their models moved (docs/architecture.md)."""
