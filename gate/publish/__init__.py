"""Past one repository: AI-BOMs published to Dependency-Track and portfolio answers read back."""
