"""The JSON REST API under /api/v1: recruiter and applicant areas."""
