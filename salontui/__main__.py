"""``python -m salontui`` runs the same command as ``salontui``."""

from salontui.launch import main

main()
