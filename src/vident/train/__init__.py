"""Training: losses, task balancing, Neural Scale Search and the config-driven trainer."""
