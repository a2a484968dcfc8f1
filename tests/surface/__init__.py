"""Tests of pulumi_mms.surface."""
