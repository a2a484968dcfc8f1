"""The Pulumi surface: the data-source functions, the `MmsDataSource` dynamic resource, and the machinery
that runs lookups inside a Pulumi program (pooling, de-duplication, output types, drift).

Built on `pulumi_mms.core`; `pulumi_mms/__init__.py` exposes it lazily, since importing pulumi costs ~0.2 s.
"""
