"""Export plugins: each module defines FORMAT, MEDIA_TYPE and render(rows)."""
