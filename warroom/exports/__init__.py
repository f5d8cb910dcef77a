"""The incident as files: the outage issue document (and its message to a tracker), and the JSON archive that imports back."""
