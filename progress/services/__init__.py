"""Business rules of the progress app (views and receivers stay thin)."""
