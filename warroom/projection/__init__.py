"""What the public may see of the record: the one projection of an incident, the components, their memos, and the Statuspage shapes."""
