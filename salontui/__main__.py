"""``python -m salontui`` runs the same CLI as the ``salontui`` command."""

from salontui.cli import main

main()
