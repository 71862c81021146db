"""Everything that touches the database. Imports no Textual, returns plain data."""
