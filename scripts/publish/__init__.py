"""Outputs made from the built site: card images, PDF, offline copy, host headers."""
