"""The rule families, one module per MG code range: each reads an app's state and yields findings
with the edits that repair them. The catalogue of codes they report lives in ``catalogue.codes``.
"""
