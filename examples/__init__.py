"""chainrule's lessons: each module is a runnable, literate demo (``python -m examples``)."""
