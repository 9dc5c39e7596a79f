"""Pages of daigang.contracts: the organisation's (manage), the seeker's (seeker) and the
public verification page (public)."""
