"""``python -m authoring``: the same as the ``authoring`` command."""

from authoring.cli.app import run

run()
