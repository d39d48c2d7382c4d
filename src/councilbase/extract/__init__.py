"""The extract stage: states, organisations, references and people from parsed records."""
