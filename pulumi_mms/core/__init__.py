"""The API core: the model, settings, credentials, endpoints, the signed client and its error mapping.

Nothing here imports pulumi: the client and the command line start fast, and the core can be used on its
own (`MmsClient`). The Pulumi surface (`pulumi_mms.surface`) builds on it.
"""
