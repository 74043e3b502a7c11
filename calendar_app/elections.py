"""The known election years of Norway and Sweden; later ones are added as rows in the admin."""

KNOWN_ELECTIONS = (
    # Norway: parliamentary every four years (2025, 2029 …), local and county two years apart.
    [("NO", "parliamentary", year) for year in range(2001, 2050, 4)]
    + [("NO", "local", year) for year in range(2003, 2050, 4)]
    # Sweden: all general elections on one day, every four years (2026, 2030 …).
    + [("SE", "general", year) for year in range(2002, 2050, 4)]
)


def seed_elections(election_model) -> None:
    """Insert the known elections that are missing (safe to run again)."""
    election_model.objects.bulk_create(
        [election_model(country=c, kind=k, year=y) for c, k, y in KNOWN_ELECTIONS],
        ignore_conflicts=True,
    )
