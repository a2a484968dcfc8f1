"""The stable import path of `MmsDataSourceProvider`, which every stack's state names.

Pulumi pickles the dynamic provider *by reference* into each resource's `__provider` state property, as
`pulumi_mms.mms_data_source.MmsDataSourceProvider`. Refresh and destroy unpickle it from there, so this
module must keep that name importable for as long as any stack holds such state (see
tests/reliability/test_state_compat.py). The implementation lives in `pulumi_mms.surface.resource`.
"""

from .surface.resource import MmsDataSource, MmsDataSourceProvider

__all__ = ["MmsDataSource", "MmsDataSourceProvider"]
