"""Orders: what was bought, at what price, where it goes, and everything that happened to it."""
