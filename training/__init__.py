"""Training (扶智): the course catalogue, enrolment and waitlists, completion and certified skills."""
