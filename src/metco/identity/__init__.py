"""Identity: accounts, passwords, access tokens, password reset."""
