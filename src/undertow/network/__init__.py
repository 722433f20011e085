"""The network: a multi-layer graph over canonical entities, its communities, each
person's likely role, the key players, and what removing them would do."""
