"""The village labour-force registry: areas, households, workers, skills."""
