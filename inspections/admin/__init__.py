"""Django admin in Chinese, one module per area (each registers its own models)."""
