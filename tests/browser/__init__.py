"""Browser tests: the course driven in a real Chromium, the way a learner uses it."""
