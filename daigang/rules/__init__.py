"""Content rules for every text a seeker reads: one normaliser, one term automaton.

Domain-free: the domains (jobs, accounts, live, contracts) import it and say which fields to
check with which rules; it imports nothing of theirs.
"""
