"""Checklist admin (drafts editable, published versions read-only)."""
