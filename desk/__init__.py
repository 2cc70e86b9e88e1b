"""The application layer: configuration, intake orchestration, CLI and demo."""
