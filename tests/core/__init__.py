"""Tests of pulumi_mms.core."""
