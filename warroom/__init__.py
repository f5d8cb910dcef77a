"""warroom: incident communications."""
