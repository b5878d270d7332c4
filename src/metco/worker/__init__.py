"""The background worker: delivers the transactional outbox and runs scheduled jobs."""
