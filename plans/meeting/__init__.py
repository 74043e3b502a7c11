"""The annual meeting: a proposal with fixed line numbers, amendments, votes, the merge."""
