"""The vocabulary every stage shares: the MG rule codes with their default severities, Connect's
appmodes and write modes, the directories that are never app content, and the findings a check reports.
"""
