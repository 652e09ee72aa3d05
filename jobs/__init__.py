"""Job postings: employers, postings, referrals, hires, departures and follow-ups."""
