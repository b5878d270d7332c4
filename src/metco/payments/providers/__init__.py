"""One small adapter per payment provider."""
