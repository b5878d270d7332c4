"""Local fakes of the providers we cannot reach from CI, speaking their documented wire formats."""
