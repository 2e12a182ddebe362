"""``python -m authoring``: the same as the ``authoring`` command."""

from authoring.cli import app

app(prog_name="authoring")
