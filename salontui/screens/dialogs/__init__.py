"""Modal dialogs: each a ``ModalScreen[Result]`` answering through ``dismiss(value)``.

Every dialog focuses its first field, Tab moves on, Enter confirms from any
field and Escape cancels (``dismiss(None)``). A form dialog performs its own
store write in a thread worker, so a refusal from the store is shown at the
field it names while the dialog is still open, and nothing changes.
"""
