"""Tests of the development tools (tools/): schema.json and the README generated blocks."""
