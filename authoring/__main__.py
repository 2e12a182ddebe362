"""``python -m authoring``: the same as the ``authoring`` command."""

from authoring.cli.launch import run

run()
