"""Support: conversations between customers and a store's staff, live over WebSocket or later by email."""
