"""Tests of pulumi_mms.cli."""
