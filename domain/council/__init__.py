"""Rules of the resident council: quorum, majority, votes, meetings, reviews, and its records."""
