"""The desk's screens (one per file); modal dialogs live in ``screens/dialogs``."""
