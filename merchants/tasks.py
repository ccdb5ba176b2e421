"""Thin Celery tasks of the merchants domain: each calls one service (CONVENTIONS §5)."""
