"""People and machines that act on the platform: accounts, role grants, API tokens."""
