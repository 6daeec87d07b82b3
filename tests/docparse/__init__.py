"""Tests of the plan document parser (no database needed)."""
